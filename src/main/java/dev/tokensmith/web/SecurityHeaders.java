package dev.tokensmith.web;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Headers every answer carries: no framing, no sniffing, no referrer, no caching of API data. API
 * answers may load nothing at all; a Console page may load scripts, styles, images and data from
 * its own origin only, never inline script. Behind TLS every answer also tells the browser to use
 * nothing but HTTPS for a year (Strict-Transport-Security).
 */
final class SecurityHeaders {
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  static final String STRICT_TRANSPORT = "max-age=31536000";

  // Encoded once, with or without the TLS header, when the server starts: these go out with every
  // answer.
  private final CharSequence[][] apiHeaders;

  SecurityHeaders(boolean behindTls) {
    List<String[]> headers =
        new ArrayList<>(
            List.of(
                new String[] {"X-Content-Type-Options", "nosniff"},
                new String[] {"X-Frame-Options", "DENY"},
                new String[] {"Referrer-Policy", "no-referrer"},
                new String[] {"Cache-Control", "no-store"},
                new String[] {"Content-Security-Policy", API_POLICY}));
    if (behindTls) {
      headers.add(new String[] {"Strict-Transport-Security", STRICT_TRANSPORT});
    }
    this.apiHeaders =
        headers.stream()
            .map(
                h ->
                    new CharSequence[] {
                      HttpHeaders.createOptimized(h[0]), HttpHeaders.createOptimized(h[1])
                    })
            .toArray(CharSequence[][]::new);
  }

  void apply(RoutingContext ctx) {
    api(ctx.response());
    ctx.next();
  }

  /**
   * The API answer's headers, encoded (for answers written below Vert.x, such as a request
   * timeout).
   */
  CharSequence[][] apiHeaders() {
    return apiHeaders;
  }

  /** The API answer's headers, set on {@code response}. */
  void api(HttpServerResponse response) {
    MultiMap headers = response.headers();
    for (CharSequence[] header : apiHeaders) {
      headers.set(header[0], header[1]);
    }
  }

  /** On the Console's routes only: an HTML answer gets the page policy instead of the API one. */
  static void page(RoutingContext ctx) {
    // Decided when the headers go out, once the handler has set the content type.
    ctx.addHeadersEndHandler(
        v -> {
          MultiMap headers = ctx.response().headers();
          String type = headers.get("Content-Type");
          if (type != null && type.regionMatches(true, 0, "text/html", 0, 9)) {
            headers.set("Content-Security-Policy", PAGE_POLICY);
          }
        });
    ctx.next();
  }
}
