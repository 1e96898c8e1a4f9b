package dev.tokensmith.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.auth.Authenticator;
import dev.tokensmith.storage.BlockingNotAllowed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers endpoints and runs them: the handler goes to the worker pool (it may touch the
 * database), and its result comes back to the event loop to be written in the envelope. The one
 * place where blocking work leaves the event loop.
 */
public final class Routes {
  private final Vertx vertx;
  private final Router router;
  private final Authenticator authenticator;
  private final ObjectMapper json;
  private final ClientAddress clientAddress;
  private final List<String> registered = new ArrayList<>();

  Routes(Vertx vertx, Router router, Authenticator authenticator, ObjectMapper json, ClientAddress clientAddress) {
    this.vertx = vertx;
    this.router = router;
    this.authenticator = authenticator;
    this.json = json;
    this.clientAddress = clientAddress;
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
   * The handler authenticates itself through {@link Request#caller()} if it needs a caller.
   */
  public void fast(HttpMethod method, String path, Handler handler) {
    registered.add(method.name() + " " + path);
    router.route(method, path).handler(ctx -> {
      Request request = new Request(ctx, authenticator, json, clientAddress.of(ctx.request()), true);
      Object value;
      try {
        value = handler.handle(request);
      } catch (BlockingNotAllowed e) {
        request.leaveEventLoop();
        runBlocking(ctx, request, handler, false);
        return;
      } catch (RuntimeException e) {
        write(ctx, ErrorMapper.toReply(e));
        return;
      }
      write(ctx, value instanceof Reply reply ? reply : Reply.of(200, value));
    });
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
        .handler(ctx -> write(ctx, Reply.raw("text/html; charset=utf-8", html)));
  }

  private void route(HttpMethod method, String path, Handler handler, boolean authenticated) {
    registered.add(method.name() + " " + path);
    router.route(method, path).handler(ctx -> runBlocking(ctx,
        new Request(ctx, authenticator, json, clientAddress.of(ctx.request()), false), handler, authenticated));
  }

  /** Every route registered so far, as {@code "METHOD /path"} in Vert.x syntax ({@code :id}, {@code *}). */
  List<String> registered() {
    return List.copyOf(registered);
  }

  private void runBlocking(RoutingContext ctx, Request request, Handler handler, boolean authenticated) {
    vertx.executeBlocking(() -> {
      if (authenticated) {
        request.caller();
      }
      return handler.handle(request);
    }, false).onComplete(result -> {
      if (result.succeeded()) {
        Object value = result.result();
        write(ctx, value instanceof Reply reply ? reply : Reply.of(200, value));
      } else {
        write(ctx, ErrorMapper.toReply(result.cause()));
      }
    });
  }

  /** Writes a reply: the envelope, or a raw body. */
  void write(RoutingContext ctx, Reply reply) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    response.setStatusCode(reply.status);
    reply.headers.forEach(response::putHeader);
    if (reply.rawContentType != null) {
      response.putHeader("Content-Type", reply.rawContentType).end((String) reply.body);
      return;
    }
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("status", reply.status);
    envelope.put("body", reply.body);
    String text;
    try {
      text = json.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      response.setStatusCode(500);
      text = "{\"status\":500,\"body\":\"Internal server error\"}";
    }
    response.putHeader("Content-Type", "application/json").end(text);
  }
}
