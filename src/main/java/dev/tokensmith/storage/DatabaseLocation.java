package dev.tokensmith.storage;

/**
 * Where a JDBC URL points, fit to be printed: the kind of database and its host and name (or file),
 * never the user, the password or any other parameter of the URL, which may carry credentials.
 */
public final class DatabaseLocation {
  private DatabaseLocation() {}

  /**
   * {@code PostgreSQL at db.example.com:5432/tokensmith}, {@code H2 (embedded) at
   * /srv/tokensmith/data/tokensmith}, …; user information and parameters left out.
   */
  public static String describe(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return "PostgreSQL at " + withoutCredentials(url.substring("jdbc:postgresql:".length()));
    }
    if (url.startsWith("jdbc:h2:")) {
      String rest = url.substring("jdbc:h2:".length());
      return H2Url.databasePath(url)
          .map(path -> "H2 (embedded) at " + path)
          .orElseGet(() -> "H2 at " + withoutCredentials(rest));
    }
    return "a database of an unknown kind";
  }

  // "//user:password@host:port/name?password=…" → "host:port/name"; H2's ";USER=…;PASSWORD=…" go
  // with the rest of the parameters.
  private static String withoutCredentials(String rest) {
    int end = rest.length();
    for (char stop : new char[] {'?', ';', '&'}) {
      int at = rest.indexOf(stop);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    String location = rest.substring(0, end);
    if (location.startsWith("//")) {
      String authorityAndPath = location.substring(2);
      int slash = authorityAndPath.indexOf('/');
      String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
      String path = slash < 0 ? "" : authorityAndPath.substring(slash);
      int at = authority.lastIndexOf('@');
      location = (at < 0 ? authority : authority.substring(at + 1)) + path;
    } else {
      // tcp://user:password@host/… (H2), or anything else with user information before an '@'.
      int scheme = location.indexOf("://");
      int at = location.lastIndexOf('@');
      if (scheme >= 0 && at > scheme) {
        location = location.substring(0, scheme + 3) + location.substring(at + 1);
      }
    }
    return location.isEmpty() ? "(the driver's default)" : location;
  }
}
