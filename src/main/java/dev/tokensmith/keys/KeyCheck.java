package dev.tokensmith.keys;

import dev.tokensmith.storage.Database;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Tells whether an instance runs with the keys its database was written with. The database keeps a
 * check value per key (never a key): the pepper's HMAC of a fixed label, and a fixed label sealed
 * under each master key version. An instance whose pepper or master keys do not match would answer
 * 401 for every valid token and could show no stored secret, so it must not start.
 */
public final class KeyCheck {
  private static final String PEPPER = "pepper";
  private static final String MASTER_KEY = "master_key_v";

  /** The keys do not match the database's: the message is one line for the operator. */
  public static final class Mismatch extends RuntimeException {
    Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Where the instance's keys came from, as the operator knows them (a setting, or a file), for the
   * messages.
   */
  public record Sources(String masterKeys, String pepper) {}

  private final Database db;

  public KeyCheck(Database db) {
    this.db = db;
  }

  /**
   * True when nothing was ever written under any key: no check value and no user. Only then may an
   * instance generate keys.
   */
  public boolean databaseIsNew() {
    return db.withHandle(
        h ->
            h.createQuery("SELECT (SELECT COUNT(*) FROM key_checks) + (SELECT COUNT(*) FROM users)")
                    .mapTo(Long.class)
                    .one()
                == 0);
  }

  /**
   * Compares {@code keyring} with the database's check values, and records those it lacks (the
   * first start, or a master key version added since). Instances starting together on a new
   * database take turns: the second compares with what the first recorded.
   *
   * @throws Mismatch naming the key that differs, or the master key version the instance lacks
   */
  public void verify(Keyring keyring, Sources sources) {
    try {
      db.inTransaction(() -> compareAndRecord(keyring, sources));
    } catch (UnableToExecuteStatementException raced) {
      // Another instance recorded its check values first (unique name): compare with those.
      db.inTransaction(() -> compareAndRecord(keyring, sources));
    }
  }

