package dev.tokensmith.keys;

import dev.tokensmith.storage.Database;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the database keeps what the keys made: the columns of values sealed under a master key and
 * the columns of digests made with a pepper. {@link KeyCheck}, {@link KeyRotation} and {@code keys
 * status} count and rewrite through this one list, so that a new column is added in one place.
 */
final class StoredKeys {

  /**
   * A column of sealed values: {@code table.column}, its row key {@code id} (a number, or the
   * notice's text id), only rows matching {@code where}.
   */
  record SealedColumn(String name, String table, String id, String column, String where) {}

  /**
   * A column of digests. {@code rewritable}: the rows whose value can be recomputed (its value is
   * kept sealed), so a pepper rotation rewrites them; the others move on their next change. {@code
   * durable}: a credential that works until someone ends it (not a login or a one-time link that
   * runs out by itself).
   */
  record DigestColumn(String name, String table, String column, boolean durable) {}

  /**
   * Every sealed value but the outbox's (whose payload holds them in JSON: see {@link #NOTICES}).
   */
  static final List<SealedColumn> SEALED =
      List.of(
          new SealedColumn("token secrets", "api_tokens", "id", "secret_sealed", null),
          new SealedColumn("node tokens", "nodes", "id", "token_sealed", null),
          new SealedColumn("webhook signing secrets", "webhooks", "id", "secret_sealed", null),
          new SealedColumn(
              "SSO client secrets", "sso_settings", "client_id", "sealed_secret", null));

  /**
   * Notices still to send whose payload holds a sealed value (a one-time link): those sent or given
   * up are never opened again.
   */
  static final SealedColumn NOTICES =
      new SealedColumn(
          "outbox links", "notices", "id", "payload", "status = 'pending' AND kind = 'mail'");

  static final List<DigestColumn> DIGESTS =
      List.of(
          new DigestColumn("token secrets", "api_token_secrets", "digest", true),
          new DigestColumn("node tokens", "nodes", "token_digest", true),
          new DigestColumn("node instance secrets", "node_instances", "secret_digest", true),
          new DigestColumn("legacy secret keys", "legacy_credentials", "secret_digest", true),
          new DigestColumn("console sessions", "sessions", "digest", false),
          new DigestColumn("console CSRF tokens", "sessions", "csrf_digest", false),
          new DigestColumn("password links", "password_links", "digest", false),
          new DigestColumn("SSO logins", "sso_logins", "state_digest", false),
          new DigestColumn("SSO login browsers", "sso_logins", "browser_digest", false));

  private StoredKeys() {}

  /** The SQL condition: {@code column} holds a value sealed under master key {@code version}. */
  static String sealedUnder(String column, int version) {
    return column + " LIKE 'v" + version + ":%'";
  }

  /** The SQL condition: {@code column} holds a digest made with pepper {@code version}. */
  static String digestUnder(String column, int version) {
    return version == 1
        ? column + " NOT LIKE 'p%'"
        : column + " LIKE 'p" + version + "!_%' ESCAPE '!'";
  }

  /**
   * How many digests of each column were made with pepper {@code version} (zero counts left out).
   */
  static Map<String, Long> digestsUnder(Database db, int version, boolean durableOnly) {
    Map<String, Long> counts = new TreeMap<>();
    for (DigestColumn c : DIGESTS) {
      if (durableOnly && !c.durable()) {
        continue;
      }
      long n =
          db.withHandle(
              h ->
                  h.createQuery(
                          "SELECT COUNT(*) FROM "
                              + c.table()
                              + " WHERE "
                              + c.column()
                              + " IS NOT NULL AND "
                              + digestUnder(c.column(), version))
                      .mapTo(Long.class)
                      .one());
      if (n > 0) {
        counts.merge(c.name(), n, Long::sum);
      }
    }
    return counts;
  }

  /**
   * How many values of each kind are sealed under master key {@code version} (zero counts left
   * out); pending notices counted by their payload's sealed values.
   */
  static Map<String, Long> sealedUnder(Database db, int version) {
    Map<String, Long> counts = new TreeMap<>();
    for (SealedColumn c : SEALED) {
      long n =
          db.withHandle(
              h ->
                  h.createQuery(
                          "SELECT COUNT(*) FROM "
                              + c.table()
                              + " WHERE "
                              + sealedUnder(c.column(), version))
                      .mapTo(Long.class)
                      .one());
      if (n > 0) {
        counts.put(c.name(), n);
      }
    }
    long notices =
        db.withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM notices WHERE "
                            + NOTICES.where()
                            + " AND payload LIKE '%\"v"
                            + version
                            + ":%'")
                    .mapTo(Long.class)
                    .one());
    if (notices > 0) {
      counts.put(NOTICES.name(), notices);
    }
    return counts;
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
