package dev.tokensmith.web;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** Headers every answer carries: no framing, no sniffing, no referrer, no caching of API data. */
final class SecurityHeaders {
  private SecurityHeaders() {
  }

  static void apply(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cache-Control", "no-store");
    headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    ctx.next();
  }
}
