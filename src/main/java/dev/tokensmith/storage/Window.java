package dev.tokensmith.storage;

/**
 * Which rows of a list to read: at most {@code limit}, skipping {@code offset}, and — for a list in
 * its natural order — only those past the id {@code after} (a keyset: the page starts where the
 * index says, however deep in the list).
 *
 * @param after the last id of the page before, or null
 */
public record Window(int limit, int offset, Long after) {
  /** The first {@code limit} rows. */
  public static Window first(int limit) {
    return new Window(limit, 0, null);
  }

  /**
   * The condition that starts the page past {@code after} in a list ordered by {@code idColumn}
   * ascending (or descending), bound as {@code :after}; empty without a keyset.
   */
  public String after(String idColumn, boolean descending) {
    return after == null ? "" : " AND " + idColumn + (descending ? " < :after" : " > :after");
  }
}
