package dev.tokensmith.catalogue;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.Database;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The permission ids and role bundles of the catalogue the previous start ran with, so a start can
 * tell whether the operator removed permissions or took some from a role since.
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

  /**
   * How a catalogue compares with the previous start's.
   *
   * @param narrowed the roles whose bundle lost a permission; none when the previous bundles are
   *     not known (recorded by this start from now on)
   */
  record Comparison(Since since, Set<Role> narrowed) {}

  /** The previous start's record, as stored. */
  private record Previous(String ids, String bundles) {}

  /** How {@code now} compares with the previous start's catalogue. */
  Comparison compare(Catalogue now) {
    Previous previous =
        db.withHandle(
            h ->
                h.createQuery(
                        "SELECT permission_ids, role_bundles FROM catalogue_history WHERE id = 1")
                    .map(
                        (rs, ctx) ->
                            new Previous(
                                rs.getString("permission_ids"), rs.getString("role_bundles")))
                    .one());
    Set<Role> narrowed = narrowed(previous.bundles(), now);
    String ids = previous.ids();
    if (ids.equals(UNKNOWN)) {
      return new Comparison(Since.NOT_RECORDED, narrowed);
    }
    Set<String> removed = new HashSet<>(Arrays.asList(ids.split(",")));
    removed.removeAll(now.ids());
    removed.remove("");
    return new Comparison(removed.isEmpty() ? Since.NONE_REMOVED : Since.SOME_REMOVED, narrowed);
  }

  // A role is narrowed when its previous bundle had an id of the catalogue that its bundle now
  // lacks (a global role's bundle is its regular role's, and is recorded as its own).
  private static Set<Role> narrowed(String previous, Catalogue now) {
    Set<Role> narrowed = EnumSet.noneOf(Role.class);
    if (previous == null) {
      return narrowed;
    }
    for (String line : previous.split("\n")) {
      int eq = line.indexOf('=');
      Role role = eq < 0 ? null : Role.fromId(line.substring(0, eq)).orElse(null);
      if (role == null || role == Role.CUSTOM) {
        continue;
      }
      Set<String> held = new HashSet<>(now.bundle(role).ids());
      // An id the catalogue no longer has at all is the removed resources' narrowing, not this.
      boolean lost =
          Arrays.stream(line.substring(eq + 1).split(","))
              .anyMatch(id -> now.isKnown(id) && !held.contains(id));
      if (lost) {
        narrowed.add(role);
      }
    }
    return narrowed;
  }

  /** Records {@code now} as the catalogue this start runs with. */
  void save(Catalogue now) {
    String ids = String.join(",", now.ids());
    String bundles =
        Arrays.stream(Role.values())
            .filter(role -> role != Role.CUSTOM)
            .map(role -> role.id() + "=" + String.join(",", now.bundle(role).ids()))
            .collect(Collectors.joining("\n"));
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE catalogue_history SET permission_ids = :ids, role_bundles = :bundles"
                        + " WHERE id = 1")
                .bind("ids", ids)
                .bind("bundles", bundles)
                .execute());
  }
}
