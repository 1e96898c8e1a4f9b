package dev.tokensmith.testing;

import java.security.SecureRandom;
import java.util.UUID;

/** Legacy credentials (a UUID and a 40-character secret key) for tests; each secret is ledgered. */
public final class LegacyPairs {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

  private LegacyPairs() {}

  /** A pair as an older system issued it. */
  public record Pair(String uuid, String secret) {
    /** The two headers older clients send. */
    public Auth auth() {
      return (Auth.Custom)
          (request, changing) ->
              request.header("X-WallarmAPI-UUID", uuid).header("X-WallarmAPI-Secret", secret);
    }

    /** The same UUID with another secret key. */
    public Pair withOtherSecret() {
      return new Pair(uuid, LegacyPairs.secret());
    }

    @Override
    public String toString() {
      return "Pair[" + uuid + "]";
    }
  }

  public static Pair next() {
    return new Pair(UUID.randomUUID().toString(), secret());
  }

  public static String secret() {
    StringBuilder s = new StringBuilder(40);
    for (int i = 0; i < 40; i++) {
      s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    SecretLedger.record(s.toString());
    return s.toString();
  }
}
