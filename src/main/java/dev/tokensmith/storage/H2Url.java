package dev.tokensmith.storage;

import java.util.Arrays;
import java.util.Locale;

/**
 * The H2 settings every embedded Tokensmith database needs, added to an H2 URL that does not name
 * them itself (so a user's own {@code jdbc:h2:} URL gets them too, and an explicit value wins).
 * {@code WRITE_DELAY=0}: H2 writes every commit to the file before the commit returns (by default
 * it writes commits up to 500 ms later, and a killed process loses them); a file database only.
 * {@code DB_CLOSE_ON_EXIT=FALSE}: the server closes the database itself when it stops, after its
 * last write (the usage flush), instead of H2's shutdown hook closing it first.
 * Remote H2 URLs ({@code tcp:}, {@code ssl:}) are left alone: their server owns those settings.
 */
final class H2Url {
  private H2Url() {
  }

  static String complete(String url) {
    if (!embedded(url)) {
      return url;
    }
    StringBuilder completed = new StringBuilder(url);
    if (!url.startsWith("jdbc:h2:mem:") && !names(url, "WRITE_DELAY")) {
      completed.append(";WRITE_DELAY=0");
    }
    if (!names(url, "DB_CLOSE_ON_EXIT")) {
      completed.append(";DB_CLOSE_ON_EXIT=FALSE");
    }
    return completed.toString();
  }

  private static boolean embedded(String url) {
    return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
  }

  private static boolean names(String url, String setting) {
    return Arrays.stream(url.split(";")).skip(1)
        .anyMatch(part -> part.split("=", 2)[0].trim().toUpperCase(Locale.ROOT).equals(setting));
  }
}
