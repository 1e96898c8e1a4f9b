package dev.tokensmith.web;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.ByteProcessor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send a request: its head and body must arrive in full within
 * the request timeout of its first byte (for a connection's first request, of the connection's
 * opening). Past it the connection is closed, after a 408 in the envelope when the head had arrived
 * and no answer had started. An idle timeout would not do: a client that sends a byte every few
 * seconds is never idle. A connection waiting between requests (keep-alive) and a request being
 * worked on are not timed.
 *
 * <p>One per connection, first in its pipeline, where it sees the raw bytes; a second part behind
 * the HTTP/1 decoder sees where requests end and answers go out. An HTTP/2 connection is timed
 * until its preface has arrived; its streams are timed by {@link WebServer}.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private static final byte[] TIMEOUT_BODY =
      "{\"status\":408,\"body\":\"Request timeout\"}".getBytes(US_ASCII);

  /**
   * The HTTP/2 preface's length: Vert.x has told HTTP/1 from HTTP/2 after at most this many bytes.
   */
  private static final int PREFACE_BYTES = 24;

  private final long timeoutNanos;
  private final CharSequence[][] securityHeaders;
  private ChannelHandlerContext ctx;

  /** The part behind the HTTP/1 decoder; null until Vert.x has chosen HTTP/1. */
  private Events events;

  private ScheduledFuture<?> timer;
  private int sniffed;
  private boolean opened;

  /** HTTP/2 (or upgraded to it): the connection is no longer timed here. */
  private boolean untimed;

  /** A request is arriving: some of it has come (or the connection has just opened), not all. */
  private boolean receiving;

  private long startedAt;
  private boolean headReceived;

  /** An answer to the arriving request has already started (a 413 before the body is read, say). */
  private boolean answered;

  /** A 1xx answer (100 Continue) is being written: it does not answer the request. */
  private boolean interim;

  /**
   * The HTTP/1 decoder's buffer during a read (one more reference held): what follows a request's
   * end.
   */
  private ByteBuf decoding;

  RequestDeadline(long timeoutNanos, CharSequence[][] securityHeaders) {
    this.timeoutNanos = timeoutNanos;
    this.securityHeaders = securityHeaders;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      open();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    open();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void open() {
    if (!opened) {
      opened = true;
      begin();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (untimed || !(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!receiving && bytes.isReadable()) {
      begin();
    }
    if (events == null) {
      sniff(bytes);
    } else {
      ctx.fireChannelRead(bytes);
      afterDecoding();
    }
  }

  private void afterDecoding() {
    if (decoding != null) {
      decoding.release();
      decoding = null;
    }
  }

  // The decoder's buffer, remembered for the read: Events looks at what is left of it when a
  // request ends.
  private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf kept, ByteBuf in) {
    ByteBuf cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, kept, in);
    if (decoding == null) {
      decoding = cumulation.retain();
    }
    return cumulation;
  }

  // Until Vert.x has told HTTP/1 from HTTP/2 (by the first bytes), the bytes go on one at a time,
  // so
  // that the events part stands behind the HTTP/1 decoder before the decoder sees a whole request.
  private void sniff(ByteBuf bytes) {
    while (bytes.isReadable() && !decided()) {
      sniffed++;
      ctx.fireChannelRead(bytes.readRetainedSlice(1));
    }
    if (bytes.isReadable()) {
      ctx.fireChannelRead(bytes);
      afterDecoding();
    } else {
      bytes.release();
    }
  }

  private boolean decided() {
    ChannelPipeline pipeline = ctx.pipeline();
    ChannelHandlerContext encoder = pipeline.context(HttpResponseEncoder.class);
    HttpRequestDecoder decoder = pipeline.get(HttpRequestDecoder.class);
    if (encoder != null && decoder != null) {
      decoder.setCumulator(this::cumulate);
      events = new Events();
      pipeline.addAfter(encoder.name(), null, events);
      return true;
    }
    if (pipeline.get(Http2ConnectionHandler.class) != null || sniffed > PREFACE_BYTES) {
      stepAside();
      return true;
    }
    return false;
  }

  private void stepAside() {
    untimed = true;
    receiving = false;
    cancel();
  }

  /** A request begins: its clock starts. */
  private void begin() {
    receiving = true;
    headReceived = false;
    answered = false;
    startedAt = System.nanoTime();
    if (timer == null && !untimed) {
      arm(timeoutNanos);
    }
  }

  private void arm(long nanos) {
    timer = ctx.executor().schedule(this::expire, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  // One timer at a time: when it fires for a clock that has since restarted, it waits out the rest.
  private void expire() {
    timer = null;
    if (!receiving || untimed || !ctx.channel().isActive()) {
      return;
    }
    long left = startedAt + timeoutNanos - System.nanoTime();
    if (left > 0) {
      arm(left);
    } else if (headReceived && !answered && events != null) {
      events.ctx.writeAndFlush(timeoutAnswer()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private FullHttpResponse timeoutAnswer() {
    FullHttpResponse answer =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_TIMEOUT,
            Unpooled.wrappedBuffer(TIMEOUT_BODY));
    answer
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, TIMEOUT_BODY.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    for (CharSequence[] header : securityHeaders) {
      answer.headers().set(header[0], header[1]);
    }
    // Every answer has an id, this one too (rare enough for a random one of its own).
    answer
        .headers()
        .set(
            RequestIds.HEADER,
            "timeout-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    return answer;
  }

  /**
   * Behind the HTTP/1 decoder and encoder: where a request ends, and whether an answer has started.
   */
  private final class Events extends ChannelDuplexHandler {
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        if (!receiving) {
          // Pipelined: this head came in the same read as the previous request's end; its clock
          // starts now.
          begin();
        }
        headReceived = true;
      }
      ctx.fireChannelRead(msg);
      if (msg instanceof LastHttpContent) {
        receiving = false;
        // Pipelined: the next request's first bytes (not just a stray line end) came with this
        // one's end.
        // Its head may be incomplete, and the decoder would keep it without a word: its clock
        // starts now.
        if (decoding != null && decoding.forEachByte(ByteProcessor.FIND_NON_CRLF) >= 0) {
          begin();
        }
      }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse response) {
        if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          stepAside();
        } else if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          interim = true;
        } else {
          answered = true;
        }
      }
      if (msg instanceof LastHttpContent && interim) {
        interim = false;
      }
      ctx.write(msg, promise);
    }
  }
}
