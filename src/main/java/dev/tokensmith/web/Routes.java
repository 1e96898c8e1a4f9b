package dev.tokensmith.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.storage.BlockingNotAllowed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Registers endpoints and runs them: the handler goes to the worker pool (it may touch the
 * database), and its result comes back to the event loop to be written in the envelope. The one
 * place where blocking work leaves the event loop.
 */
public final class Routes {
  private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

  private final Vertx vertx;
  private final Router router;
  private final Authentication authenticator;
  private final ObjectMapper json;
  private final ClientAddress clientAddress;
  private final SecurityHeaders securityHeaders;
  private final List<String> registered = new ArrayList<>();
  private final Map<String, HotRoute> hot = new HashMap<>();

  Routes(Vertx vertx, Router router, Authentication authenticator, ObjectMapper json, ClientAddress clientAddress,
      SecurityHeaders securityHeaders) {
    this.vertx = vertx;
    this.router = router;
    this.authenticator = authenticator;
    this.json = json;
    this.clientAddress = clientAddress;
    this.securityHeaders = securityHeaders;
  }

  /** An endpoint that needs a credential: the caller is authenticated before the body is even read. */
  public void get(String path, Handler handler) {
    route(HttpMethod.GET, path, handler, true);
  }

  public void post(String path, Handler handler) {
    route(HttpMethod.POST, path, handler, true);
  }

  public void put(String path, Handler handler) {
    route(HttpMethod.PUT, path, handler, true);
  }

  public void delete(String path, Handler handler) {
    route(HttpMethod.DELETE, path, handler, true);
  }

  /** An endpoint open to anyone (login, health). */
  public void publicGet(String path, Handler handler) {
    route(HttpMethod.GET, path, handler, false);
  }

  public void publicPost(String path, Handler handler) {
    route(HttpMethod.POST, path, handler, false);
  }

  /**
   * A hot endpoint: tried on the event loop first, answered there when memory suffices (a cached
   * token, no database); otherwise — {@link BlockingNotAllowed} — run again on the worker pool.
   * The handler authenticates itself through {@link Request#caller()} if it needs a caller. A
   * request for exactly {@code method path} skips the router (see {@link #serveHot}); any other
   * spelling of the path still reaches the handler through it.
   */
  public void fast(HttpMethod method, String path, Handler handler) {
    registered.add(method.name() + " " + path);
    if (hot.putIfAbsent(path, new HotRoute(method, handler)) != null) {
      throw new IllegalStateException("two hot endpoints on " + path);
    }
    router.route(method, path).handler(ctx -> runFast(ctx.request(), ctx.body().buffer(), ctx::pathParam, handler));
  }

  /**
   * Serves a request for a hot endpoint straight from the server's request handler, without the
   * router and its per-request machinery: the security headers, a bounded body, the handler.
   * Returns false, having done nothing, for every other request.
   */
  boolean serveHot(HttpServerRequest http) {
    HotRoute route = hot.get(http.path());
    if (route == null || route.method() != http.method()) {
      return false;
    }
    securityHeaders.api(http.response());
    new BodyReader(http, body -> runFast(http, body, name -> null, route.handler())).start();
    return true;
  }

  private void runFast(HttpServerRequest http, Buffer body, UnaryOperator<String> pathParams, Handler handler) {
    Request request = new Request(http, body, pathParams, authenticator, json, clientAddress, true);
    Object value;
    try {
      value = handler.handle(request);
    } catch (BlockingNotAllowed e) {
      request.leaveEventLoop();
      runBlocking(http.response(), request, handler, false);
      return;
    } catch (RuntimeException e) {
      write(http.response(), ErrorMapper.toReply(e));
      return;
    }
    write(http.response(), Reply.from(value));
  }

