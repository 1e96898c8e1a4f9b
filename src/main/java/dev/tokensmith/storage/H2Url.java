package dev.tokensmith.storage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What Tokensmith needs of an embedded H2 database, read from and added to its URL (so a user's own
 * {@code jdbc:h2:} URL gets it too, and a setting the URL names itself wins). {@code
 * WRITE_DELAY=0}: H2 writes every commit to the file before the commit returns (by default it
 * writes commits up to 500 ms later, and a killed process loses them); a file database only. {@code
 * DB_CLOSE_ON_EXIT=FALSE}: the server closes the database itself when it stops, after its last
 * write (the usage flush), instead of H2's shutdown hook closing it first. Remote H2 URLs ({@code
 * tcp:}, {@code ssl:}) are left alone: their server owns those settings.
 */
final class H2Url {
  /** The suffix of an H2 database's data file (MVStore). */
  static final String DATA_FILE = ".mv.db";

  private static final Pattern FILE_SYSTEM = Pattern.compile("^[A-Za-z][A-Za-z0-9]+:");

  private H2Url() {}

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

  /**
   * The path of an embedded file database without its suffix ({@code jdbc:h2:file:/srv/ts/db},
   * {@code jdbc:h2:./db}, {@code jdbc:h2:~/db}); empty for in-memory and remote databases and for
   * H2's other file systems ({@code nio:}, {@code split:}, …).
   */
  static Optional<Path> databasePath(String url) {
    if (!embedded(url)) {
      return Optional.empty();
    }
    String path = url.substring("jdbc:h2:".length()).split(";", 2)[0];
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    if (path.isEmpty() || FILE_SYSTEM.matcher(path).find()) {
      return Optional.empty();
    }
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Optional.of(Path.of(path).toAbsolutePath().normalize());
  }

  private static boolean embedded(String url) {
    return url.startsWith("jdbc:h2:")
        && !url.startsWith("jdbc:h2:tcp:")
        && !url.startsWith("jdbc:h2:ssl:");
  }

  private static boolean names(String url, String setting) {
    return Arrays.stream(url.split(";"))
        .skip(1)
        .anyMatch(part -> part.split("=", 2)[0].trim().toUpperCase(Locale.ROOT).equals(setting));
  }
}
