package dev.tokensmith.web;

import dev.tokensmith.storage.BlockingNotAllowed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The hot lane: endpoints tried on the event loop first (the verifier, the health checks), answered
 * there when memory suffices — a cached token, no database — and otherwise, on {@link
 * BlockingNotAllowed}, run again on the worker pool. A request for exactly a hot {@code method
 * path} is served straight from the server's request handler ({@link #serve}), without the router
 * and its per-request machinery; any other spelling of the path reaches {@link #run} through the
 * router.
 */
final class HotLane {
  private final Vertx vertx;
  private final Requests requests;
  private final Responder responder;
  private final SecurityHeaders securityHeaders;
  private final boolean accessLog;
  private final Map<String, HotRoute> routes = new HashMap<>();

  HotLane(
      Vertx vertx,
      Requests requests,
      Responder responder,
      SecurityHeaders securityHeaders,
      boolean accessLog) {
    this.vertx = vertx;
    this.requests = requests;
    this.responder = responder;
    this.securityHeaders = securityHeaders;
    this.accessLog = accessLog;
  }

  private record HotRoute(HttpMethod method, Handler handler, HttpMetrics.Route metrics) {}

  /** Adds a hot endpoint; one per path. */
  void add(HttpMethod method, String path, Handler handler, HttpMetrics.Route metrics) {
    if (routes.putIfAbsent(path, new HotRoute(method, handler, metrics)) != null) {
      throw new IllegalStateException("two hot endpoints on " + path);
    }
  }

  /**
   * Serves a request for a hot endpoint: the security headers, a bounded body, the handler. Returns
   * false, having done nothing, for every other request.
   */
  boolean serve(HttpServerRequest http, String requestId) {
    HotRoute route = routes.get(http.path());
    if (route == null || route.method() != http.method()) {
      return false;
    }
    // The route's timers were resolved when it was added: timing a request allocates only this.
    Exchange exchange = Exchange.begin(http, requestId, route.metrics(), accessLog);
    securityHeaders.api(http.response());
    new BodyReader(http, body -> run(http, body, name -> null, route.handler(), exchange)).start();
    return true;
  }

  /**
   * Runs a hot handler on the event loop, moving it to the worker pool when it needs the database.
   */
  void run(
      HttpServerRequest http,
      Buffer body,
      UnaryOperator<String> pathParams,
      Handler handler,
      Exchange exchange) {
    Request request = exchange.request(requests.of(http, body, pathParams, true));
    Object value;
    try {
      value = handler.handle(request);
    } catch (BlockingNotAllowed e) {
      request.leaveEventLoop();
      responder.runBlocking(http.response(), request, handler, false);
      return;
    } catch (RuntimeException e) {
      responder.write(http.response(), ErrorMapper.toReply(e));
      return;
    }
    responder.write(http.response(), Reply.from(value));
  }

  /**
   * Collects a hot request's body up to {@link WebServer#MAX_BODY_BYTES}. Beyond it the answer is
   * 413 at once; the rest of the body is read and dropped so that the client sees the answer, and
   * the connection is closed when the body ends or after {@link #DRAIN_MILLIS}, whichever is first.
   */
  private final class BodyReader {
    private static final long DRAIN_MILLIS = 5_000;

    private final HttpServerRequest http;
    private final Consumer<Buffer> then;
    private Buffer body;
    private boolean growable;
    private boolean refused;

    BodyReader(HttpServerRequest http, Consumer<Buffer> then) {
      this.http = http;
      this.then = then;
    }

    void start() {
      if (declaredTooLarge(http.getHeader(HttpHeaders.CONTENT_LENGTH))) {
        refuse();
      } else if (HttpHeaders.CONTINUE
          .toString()
          .equalsIgnoreCase(http.getHeader(HttpHeaders.EXPECT))) {
        http.response().writeContinue();
      }
      http.handler(this::chunk);
      http.endHandler(
          v -> {
            if (refused) {
              close();
            } else {
              then.accept(body);
            }
          });
    }

    private void chunk(Buffer chunk) {
      if (refused) {
        return;
      }
      if ((body == null ? 0 : body.length()) + chunk.length() > WebServer.MAX_BODY_BYTES) {
        refuse();
      } else if (body == null) {
        body = chunk;
      } else {
        if (!growable) {
          // A body in several chunks goes into one buffer that grows by doubling, never copied per
          // chunk.
          body = Buffer.buffer(2 * (body.length() + chunk.length())).appendBuffer(body);
          growable = true;
        }
        body.appendBuffer(chunk);
      }
    }

    // Netty has already refused a Content-Length that is not a number; anything odd here is refused
    // too.
    private static boolean declaredTooLarge(String length) {
      if (length == null) {
        return false;
      }
      if (length.isEmpty()
          || length.length() > 9
          || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return true;
      }
      return Integer.parseInt(length) > WebServer.MAX_BODY_BYTES;
    }

    private void refuse() {
      refused = true;
      body = null;
      Reply tooLarge = Reply.bodyTooLarge();
      responder.write(
          http.response(),
          http.version() == HttpVersion.HTTP_2 ? tooLarge : tooLarge.header("Connection", "close"));
      vertx.setTimer(DRAIN_MILLIS, id -> close());
    }

    // On HTTP/2 the answer has ended the stream; the connection carries other streams and stays.
    private void close() {
      if (http.version() != HttpVersion.HTTP_2) {
        http.connection().close();
      }
    }
  }
}
