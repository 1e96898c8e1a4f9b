package dev.tokensmith.web;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every answer carries: no framing, no sniffing, no referrer, no caching of API data. API
 * answers may load nothing at all; a Console page may load scripts, styles, images and data from its
 * own origin only, never inline script.
 */
final class SecurityHeaders {
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
  static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {
  }

  static void apply(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cache-Control", "no-store");
    headers.set("Content-Security-Policy", API_POLICY);
    ctx.next();
  }

  /** On the Console's routes only: an HTML answer gets the page policy instead of the API one. */
  static void page(RoutingContext ctx) {
    // Decided when the headers go out, once the handler has set the content type.
    ctx.addHeadersEndHandler(v -> {
      MultiMap headers = ctx.response().headers();
      String type = headers.get("Content-Type");
      if (type != null && type.regionMatches(true, 0, "text/html", 0, 9)) {
        headers.set("Content-Security-Policy", PAGE_POLICY);
      }
    });
    ctx.next();
  }
}
