package dev.tokensmith.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from its start to its answer: when the answer ends, its duration goes to the route's
 * timer and, with the access log on, one line goes to the {@code dev.tokensmith.access} logger:
 * method, route template, status, duration, request id and caller (a token or user id). Never the
 * raw path, the query string, a header, a cookie or a body: nothing a secret could be in.
 */
final class Exchange implements Handler<Void> {
  private static final Logger ACCESS = LoggerFactory.getLogger("dev.tokensmith.access");
  private static final String KEY = "tokensmith.exchange";

  private final HttpServerRequest http;
  private final String requestId;
  private final boolean accessLog;
  private final long start = System.nanoTime();
  private HttpMetrics.Route route;
  private Request request;

  private Exchange(
      HttpServerRequest http, String requestId, HttpMetrics.Route route, boolean accessLog) {
    this.http = http;
    this.requestId = requestId;
    this.route = route;
    this.accessLog = accessLog;
  }

  /** Starts timing a request of {@code route}; the answer's end records it. */
  static Exchange begin(
      HttpServerRequest http, String requestId, HttpMetrics.Route route, boolean accessLog) {
    Exchange exchange = new Exchange(http, requestId, route, accessLog);
    http.response().endHandler(exchange);
    return exchange;
  }

  /**
   * The same for a request the router handles: kept in its context until a route takes it, and
   * recorded through the router's own end handlers (which own the response's one end handler).
   */
  static void begin(RoutingContext ctx, HttpMetrics metrics, boolean accessLog) {
    HttpServerRequest http = ctx.request();
    String id = http.response().headers().get(RequestIds.HEADER);
    Exchange exchange =
        new Exchange(http, id, metrics.route(http.method(), HttpMetrics.UNMATCHED), accessLog);
    ctx.put(KEY, exchange);
    ctx.addEndHandler(ended -> exchange.handle(null));
    ctx.next();
  }

  /** The exchange of a request the router handles. */
  static Exchange of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The route that took the request. */
  Exchange route(HttpMetrics.Route taken) {
    this.route = taken;
    return this;
  }

  /** The request as the endpoint saw it (for its caller). */
  Request request(Request seen) {
    this.request = seen;
    return seen;
  }

  @Override
  public void handle(Void ended) {
    long nanos = System.nanoTime() - start;
    // A connection closed before the answer was written: nginx's "client closed request".
    int status = http.response().ended() ? http.response().getStatusCode() : 499;
    route.record(status, nanos);
    if (accessLog) {
      log(status, nanos);
    }
  }

  private void log(int status, long nanos) {
    String caller = request == null ? null : request.callerLabel();
    String millis = String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    ACCESS
        .atInfo()
        .addKeyValue("method", route.method())
        .addKeyValue("route", route.template())
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", millis)
        .addKeyValue("request_id", requestId)
        .addKeyValue("caller", caller == null ? "-" : caller)
        .log(
            "{} {} {} {} ms request_id={} caller={}",
            route.method(),
            route.template(),
            status,
            millis,
            requestId,
            caller == null ? "-" : caller);
  }
}