  private void compareAndRecord(Keyring keyring, Sources sources) {
    Map<String, String> stored = new HashMap<>();
    db.withHandle(
            h ->
                h.createQuery("SELECT name, check_value FROM key_checks")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .list())
        .forEach(e -> stored.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, String> entry : stored.entrySet()) {
      Integer version = pepperVersion(entry.getKey());
      if (version == null) {
        continue;
      }
      if (!keyring.pepperVersions().contains(version)) {
        // An old pepper taken out of the keys: fine once no credential's digest needs it (sessions
        // and one-time links made with it end: their users sign in or ask for a link again). The
        // newest one never: the other instances may make digests with it at any time.
        Map<String, Long> left = StoredKeys.digestsUnder(db, version, true);
        if (version > keyring.newestPepper()) {
          throw new Mismatch(
              "Pepper v"
                  + version
                  + " is missing from "
                  + sources.pepper()
                  + ", and this database's other instances make digests with it: "
                  + WHAT_TO_DO);
        }
        if (!left.isEmpty()) {
          throw new Mismatch(
              "Pepper v"
                  + version
                  + " is missing from "
                  + sources.pepper()
                  + ", and "
                  + StoredKeys.total(left)
                  + " stored digests were made with it ("
                  + String.join(", ", left.keySet())
                  + "; tokensmith keys status): put it back until a pepper rotation has rewritten"
                  + " them, or "
                  + WHAT_TO_DO);
        }
        forget(entry.getKey());
      } else if (!keyring.pepperMatches(version, entry.getValue())) {
        throw new Mismatch(
            "The pepper"
                + (version == 1 ? "" : " v" + version)
                + " ("
                + sources.pepper()
                + ") is not the one this database's token digests were made with: "
                + WHAT_TO_DO);
      }
    }
    for (Map.Entry<String, String> entry : stored.entrySet()) {
      if (!entry.getKey().startsWith(MASTER_KEY)) {
        continue;
      }
      int version = Integer.parseInt(entry.getKey().substring(MASTER_KEY.length()));
      if (!keyring.versions().contains(version)) {
        // An old master key taken out of the keys: fine once nothing is sealed under it any more.
        // The newest one never: the other instances may seal under it at any time.
        Map<String, Long> left = StoredKeys.sealedUnder(db, version);
        if (!left.isEmpty() || version > keyring.newestVersion()) {
          throw new Mismatch(
              "Master key v"
                  + version
                  + " is missing from "
                  + sources.masterKeys()
                  + (left.isEmpty()
                      ? ", and this database's other instances seal secrets under it: "
                      : ", and this database has "
                          + StoredKeys.total(left)
                          + " secrets sealed under it ("
                          + String.join(", ", left.keySet())
                          + "; tokensmith keys status): ")
                  + WHAT_TO_DO);
        }
        forget(entry.getKey());
        continue;
      }
      if (!keyring.masterKeyMatches(version, entry.getValue())) {
        throw new Mismatch(
            "Master key v"
                + version
                + " ("
                + sources.masterKeys()
                + ") is not the one this database's secrets were sealed with: "
                + WHAT_TO_DO);
      }
    }
    // A database written before it kept check values (or whose check values were lost) still holds
    // what the keys made: a token's sealed secret and its digest. Keys about to be trusted from now
    // on must open the one and reproduce the other.
    for (int version : keyring.versions()) {
      if (!stored.containsKey(MASTER_KEY + version)) {
        sample("t.secret_sealed LIKE 'v" + version + ":%'")
            .filter(sample -> sample.secret(keyring) == null)
            .ifPresent(
                sample -> {
                  throw new Mismatch(
                      "Master key v"
                          + version
                          + " ("
                          + sources.masterKeys()
                          + ") does not open the secrets this database holds under it: "
                          + WHAT_TO_DO);
                });
      }
    }
    sealedUnderAnotherVersion(keyring)
        .ifPresent(
            version -> {
              throw new Mismatch(
                  "Master key "
                      + version
                      + " is missing from "
                      + sources.masterKeys()
                      + ", and this database has secrets sealed under it: "
                      + WHAT_TO_DO);
            });
    digestUnderAnotherPepper(keyring)
        .ifPresent(
            version -> {
              throw new Mismatch(
                  "Pepper v"
                      + version
                      + " is missing from "
                      + sources.pepper()
                      + ", and this database has token digests made with it: "
                      + WHAT_TO_DO);
            });
    for (int pepper : keyring.pepperVersions()) {
      if (stored.containsKey(pepperName(pepper))) {
        continue;
      }
      boolean verified = false;
      boolean any = false;
      for (int version : keyring.versions()) {
        Sample sample =
            sample(
                    "t.secret_sealed LIKE 'v"
                        + version
                        + ":%' AND "
                        + StoredKeys.digestUnder("s.digest", pepper))
                .orElse(null);
        if (sample != null && !sample.digestMatches(keyring)) {
          throw new Mismatch(
              "The pepper"
                  + (pepper == 1 ? "" : " v" + pepper)
                  + " ("
                  + sources.pepper()
                  + ") is not the one this database's token digests were made with: "
                  + WHAT_TO_DO);
        }
        verified |= sample != null;
      }
      any = anyDigest(pepper);
      // Digests no kept secret can confirm (every token shown once): the pepper is not trusted for
      // good on its word; the next start checks again.
      if (verified || !any) {
        record(pepperName(pepper), keyring.pepperCheck(pepper));
      }
    }
    for (int version : keyring.versions()) {
      if (!stored.containsKey(MASTER_KEY + version)) {
        record(MASTER_KEY + version, keyring.masterKeyCheck(version));
      }
    }
  }

  // The first pepper's check keeps the name every release before pepper rotation gave it.
  private static String pepperName(int version) {
    return version == 1 ? PEPPER : PEPPER + "_v" + version;
  }

