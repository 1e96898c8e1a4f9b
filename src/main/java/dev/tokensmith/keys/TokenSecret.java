package dev.tokensmith.keys;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The format of a token secret (spec 2.3): 64 characters of {@code [A-Za-z0-9]}, made of a 4-char
 * instance prefix, 54 random base62 characters (about 320 bits) and 6 base62 characters of the
 * CRC32 of the first 58. The checksum lets a typo or a random string be rejected before any lookup.
 */
public final class TokenSecret {

  /** Matches any secret; published for secret scanners. */
  public static final String PATTERN = "[A-Za-z0-9]{64}";

  /** Total length of a secret. */
  public static final int LENGTH = 64;

  private static final int PREFIX_LENGTH = 4;
  private static final int RANDOM_LENGTH = 54;
  private static final int CHECKSUM_LENGTH = 6;
  private static final int BODY_LENGTH = PREFIX_LENGTH + RANDOM_LENGTH;

  /** Base62 digits in value order; used for the random part and the checksum. */
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  /** CRC-32 (IEEE, reflected polynomial 0xEDB88320) lookup table, same result as java.util.zip.CRC32. */
  private static final int[] CRC_TABLE = new int[256];
  // Base62 value of each ASCII character, -1 for anything outside [0-9A-Za-z].
  private static final byte[] DIGITS = new byte[128];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLE[n] = c;
    }
    Arrays.fill(DIGITS, (byte) -1);
    for (int d = 0; d < ALPHABET.length; d++) {
      DIGITS[ALPHABET[d]] = (byte) d;
    }
  }

  private TokenSecret() {
  }

  /**
   * A new secret starting with {@code prefix}.
   *
   * @throws IllegalArgumentException if the prefix is not exactly 4 characters of [A-Za-z0-9]
   */
  public static String generate(String prefix, SecureRandom random) {
    requirePrefix(prefix);
    Objects.requireNonNull(random, "random");
    char[] out = new char[LENGTH];
    prefix.getChars(0, PREFIX_LENGTH, out, 0);
    byte[] buffer = new byte[RANDOM_LENGTH * 2];
    int filled = PREFIX_LENGTH;
    while (filled < BODY_LENGTH) {
      random.nextBytes(buffer);
      for (int i = 0; i < buffer.length && filled < BODY_LENGTH; i++) {
        // Six bits give 0..63; dropping 62 and 63 keeps every base62 digit equally likely.
        int v = buffer[i] & 0x3F;
        if (v < ALPHABET.length) {
          out[filled++] = ALPHABET[v];
        }
      }
    }
    long crc = crc32(out, BODY_LENGTH);
    for (int i = LENGTH - 1; i >= BODY_LENGTH; i--) {
      out[i] = ALPHABET[(int) (crc % 62)];
      crc /= 62;
    }
    return new String(out);
  }

  /**
   * Whether {@code value} is exactly 64 characters of [A-Za-z0-9] with a valid checksum; false for null.
   * Allocation-free, so it is cheap enough to run before every lookup.
   */
  public static boolean isWellFormed(CharSequence value) {
    if (value == null || value.length() != LENGTH) {
      return false;
    }
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < BODY_LENGTH; i++) {
      char c = value.charAt(i);
      if (digit(c) < 0) {
        return false;
      }
      crc = CRC_TABLE[(crc ^ c) & 0xFF] ^ (crc >>> 8);
    }
    long expected = ~crc & 0xFFFFFFFFL;
    long actual = 0;
    for (int i = BODY_LENGTH; i < LENGTH; i++) {
      int d = digit(value.charAt(i));
      if (d < 0) {
        return false;
      }
      actual = actual * 62 + d;
    }
    return actual == expected;
  }

  /** True when some 64-character run of [A-Za-z0-9] inside {@code text} is a well-formed secret. */
  public static boolean containsSecret(String text) {
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = digit(text.charAt(i)) >= 0 ? run + 1 : 0;
      if (run >= LENGTH && isWellFormed(text.subSequence(i - LENGTH + 1, i + 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link #isWellFormed(CharSequence)} for a secret already in bytes (one byte per character), the
   * hot path's form: the same bytes then go to the HMAC. Uses the JDK's intrinsic CRC32.
   */
  public static boolean isWellFormedAscii(byte[] ascii) {
    if (ascii == null || ascii.length != LENGTH) {
      return false;
    }
    for (byte b : ascii) {
      if (b < 0 || DIGITS[b] < 0) {
        return false;
      }
    }
    CRC32 crc = new CRC32();
    crc.update(ascii, 0, BODY_LENGTH);
    long actual = 0;
    for (int i = BODY_LENGTH; i < LENGTH; i++) {
      actual = actual * 62 + DIGITS[ascii[i]];
    }
    return actual == crc.getValue();
  }

  /**
   * The displayable hint of a secret: first 4 + "..." + last 4 characters (field {@code secret_hint}).
   *
   * @throws IllegalArgumentException if the secret is shorter than 8 characters
   */
  public static String hint(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length() < 8) {
      throw new IllegalArgumentException("secret too short for a hint");
    }
    return secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
  }

  /**
   * The regex matching secrets of one instance, for secret scanners.
   *
   * @throws IllegalArgumentException if the prefix is not exactly 4 characters of [A-Za-z0-9]
   */
  public static String pattern(String prefix) {
    requirePrefix(prefix);
    return prefix + "[A-Za-z0-9]{60}";
  }

  private static void requirePrefix(String prefix) {
    if (prefix == null || prefix.length() != PREFIX_LENGTH) {
      throw new IllegalArgumentException("token prefix must be 4 characters of [A-Za-z0-9]");
    }
    for (int i = 0; i < PREFIX_LENGTH; i++) {
      if (digit(prefix.charAt(i)) < 0) {
        throw new IllegalArgumentException("token prefix must be 4 characters of [A-Za-z0-9]");
      }
    }
  }

  /** The base62 value of {@code c}, or -1 if it is not in [0-9A-Za-z]. */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 36;
    }
    return -1;
  }

  /** CRC32 of the first {@code length} chars, each taken as one ASCII byte. */
  private static long crc32(char[] chars, int length) {
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < length; i++) {
      crc = CRC_TABLE[(crc ^ chars[i]) & 0xFF] ^ (crc >>> 8);
    }
    return ~crc & 0xFFFFFFFFL;
  }
}
