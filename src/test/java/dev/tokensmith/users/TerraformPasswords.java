package dev.tokensmith.users;

import java.security.SecureRandom;

/**
 * The password the Wallarm Terraform provider generates for a user configured without one ({@code
 * passwordGenerate(10)}): one digit, one of its symbols, eight characters of letters, digits and
 * symbols, shuffled. It guarantees neither a letter nor an upper- or lower-case one.
 */
final class TerraformPasswords {
  private static final String DIGITS = "0123456789";
  private static final String SPECIALS = "~=+%^*()_[]{}!@#$?";
  private static final String ALL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + DIGITS + SPECIALS;
  private static final SecureRandom RANDOM = new SecureRandom();

  private TerraformPasswords() {}

  static String generate() {
    char[] buf = new char[10];
    buf[0] = pick(DIGITS);
    buf[1] = pick(SPECIALS);
    for (int i = 2; i < buf.length; i++) {
      buf[i] = pick(ALL);
    }
    for (int i = buf.length - 1; i > 0; i--) {
      int j = RANDOM.nextInt(i + 1);
      char t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    return new String(buf);
  }

  private static char pick(String from) {
    return from.charAt(RANDOM.nextInt(from.length()));
  }
}