  private static Integer pepperVersion(String name) {
    if (name.equals(PEPPER)) {
      return 1;
    }
    if (name.startsWith(PEPPER + "_v")) {
      return Integer.parseInt(name.substring(PEPPER.length() + 2));
    }
    return null;
  }

  /** A token whose secret the database keeps: sealed under a master key, looked up by a digest. */
  private record Sample(long tokenId, String sealed, String digest) {
    /** The secret, or null when {@code keyring} does not open it. */
    String secret(Keyring keyring) {
      try {
        return keyring.open(sealed, TokenSecrets.associatedData(tokenId));
      } catch (IllegalStateException e) {
        return null;
      }
    }

    boolean digestMatches(Keyring keyring) {
      String secret = secret(keyring);
      int pepper = TokenSecrets.pepperOf(digest);
      return secret != null
          && keyring.pepperVersions().contains(pepper)
          && Keyring.constantTimeEquals(
              digest.getBytes(StandardCharsets.US_ASCII),
              TokenSecrets.storedDigest(
                      pepper, keyring.digest(pepper, secret.getBytes(StandardCharsets.UTF_8)))
                  .getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * A master key version ({@code v3:}) some stored secret is sealed under that the keyring lacks.
   */
  private Optional<String> sealedUnderAnotherVersion(Keyring keyring) {
    for (StoredKeys.SealedColumn c : StoredKeys.SEALED) {
      StringBuilder held = new StringBuilder();
      for (int version : keyring.versions()) {
        held.append(held.length() == 0 ? "" : " OR ")
            .append(StoredKeys.sealedUnder(c.column(), version));
      }
      String sql =
          "SELECT "
              + c.column()
              + " FROM "
              + c.table()
              + " WHERE "
              + c.column()
              + " IS NOT NULL AND NOT ("
              + held
              + ") LIMIT 1";
      Optional<String> other = db.withHandle(h -> h.createQuery(sql).mapTo(String.class).findOne());
      if (other.isPresent()) {
        return other.map(value -> value.substring(0, Math.max(1, value.indexOf(':'))));
      }
    }
    return Optional.empty();
  }

  /** A pepper version some token digest was made with that the keyring lacks. */
  private Optional<Integer> digestUnderAnotherPepper(Keyring keyring) {
    StringBuilder held = new StringBuilder();
    for (int version : keyring.pepperVersions()) {
      held.append(held.length() == 0 ? "" : " OR ")
          .append(StoredKeys.digestUnder("digest", version));
    }
    String sql = "SELECT digest FROM api_token_secrets WHERE NOT (" + held + ") LIMIT 1";
    return db.withHandle(h -> h.createQuery(sql).mapTo(String.class).findOne())
        .map(TokenSecrets::pepperOf);
  }

  private boolean anyDigest(int pepper) {
    return db.withHandle(
        h ->
            h.createQuery(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM api_token_secrets WHERE "
                            + StoredKeys.digestUnder("digest", pepper)
                            + " LIMIT 1) x")
                    .mapTo(Long.class)
                    .one()
                > 0);
  }

  /** The oldest token matching {@code condition}, with its sealed secret and current digest. */
  private Optional<Sample> sample(String condition) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT t.id, t.secret_sealed, s.digest FROM api_tokens t"
                        + " JOIN api_token_secrets s ON s.token_id = t.id AND s.valid_until IS NULL"
                        + " WHERE "
                        + condition
                        + " ORDER BY t.id LIMIT 1")
                .map((rs, ctx) -> new Sample(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .findOne());
  }

  private static final String WHAT_TO_DO =
      "start every instance with the same keys (copy the key files of a running instance, or set"
          + " TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER to theirs), or restore the key files"
          + " that were backed up with this database";

  private void forget(String name) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM key_checks WHERE name = :name")
                .bind("name", name)
                .execute());
  }

  private void record(String name, String check) {
    db.withHandle(
        h ->
            h.createUpdate("INSERT INTO key_checks (name, check_value) VALUES (:name, :check)")
                .bind("name", name)
                .bind("check", check)
                .execute());
  }
}
