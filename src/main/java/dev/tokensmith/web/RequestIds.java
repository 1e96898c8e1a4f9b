package dev.tokensmith.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.security.SecureRandom;

/**
 * The {@code X-Request-Id} of each request: the caller's own when it is well-formed (1 to 128
 * characters of {@code A-Z a-z 0-9 . _ -}), so that one id follows a request through a gateway and
 * its logs, else a new one. New ids are a random prefix of this server and event loop, and a
 * counter: unique across instances and restarts, and cheap enough for the hot lane (no random
 * number per request). One per event loop, used from its thread alone.
 */
final class RequestIds {
  static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");
  private static final int MAX_LENGTH = 128;

  private final String prefix;
  private long next;

  RequestIds(SecureRandom random) {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    StringBuilder prefix = new StringBuilder();
    for (byte b : bytes) {
      prefix.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    this.prefix = prefix.append('-').toString();
  }

  /** The request's id (its own, or a new one), also set on its answer. */
  String assign(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    String id = given != null && wellFormed(given) ? given : prefix + Long.toString(next++, 36);
    request.response().headers().set(HEADER, id);
    return id;
  }

  /** A new id, for an answer to a request that could not be read. */
  String fresh() {
    return prefix + Long.toString(next++, 36);
  }

  static boolean wellFormed(String id) {
    int length = id.length();
    if (length == 0 || length > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
