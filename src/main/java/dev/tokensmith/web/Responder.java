package dev.tokensmith.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a handler on the worker pool and writes what it returns: the one place where blocking work
 * leaves the event loop, and the one writer of the {@code {"status", "body"}} envelope, for the
 * router and the hot lane alike.
 */
final class Responder {
  private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

  private final Vertx vertx;
  private final ObjectMapper json;

  Responder(Vertx vertx, ObjectMapper json) {
    this.vertx = vertx;
    this.json = json;
  }

  /**
   * Runs {@code handler} on a worker thread, authenticating first when {@code authenticated};
   * writes its answer.
   */
  void runBlocking(
      HttpServerResponse response, Request request, Handler handler, boolean authenticated) {
    Context context = vertx.getOrCreateContext();
    vertx
        .executeBlocking(
            () -> {
              if (authenticated) {
                request.caller();
              }
              Object result = handler.handle(request);
              if (result instanceof Reply reply && reply.streamed != null) {
                new Download(context, response, reply).send();
                return STREAMED;
              }
              return result;
            },
            false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                if (result.result() != STREAMED) {
                  write(response, Reply.from(result.result()));
                }
              } else if (response.headWritten()) {
                // A download failed midway: cut it, so it never looks complete.
                response.reset();
              } else {
                write(response, ErrorMapper.toReply(result.cause()));
              }
            });
  }

  /** What a handler's result becomes once its streamed body has been sent. */
  private static final Object STREAMED = new Object();

  /**
   * Sends a streamed body from the worker thread: pieces are gathered into chunks of about {@link
   * #CHUNK_CHARS}, each handed to the event loop, and the worker waits while the client's
   * connection is not taking them (back-pressure), at most {@link #STALL_SECONDS} per chunk.
   */
  private static final class Download implements Reply.Output {
    private static final int CHUNK_CHARS = 64 * 1024;
    private static final long STALL_SECONDS = 60;

    private final Context context;
    private final HttpServerResponse response;
    private final Reply reply;
    private final StringBuilder pending = new StringBuilder(CHUNK_CHARS + 1024);
    private boolean started;
    // The chunk being waited for: a client that goes away ends the wait at once.
    private volatile CompletableFuture<Void> waiting;

    Download(Context context, HttpServerResponse response, Reply reply) {
      this.context = context;
      this.response = response;
      this.reply = reply;
    }

    void send() {
      reply.streamed.writeTo(this);
      flush(true);
    }

    @Override
    public void flush() {
      if (pending.length() > 0) {
        flush(false);
      }
    }

    @Override
    public void write(String text) {
      pending.append(text);
      if (pending.length() >= CHUNK_CHARS) {
        flush(false);
      }
    }

    private void flush(boolean last) {
      Buffer chunk = Buffer.buffer(pending.toString(), "UTF-8");
      pending.setLength(0);
      boolean first = !started;
      started = true;
      CompletableFuture<Void> taken = new CompletableFuture<>();
      waiting = taken;
      context.runOnContext(
          v -> {
            if (response.closed() || response.ended()) {
              taken.completeExceptionally(new IllegalStateException("the client has gone"));
              return;
            }
            if (first) {
              response.closeHandler(
                  closed -> {
                    CompletableFuture<Void> pendingChunk = waiting;
                    if (pendingChunk != null) {
                      pendingChunk.completeExceptionally(
                          new IllegalStateException("the client has gone"));
                    }
                  });
              response.setStatusCode(reply.status);
              reply.headers.forEach(response::putHeader);
              reply.cookies.forEach(c -> response.headers().add(HttpHeaders.SET_COOKIE, c));
              response.putHeader(HttpHeaders.CONTENT_TYPE, reply.rawContentType);
              if (!last) {
                response.setChunked(true);
              }
            }
            if (last) {
              response.end(chunk);
              taken.complete(null);
            } else {
              response.write(chunk);
              if (response.writeQueueFull()) {
                response.drainHandler(drained -> taken.complete(null));
              } else {
                taken.complete(null);
              }
            }
          });
      try {
        taken.get(STALL_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("download interrupted", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("download stopped: the client is not reading", e);
      }
    }
  }

  /** Writes a reply: the envelope, or a raw body. Nothing once the response has ended. */
  void write(HttpServerResponse response, Reply reply) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(reply.status);
    reply.headers.forEach(response::putHeader);
    reply.cookies.forEach(c -> response.headers().add(HttpHeaders.SET_COOKIE, c));
    if (reply.rawContentType != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, reply.rawContentType).end((String) reply.body);
      return;
    }
    if (reply.body instanceof JsonText written) {
      // Its envelope is written as bytes around it: fields beside the body have no place there.
      if (!reply.envelope.isEmpty()) {
        throw new IllegalStateException("a written JSON body takes no envelope fields");
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(written.envelope(reply.status));
      return;
    }
    String text;
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("status", reply.status);
    envelope.put("body", reply.body);
    envelope.putAll(reply.envelope);
    try {
      text = json.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      response.setStatusCode(500);
      text = "{\"status\":500,\"body\":\"Internal server error\"}";
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(text);
  }
}
