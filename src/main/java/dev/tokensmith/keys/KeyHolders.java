package dev.tokensmith.keys;

import dev.tokensmith.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key versions every running instance holds, kept in the database (numbers only, never a key).
 * Each instance renews its row every few seconds ({@link #refresh}), re-reading its key files if it
 * has them, and then seals and digests under the newest master key and pepper that every live
 * instance holds: a version added to one instance's files is used only once the others can open
 * what it seals and find what it digests. A rotation waits on {@link #lacking} for the same reason.
 */
public final class KeyHolders {
  private static final Logger LOG = LoggerFactory.getLogger(KeyHolders.class);

  /** How often a running instance renews its row and re-reads its key files. */
  public static final Duration REFRESH = Duration.ofSeconds(5);

  /** A row not renewed for this long is an instance that stopped without saying so. */
  public static final Duration LIVE = Duration.ofSeconds(30);

  /** An instance's row: who, which versions, when last renewed. */
  public record Holder(
      String instance, SortedSet<Integer> masterKeys, SortedSet<Integer> peppers, long seenAt) {}

  private final Database db;
  private final ActiveKeys active;
  private final Supplier<Optional<Keyring>> files;
  private final KeyCheck check;
  private final KeyCheck.Sources sources;
  private final Clock clock;
  private final String instance = UUID.randomUUID().toString();
  private volatile Keyring held;

  /**
   * @param files the keyring as the key files hold it now, re-read on every refresh; empty when the
   *     keys come from settings (then only a restart changes them)
   */
  public KeyHolders(
      Database db,
      ActiveKeys active,
      Supplier<Optional<Keyring>> files,
      KeyCheck check,
      KeyCheck.Sources sources,
      Clock clock) {
    this.db = db;
    this.active = active;
    this.files = files;
    this.check = check;
    this.sources = sources;
    this.clock = clock;
    this.held = active.get();
  }

  /**
   * Re-reads the key files (a changed keyring is taken once the key check accepts it), renews this
   * instance's row, forgets instances gone silent, and puts in force the newest versions every live
   * instance holds. Never throws: a failure is logged and the keys in force stay.
   */
  public void refresh() {
    try {
      reload();
      long now = clock.millis();
      Keyring keys = held;
      db.inTransaction(
          () -> {
            String masterKeys = join(keys.versions());
            String peppers = join(keys.pepperVersions());
            int updated =
                db.withHandle(
                    h ->
                        h.createUpdate(
                                "UPDATE key_holders SET master_keys = :keys, peppers = :peppers,"
                                    + " seen_at = :now WHERE instance = :instance")
                            .bind("keys", masterKeys)
                            .bind("peppers", peppers)
                            .bind("now", now)
                            .bind("instance", instance)
                            .execute());
            if (updated == 0) {
              db.withHandle(
                  h ->
                      h.createUpdate(
                              "INSERT INTO key_holders (instance, master_keys, peppers, seen_at)"
                                  + " VALUES (:instance, :keys, :peppers, :now)")
                          .bind("keys", masterKeys)
                          .bind("peppers", peppers)
                          .bind("now", now)
                          .bind("instance", instance)
                          .execute());
            }
            db.withHandle(
                h ->
                    h.createUpdate("DELETE FROM key_holders WHERE seen_at < :stale")
                        .bind("stale", now - LIVE.toMillis())
                        .execute());
          });
      active.set(agreed(keys, live(db, clock)));
    } catch (RuntimeException e) {
      LOG.warn("Could not renew this instance's key versions: {}", e.getClass().getSimpleName());
    }
  }

  /** Removes this instance's row (a clean stop): the others need not wait for it to go stale. */
  public void leave() {
    try {
      db.withHandle(
          h ->
              h.createUpdate("DELETE FROM key_holders WHERE instance = :instance")
                  .bind("instance", instance)
                  .execute());
    } catch (RuntimeException e) {
      LOG.warn("Could not remove this instance's key versions: {}", e.getClass().getSimpleName());
    }
  }

  private void reload() {
    Optional<Keyring> now;
    try {
      now = files.get();
    } catch (RuntimeException e) {
      // A file being edited by hand, or unreadable: keep the keys in force, say so once a refresh.
      LOG.warn("Key files not reloaded: {}", e.getMessage());
      return;
    }
    if (now.isEmpty() || now.get().sameKeys(held)) {
      return;
    }
    try {
      check.verify(now.get(), sources);
    } catch (KeyCheck.Mismatch e) {
      LOG.warn("Key files changed but not taken: {}", e.getMessage());
      return;
    }
    held = now.get();
    LOG.info(
        "Key files reloaded: master key versions {}, pepper versions {}",
        held.versions(),
        held.pepperVersions());
  }

  /**
   * {@code keys} narrowed to the newest master key and pepper that every one of {@code holders}
   * holds as well (its own newest when no other instance runs).
   */
  static Keyring agreed(Keyring keys, List<Holder> holders) {
    SortedSet<Integer> masterKeys = new TreeSet<>(keys.versions());
    SortedSet<Integer> peppers = new TreeSet<>(keys.pepperVersions());
    for (Holder h : holders) {
      masterKeys.retainAll(h.masterKeys());
      peppers.retainAll(h.peppers());
    }
    // An instance holding none of ours would have been refused at start: fall back to our oldest.
    int key = masterKeys.isEmpty() ? keys.versions().first() : masterKeys.last();
    int pepper = peppers.isEmpty() ? keys.pepperVersions().first() : peppers.last();
    return keys.using(key, pepper);
  }

  /** The instances that renewed their row within {@link #LIVE}. */
  public static List<Holder> live(Database db, Clock clock) {
    long since = clock.millis() - LIVE.toMillis();
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT instance, master_keys, peppers, seen_at FROM key_holders"
                        + " WHERE seen_at >= :since ORDER BY instance")
                .bind("since", since)
                .map(
                    (rs, ctx) ->
                        new Holder(
                            rs.getString(1),
                            split(rs.getString(2)),
                            split(rs.getString(3)),
                            rs.getLong(4)))
                .list());
  }

  /**
   * The live instances that lack master key {@code keyVersion} (0: any) or pepper {@code
   * pepperVersion} (0: any).
   */
  public static List<Holder> lacking(Database db, Clock clock, int keyVersion, int pepperVersion) {
    List<Holder> out = new ArrayList<>();
    for (Holder h : live(db, clock)) {
      if ((keyVersion > 0 && !h.masterKeys().contains(keyVersion))
          || (pepperVersion > 0 && !h.peppers().contains(pepperVersion))) {
        out.add(h);
      }
    }
    return out;
  }

  private static String join(SortedSet<Integer> versions) {
    return versions.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static SortedSet<Integer> split(String text) {
    SortedSet<Integer> out = new TreeSet<>();
    Arrays.stream(text.split(","))
        .filter(s -> !s.isBlank())
        .forEach(s -> out.add(Integer.parseInt(s.trim())));
    return out;
  }
}