  private record HotRoute(HttpMethod method, Handler handler) {
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
      } else if (HttpHeaders.CONTINUE.toString().equalsIgnoreCase(http.getHeader(HttpHeaders.EXPECT))) {
        http.response().writeContinue();
      }
      http.handler(this::chunk);
      http.endHandler(v -> {
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
          // A body in several chunks goes into one buffer that grows by doubling, never copied per chunk.
          body = Buffer.buffer(2 * (body.length() + chunk.length())).appendBuffer(body);
          growable = true;
        }
        body.appendBuffer(chunk);
      }
    }

    // Netty has already refused a Content-Length that is not a number; anything odd here is refused too.
    private static boolean declaredTooLarge(String length) {
      if (length == null) {
        return false;
      }
      if (length.isEmpty() || length.length() > 9 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return true;
      }
      return Integer.parseInt(length) > WebServer.MAX_BODY_BYTES;
    }

    private void refuse() {
      refused = true;
      body = null;
      Reply tooLarge = Reply.bodyTooLarge();
      write(http.response(), http.version() == HttpVersion.HTTP_2 ? tooLarge : tooLarge.header("Connection", "close"));
      vertx.setTimer(DRAIN_MILLIS, id -> close());
    }

    // On HTTP/2 the answer has ended the stream; the connection carries other streams and stays.
    private void close() {
      if (http.version() != HttpVersion.HTTP_2) {
        http.connection().close();
      }
    }
  }

  /**
   * Files under the classpath folder {@code classpathRoot}, served as they are below {@code mountPath}
   * (which ends with {@code /}) to anyone: the Console's assets. Nothing is cached by the browser, so
   * an upgrade is seen at once.
   */
  public void staticFiles(String mountPath, String classpathRoot) {
    registered.add("GET " + mountPath + "*");
    router.route(HttpMethod.GET, mountPath + "*").handler(SecurityHeaders::page).handler(StaticHandler
        .create(classpathRoot).setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false));
  }

  /** A fixed HTML page of the Console, open to anyone (it holds no data). */
  public void page(String path, String html) {
    registered.add("GET " + path);
    router.route(HttpMethod.GET, path).handler(SecurityHeaders::page)
        .handler(ctx -> write(ctx.response(), Reply.raw("text/html; charset=utf-8", html)));
  }

  private void route(HttpMethod method, String path, Handler handler, boolean authenticated) {
    registered.add(method.name() + " " + path);
    router.route(method, path).handler(ctx -> runBlocking(ctx.response(), new Request(ctx.request(), ctx.body().buffer(),
        ctx::pathParam, authenticator, json, clientAddress, false), handler, authenticated));
  }

  /** Every route registered so far, as {@code "METHOD /path"} in Vert.x syntax ({@code :id}, {@code *}). */
  List<String> registered() {
    return List.copyOf(registered);
  }

  private void runBlocking(HttpServerResponse response, Request request, Handler handler, boolean authenticated) {
    vertx.executeBlocking(() -> {
      if (authenticated) {
        request.caller();
      }
      return handler.handle(request);
    }, false).onComplete(result -> {
      if (result.succeeded()) {
        write(response, Reply.from(result.result()));
      } else {
        write(response, ErrorMapper.toReply(result.cause()));
      }
    });
  }

  /** Writes a reply: the envelope, or a raw body. */
  void write(HttpServerResponse response, Reply reply) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(reply.status);
    reply.headers.forEach(response::putHeader);
    if (reply.rawContentType != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, reply.rawContentType).end((String) reply.body);
      return;
    }
    String text;
    if (reply.body instanceof JsonText written) {
      text = "{\"status\":" + reply.status + ",\"body\":" + written.text() + "}";
    } else {
      Map<String, Object> envelope = new LinkedHashMap<>();
      envelope.put("status", reply.status);
      envelope.put("body", reply.body);
      try {
        text = json.writeValueAsString(envelope);
      } catch (JsonProcessingException e) {
        response.setStatusCode(500);
        text = "{\"status\":500,\"body\":\"Internal server error\"}";
      }
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(text);
  }
}
