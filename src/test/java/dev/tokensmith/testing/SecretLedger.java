package dev.tokensmith.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret (and session value) the test suite has been handed, across all tests of the JVM, so
 * a check can prove none of them ever shows up where it must not: an error body, a log line, an
 * activity record.
 */
public final class SecretLedger {
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private SecretLedger() {}

  public static void record(String secret) {
    if (secret != null && secret.length() >= 16) {
      SECRETS.add(secret);
    }
  }

  /** Forgets a value (only for a test that plants a leak on purpose to prove the check works). */
  public static void forget(String secret) {
    SECRETS.remove(secret);
  }

  public static int size() {
    return SECRETS.size();
  }

  /** The first known secret contained in {@code text}, or null. */
  public static String findIn(String text) {
    if (text == null) {
      return null;
    }
    for (String secret : SECRETS) {
      if (text.contains(secret)) {
        return secret;
      }
    }
    return null;
  }
}
