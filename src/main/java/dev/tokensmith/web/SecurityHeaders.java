package dev.tokensmith.web;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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

  // Encoded once: these go out with every answer.
  static final CharSequence[][] API_HEADERS = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy", API_POLICY}};

  static {
    for (CharSequence[] header : API_HEADERS) {
      header[0] = HttpHeaders.createOptimized(header[0].toString());
      header[1] = HttpHeaders.createOptimized(header[1].toString());
    }
  }

  static void apply(RoutingContext ctx) {
    api(ctx.response());
    ctx.next();
  }

  /** The API answer's headers, set on {@code response}. */
  static void api(HttpServerResponse response) {
    MultiMap headers = response.headers();
    for (CharSequence[] header : API_HEADERS) {
      headers.set(header[0], header[1]);
    }
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
