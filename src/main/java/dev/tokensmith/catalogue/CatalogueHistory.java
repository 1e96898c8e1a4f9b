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

  /** True when the previous start's catalogue had an id that {@code now} lacks, or is not known. */
  boolean lostPermissions(Catalogue now) {
    String previous =
        db.withHandle(
            h ->
                h.createQuery(
                        "SELECT permission_ids FROM catalogue_history WHERE id = 1 FOR UPDATE")
                    .mapTo(String.class)
                    .one());
    if (previous.equals(UNKNOWN)) {
      return true;
    }
    Set<String> removed = new HashSet<>(Arrays.asList(previous.split(",")));
    removed.removeAll(now.ids());
    removed.remove("");
    return !removed.isEmpty();
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
