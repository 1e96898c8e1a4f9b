package dev.tokensmith.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a feature registers its endpoints: the management endpoints go to the router, whose
 * handlers run on the worker pool (they may touch the database) and come back to the event loop to
 * be written in the envelope; a hot endpoint ({@link #fast}) goes to the {@link HotLane} as well.
 */
public final class Routes {
  private final Router router;
  private final HotLane hotLane;
  private final Requests requests;
  private final Responder responder;
  private final HttpMetrics metrics;
  private final List<String> registered = new ArrayList<>();

  Routes(
      Router router, HotLane hotLane, Requests requests, Responder responder, HttpMetrics metrics) {
    this.router = router;
    this.hotLane = hotLane;
    this.requests = requests;
    this.responder = responder;
    this.metrics = metrics;
  }

  /**
   * An endpoint that needs a credential: the caller is authenticated before the body is even read.
   */
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
   * A hot endpoint, served by the {@link HotLane}: tried on the event loop first, and on the worker
   * pool when memory does not suffice. The handler authenticates itself through {@link
   * Request#caller()} if it needs a caller.
   */
  public void fast(HttpMethod method, String path, Handler handler) {
    registered.add(method.name() + " " + path);
    HttpMetrics.Route timers = metrics.route(method, path);
    hotLane.add(method, path, handler, timers);
    router
        .route(method, path)
        .handler(
            ctx ->
                hotLane.run(
                    ctx.request(),
                    ctx.body().buffer(),
                    ctx::pathParam,
                    handler,
                    Exchange.of(ctx).route(timers)));
  }

  /**
   * Files under the classpath folder {@code classpathRoot}, served as they are below {@code
   * mountPath} (which ends with {@code /}) to anyone: the Console's assets, gzip'd when the browser
   * takes it, revalidated by their ETag at every use so that an upgrade is seen at once.
   */
  public void staticFiles(String mountPath, String classpathRoot) {
    staticFiles(mountPath, classpathRoot, null);
  }

  /**
   * As {@link #staticFiles(String, String)}, where paths under {@code versionSegment} (the files'
   * version, as the first segment) are cached by browsers for a year.
   */
  public void staticFiles(String mountPath, String classpathRoot, String versionSegment) {
    registered.add("GET " + mountPath + "*");
    HttpMetrics.Route timers = metrics.route(HttpMethod.GET, mountPath + "*");
    router
        .route(HttpMethod.GET, mountPath + "*")
        .handler(ctx -> taken(ctx, timers))
        .handler(SecurityHeaders::page)
        .handler(new StaticFiles(mountPath, classpathRoot, versionSegment));
  }

  /** A fixed HTML page of the Console, open to anyone (it holds no data). */
  public void page(String path, String html) {
    registered.add("GET " + path);
    HttpMetrics.Route timers = metrics.route(HttpMethod.GET, path);
    router
        .route(HttpMethod.GET, path)
        .handler(ctx -> taken(ctx, timers))
        .handler(SecurityHeaders::page)
        .handler(
            ctx -> responder.write(ctx.response(), Reply.raw("text/html; charset=utf-8", html)));
  }

  private void route(HttpMethod method, String path, Handler handler, boolean authenticated) {
    registered.add(method.name() + " " + path);
    HttpMetrics.Route timers = metrics.route(method, path);
    router
        .route(method, path)
        .handler(
            ctx ->
                responder.runBlocking(
                    ctx.response(),
                    Exchange.of(ctx)
                        .route(timers)
                        .request(
                            requests.of(ctx.request(), ctx.body().buffer(), ctx::pathParam, false)),
                    handler,
                    authenticated));
  }

  private static void taken(RoutingContext ctx, HttpMetrics.Route timers) {
    Exchange.of(ctx).route(timers);
    ctx.next();
  }

  /**
   * Every route registered so far, as {@code "METHOD /path"} in Vert.x syntax ({@code :id}, {@code
   * *}).
   */
  List<String> registered() {
    return List.copyOf(registered);
  }
}
