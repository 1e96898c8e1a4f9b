package dev.tokensmith.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The warning for a name that is no setting, with the known setting it most likely meant: a
 * misspelt setting is otherwise silently ignored and its default used.
 */
final class UnknownSetting {
  private static final String PREFIX = "TOKENSMITH_";

  private UnknownSetting() {}

  /**
   * One line: the name (and {@code where}, e.g. " in /etc/tokensmith.properties"), that it is
   * ignored, and the closest known name when one is close enough.
   */
  static String warning(String name, String where, Collection<String> known) {
    return name
        + where
        + " is not a Tokensmith setting and is ignored"
        + closest(name, known).map(k -> "; did you mean " + k + "?").orElse("");
  }

  /**
   * The known name nearest to {@code name} (case and the {@code TOKENSMITH_} prefix aside), when it
   * is at most a quarter of its length away (at least one edit, at most three); empty otherwise.
   */
  static Optional<String> closest(String name, Collection<String> known) {
    String wanted = stem(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      String stem = stem(candidate);
      int allowed = Math.max(1, Math.min(3, stem.length() / 4));
      int distance = distance(wanted, stem);
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String stem(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.startsWith(PREFIX) ? upper.substring(PREFIX.length()) : upper;
  }

  /**
   * Edits between two names: insertions, deletions, substitutions and swaps of two neighbours
   * (optimal string alignment), so that {@code PROT} is one edit from {@code PORT}.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
