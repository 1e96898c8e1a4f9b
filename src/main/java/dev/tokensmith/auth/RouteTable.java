package dev.tokensmith.auth;

import dev.tokensmith.permissions.Catalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which permission a gateway's request needs ({@code GET /v2/auth/forward}): lines of {@code METHOD
 * PATTERN PERMISSION}, first match wins. METHOD is a verb or {@code *}; in PATTERN a {@code *}
 * segment matches one path segment and a final {@code **} the rest; PERMISSION is a permission id,
 * or {@code -} for "any valid token". A request no line matches is refused (403), and so is one
 * whose path servers behind the gateway could read differently ({@link ForwardedPath}), or whose
 * readings lead to different permissions: path parameters dropped (servlet containers) or kept
 * (others), the path compared with or without regard to case (Express, ASP.NET).
 */
public final class RouteTable {
  /**
   * The table used when none is configured: Tokensmith's own Cloud API (its resources are in every
   * catalogue).
   */
  public static final String DEFAULT =
      String.join(
          "\n",
          "GET    /v1/user                    -",
          "POST   /v1/user                    -",
          "POST   /v1/objects/user            users:view",
          "POST   /v1/objects/user/create     users:create",
          "POST   /v1/objects/user/update     users:update",
          "POST   /v1/objects/user/delete     users:delete",
          "GET    /v2/api_tokens              api_tokens:view",
          "POST   /v2/api_tokens              api_tokens:create",
          "GET    /v2/api_tokens/*            api_tokens:view",
          "PUT    /v2/api_tokens/*            api_tokens:update",
          "DELETE /v2/api_tokens/*            api_tokens:delete",
          "GET    /v2/api_tokens/*/secret     api_tokens:view",
          "POST   /v2/api_tokens/*/secret     api_tokens:update",
          "POST   /v1/objects/client/create   clients:create",
          "POST   /v1/objects/client/update   clients:update",
          "POST   /v1/objects/client          clients:view",
          "GET    /v1/objects/client          clients:view",
          "GET    /v2/partner_client          clients:view",
          "GET    /v2/activity_log            activity_log:view",
          "GET    /v2/activity_log.csv        activity_log:export");

  /**
   * One line: the permission is empty for "any valid token"; {@code folded} is the pattern without
   * case.
   */
  record Route(String method, String[] segments, String[] folded, Optional<String> permission) {}

  private final List<Route> routes;

  /** Some pattern has an upper-case letter: the case-blind reading differs for every path. */
  private final boolean patternsHaveCase;

  private RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
    this.patternsHaveCase =
        routes.stream().anyMatch(route -> !Arrays.equals(route.segments(), route.folded()));
  }

  /** Reads a table file; fails naming the file and line when one is malformed. */
  public static RouteTable load(Path file, Catalogue catalogue) {
    try {
      return parse(Files.readString(file), file.toString(), catalogue);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TOKENSMITH_FORWARD_ROUTES_FILE " + file, e);
    }
  }

  /**
   * Parses a table whose permissions are {@code catalogue}'s; {@code source} names it in errors.
   */
  public static RouteTable parse(String text, String source, Catalogue catalogue) {
    List<Route> routes = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String permission = parts.length == 3 ? parts[2] : "";
      Optional<String[]> pattern = parts.length == 3 ? pattern(parts[1]) : Optional.empty();
      if (pattern.isEmpty() || !permission.equals("-") && !catalogue.isKnown(permission)) {
        throw new IllegalArgumentException(
            source
                + " line "
                + (i + 1)
                + ": expected METHOD /path permission"
                + " (the path written decoded, without . or .. segments, %, ;, \\, ? or #)");
      }
      routes.add(
          new Route(
              parts[0].toUpperCase(Locale.ROOT),
              pattern.get(),
              fold(pattern.get()),
              permission.equals("-") ? Optional.empty() : Optional.of(permission)));
    }
    return new RouteTable(routes);
  }

  /**
   * The permission the request needs: empty = none found (refuse); present-empty = any valid token.
   */
  public Optional<Optional<String>> permissionFor(String method, String uri) {
    Optional<String[]> servlet = ForwardedPath.segments(uri, true);
    Optional<Optional<String>> permission = servlet.flatMap(path -> lookup(method, path, false));
    if (permission.isEmpty()) {
      return permission;
    }
    // Servers read a path in more ways than one: servlet containers drop ";params" where others
    // keep them
    // in the name, and some (Express, ASP.NET) match without regard to case. Every reading must
    // agree.
    String[] kept =
        uri.indexOf(';') < 0 ? servlet.get() : ForwardedPath.segments(uri, false).orElse(null);
    if (kept == null || kept != servlet.get() && !permission.equals(lookup(method, kept, false))) {
      return Optional.empty();
    }
    List<String[]> readings =
        kept == servlet.get() ? List.<String[]>of(kept) : List.of(servlet.get(), kept);
    for (String[] path : readings) {
      String[] folded = fold(path);
      if ((patternsHaveCase || !Arrays.equals(folded, path))
          && !permission.equals(lookup(method, folded, true))) {
        return Optional.empty();
      }
    }
    return permission;
  }

  private Optional<Optional<String>> lookup(String method, String[] path, boolean folded) {
    for (Route route : routes) {
      if ((route.method().equals("*") || route.method().equalsIgnoreCase(method))
          && matches(folded ? route.folded() : route.segments(), path)) {
        return Optional.of(route.permission());
      }
    }
    return Optional.empty();
  }

  // Without case, as case-blind servers compare: "ADMIN", "Admin" and "adm%C4%B1n" (a dotless i)
  // are all "admin".
  private static String[] fold(String[] segments) {
    String[] folded = new String[segments.length];
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i].toLowerCase(Locale.ROOT);
      for (int c = 0; c < segment.length(); c++) {
        if (segment.charAt(c) >= 0x80) {
          segment = segment.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
          break;
        }
      }
      folded[i] = segment;
    }
    return folded;
  }

  private static boolean matches(String[] pattern, String[] path) {
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].equals("**") && i == pattern.length - 1) {
        return true;
      }
      if (i >= path.length || !pattern[i].equals("*") && !pattern[i].equals(path[i])) {
        return false;
      }
    }
    return pattern.length == path.length;
  }

  // A pattern is written as the decoded path it matches; anything a normalised path never holds is
  // a mistake.
  private static Optional<String[]> pattern(String written) {
    if (!written.startsWith("/")) {
      return Optional.empty();
    }
    String path =
        written.length() > 1 && written.endsWith("/")
            ? written.substring(0, written.length() - 1)
            : written;
    String[] segments = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (segment.isEmpty()
          || segment.endsWith(".")
          || segment.chars().anyMatch(c -> "%;\\?#".indexOf(c) >= 0)
          || segment.equals("**") && i != segments.length - 1) {
        return Optional.empty();
      }
    }
    return Optional.of(segments);
  }
}
