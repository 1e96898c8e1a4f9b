package dev.tokensmith.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a delivery: {@code sha256=} and the lower-case hex HMAC-SHA-256, keyed with the
 * subscription's signing secret (its UTF-8 bytes, the whole {@code whsec_…} text), of the timestamp
 * header's value, a dot and the exact body bytes. Signing the timestamp with the body lets a
 * receiver refuse an old delivery replayed with a new timestamp.
 */
final class WebhookSignature {
  static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }
}
