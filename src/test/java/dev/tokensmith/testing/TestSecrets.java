package dev.tokensmith.testing;

import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.TokenSecrets;
import java.security.SecureRandom;
import java.util.SortedMap;
import java.util.TreeMap;

/** Token secrets under throwaway keys: well-formed values that no server under test has issued. */
public final class TestSecrets {
  private TestSecrets() {}

  /** Secrets of an instance with {@code prefix}, under fresh random keys. */
  public static TokenSecrets withPrefix(String prefix) {
    SecureRandom random = new SecureRandom();
    SortedMap<Integer, byte[]> keys = new TreeMap<>();
    keys.put(1, randomBytes(random));
    return new TokenSecrets(new Keyring(keys, randomBytes(random)), random, prefix);
  }

  /** A well-formed secret with {@code prefix} that no server has issued. */
  public static String unknown(String prefix) {
    return withPrefix(prefix).generate();
  }

  private static byte[] randomBytes(SecureRandom random) {
    byte[] bytes = new byte[Keyring.KEY_BYTES];
    random.nextBytes(bytes);
    return bytes;
  }
}
