package dev.tokensmith.catalogue;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.storage.Database;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The permission ids of the catalogue the previous start ran with, so a start can tell whether the
 * operator removed some since. Call inside the start's transaction: the row stays locked until it
 * ends, so instances starting together take turns.
 */
final class CatalogueHistory {
  /** Stored before any start recorded its catalogue: every stored list is looked at once. */
  private static final String UNKNOWN = "*";

  private final Database db;

  CatalogueHistory(Database db) {
    this.db = db;
  }

  /** What a start finds when it compares its catalogue with the previous start's. */
  enum Since {
    /** Every permission id of the previous start's catalogue is still there. */
    NONE_REMOVED,
    /** The previous start's catalogue had an id that this one lacks. */
    SOME_REMOVED,
    /** No start has recorded its catalogue yet (a new database, or one from before the record). */
    NOT_RECORDED
  }

  /** How {@code now} compares with the previous start's catalogue. */
  Since compare(Catalogue now) {
    String previous =
        db.withHandle(
            h ->
                h.createQuery(
                        "SELECT permission_ids FROM catalogue_history WHERE id = 1 FOR UPDATE")
                    .mapTo(String.class)
                    .one());
    if (previous.equals(UNKNOWN)) {
      return Since.NOT_RECORDED;
    }
    Set<String> removed = new HashSet<>(Arrays.asList(previous.split(",")));
    removed.removeAll(now.ids());
    removed.remove("");
    return removed.isEmpty() ? Since.NONE_REMOVED : Since.SOME_REMOVED;
  }

  /** Records {@code now} as the catalogue this start runs with. */
  void save(Catalogue now) {
    String ids = String.join(",", now.ids());
    db.withHandle(
        h ->
            h.createUpdate("UPDATE catalogue_history SET permission_ids = :ids WHERE id = 1")
                .bind("ids", ids)
                .execute());
  }
}
