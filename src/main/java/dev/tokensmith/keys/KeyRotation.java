package dev.tokensmith.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokensmith.storage.Database;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Moves what the database keeps onto the current keys, in bounded batches: values sealed under an
 * older master key are sealed again under the current one ({@link #reseal}), digests made with an
 * older pepper are made again with the current one where the value is kept sealed ({@link
 * #rewriteDigests}). Each batch is one transaction, and each row is written only if it still holds
 * what was read (compared by its old value), so a concurrent change is never undone. Rows already
 * on the current keys are skipped, so a run that was stopped is simply run again.
 */
public final class KeyRotation {

  /** Rows per transaction. */
  public static final int BATCH = 500;

  /** What one batch did: rows rewritten, and rows that could not be (they do not open). */
  public record Batch(String kind, int rewritten, int failed, Object cursor) {}

  /** How many values use each version, per kind: for {@code keys status}. */
  public record Status(
      int currentKey,
      int currentPepper,
      Map<Integer, Map<String, Long>> sealed,
      Map<Integer, Map<String, Long>> durableDigests,
      Map<Integer, Map<String, Long>> passingDigests,
      List<KeyHolders.Holder> holders) {}

  private final Database db;
  private final TokenSecrets secrets;
  private final ObjectMapper json;
  private final int batch;

  /**
   * Rotation over {@code db} with the keys of {@code secrets}, {@code batch} rows a transaction.
   */
  public KeyRotation(Database db, TokenSecrets secrets, ObjectMapper json, int batch) {
    this.db = db;
    this.secrets = secrets;
    this.json = json;
    this.batch = batch;
  }

  /** Counts per master key and pepper version, of every version held or still in use. */
  public Status status(List<KeyHolders.Holder> holders) {
    Keyring keys = secrets.keyring();
    SortedSet<Integer> keyVersions = new TreeSet<>(keys.versions());
    SortedSet<Integer> peppers = new TreeSet<>(keys.pepperVersions());
    recordedVersions(keyVersions, peppers);
    Map<Integer, Map<String, Long>> sealed = new LinkedHashMap<>();
    for (int v : keyVersions) {
      sealed.put(v, StoredKeys.sealedUnder(db, v));
    }
    Map<Integer, Map<String, Long>> durable = new LinkedHashMap<>();
    Map<Integer, Map<String, Long>> passing = new LinkedHashMap<>();
    for (int v : peppers) {
      Map<String, Long> all = StoredKeys.digestsUnder(db, v, false);
      Map<String, Long> lasting = StoredKeys.digestsUnder(db, v, true);
      durable.put(v, lasting);
      Map<String, Long> rest = new LinkedHashMap<>(all);
      rest.keySet().removeAll(lasting.keySet());
      passing.put(v, rest);
    }
    return new Status(
        keys.currentVersion(), keys.currentPepper(), sealed, durable, passing, holders);
  }

  private void recordedVersions(SortedSet<Integer> keyVersions, SortedSet<Integer> peppers) {
    for (String name :
        db.withHandle(
            h -> h.createQuery("SELECT name FROM key_checks").mapTo(String.class).list())) {
      if (name.startsWith("master_key_v")) {
        keyVersions.add(Integer.parseInt(name.substring("master_key_v".length())));
      } else if (name.equals("pepper")) {
        peppers.add(1);
      } else if (name.startsWith("pepper_v")) {
        peppers.add(Integer.parseInt(name.substring("pepper_v".length())));
      }
    }
  }

  /** The kinds of sealed values, in the order {@link #reseal} walks them. */
  public static List<String> sealedKinds() {
    List<String> kinds = new ArrayList<>();
    StoredKeys.SEALED.forEach(c -> kinds.add(c.name()));
    kinds.add(StoredKeys.NOTICES.name());
    return kinds;
  }

  /**
   * Seals again under the current master key up to {@link #BATCH} values of {@code kind} past
   * {@code cursor} (null: from the start) not under it yet, in one transaction. A batch with no row
   * rewritten or failed ends the kind.
   */
  public Batch reseal(String kind, Object cursor) {
    int current = secrets.keyring().currentVersion();
    if (kind.equals(StoredKeys.NOTICES.name())) {
      return resealNotices(current, (String) cursor);
    }
    StoredKeys.SealedColumn c =
        StoredKeys.SEALED.stream().filter(s -> s.name().equals(kind)).findFirst().orElseThrow();
    long after = cursor == null ? Long.MIN_VALUE : (Long) cursor;
    return db.inTransaction(
        () -> {
          List<Map.Entry<Long, String>> rows =
              db.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT "
                                  + c.id()
                                  + ", "
                                  + c.column()
                                  + " FROM "
                                  + c.table()
                                  + " WHERE "
                                  + c.id()
                                  + " > :after AND "
                                  + c.column()
                                  + " IS NOT NULL AND NOT ("
                                  + StoredKeys.sealedUnder(c.column(), current)
                                  + ") ORDER BY "
                                  + c.id()
                                  + " LIMIT "
                                  + batch)
                          .bind("after", after)
                          .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
                          .list());
          int rewritten = 0;
          int failed = 0;
          long last = after;
          for (Map.Entry<Long, String> row : rows) {
            last = row.getKey();
            Optional<String> again;
            try {
              again = secrets.reseal(row.getValue(), associatedData(c, row.getKey()));
            } catch (IllegalStateException e) {
              failed++;
              continue;
            }
            if (again.isEmpty()) {
              continue;
            }
            String fresh = again.get();
            // Written only if the row still holds what was read: a change made meanwhile wins.
            rewritten +=
                db.withHandle(
                    h ->
                        h.createUpdate(
                                "UPDATE "
                                    + c.table()
                                    + " SET "
                                    + c.column()
                                    + " = :fresh WHERE "
                                    + c.id()
                                    + " = :id AND "
                                    + c.column()
                                    + " = :old")
                            .bind("fresh", fresh)
                            .bind("id", row.getKey())
                            .bind("old", row.getValue())
                            .execute());
          }
          return new Batch(kind, rewritten, failed, rows.isEmpty() ? null : last);
        });
  }

  private static byte[] associatedData(StoredKeys.SealedColumn c, long id) {
    return switch (c.table()) {
      case "api_tokens" -> TokenSecrets.associatedData(id);
      case "nodes" -> TokenSecrets.nodeData(id);
      case "webhooks" -> TokenSecrets.webhookData(id);
      case "sso_settings" -> TokenSecrets.ssoData(id);
      default -> throw new IllegalArgumentException("no sealed column " + c.table());
    };
  }

  private Batch resealNotices(int current, String cursor) {
    String after = cursor == null ? "" : cursor;
    return db.inTransaction(
        () -> {
          List<Map.Entry<String, String>> rows =
              db.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT id, payload FROM notices WHERE id > :after AND "
                                  + StoredKeys.NOTICES.where()
                                  + " AND payload LIKE '%\"sealed\":{\"%' ORDER BY id LIMIT "
                                  + batch)
                          .bind("after", after)
                          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                          .list());
          int rewritten = 0;
          int failed = 0;
          String last = after;
          for (Map.Entry<String, String> row : rows) {
            last = row.getKey();
            String fresh;
            try {
              fresh = resealPayload(row.getKey(), row.getValue(), current);
            } catch (IllegalStateException | java.io.IOException e) {
              failed++;
              continue;
            }
            if (fresh == null) {
              continue;
            }
            rewritten +=
                db.withHandle(
                    h ->
                        h.createUpdate(
                                "UPDATE notices SET payload = :fresh WHERE id = :id AND payload ="
                                    + " :old")
                            .bind("fresh", fresh)
                            .bind("id", row.getKey())
                            .bind("old", row.getValue())
                            .execute());
          }
          return new Batch(
              StoredKeys.NOTICES.name(), rewritten, failed, rows.isEmpty() ? null : last);
        });
  }

  // The payload with each sealed value sealed again under the current key; null if none needed it.
  private String resealPayload(String id, String payload, int current) throws java.io.IOException {
    JsonNode root = json.readTree(payload);
    JsonNode closed = root.get("sealed");
    if (!(closed instanceof ObjectNode sealedValues)) {
      return null;
    }
    boolean changed = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = sealedValues.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Optional<String> again =
          secrets.reseal(field.getValue().asText(), TokenSecrets.noticeData(id));
      if (again.isPresent()) {
        field.setValue(json.getNodeFactory().textNode(again.get()));
        changed = true;
      }
    }
    return changed ? json.writeValueAsString(root) : null;
  }

  /** The kinds of digests {@link #rewriteDigests} makes again (their value is kept sealed). */
  public static List<String> rewritableKinds() {
    return List.of("token secrets", "node tokens");
  }

  /**
   * Makes again with the current pepper up to {@link #BATCH} digests of {@code kind} past {@code
   * cursor} (null: from the start) made with an older one, in one transaction.
   */
  public Batch rewriteDigests(String kind, Object cursor) {
    int pepper = secrets.keyring().currentPepper();
    long after = cursor == null ? Long.MIN_VALUE : (Long) cursor;
    boolean tokens = kind.equals("token secrets");
    String select =
        tokens
            ? "SELECT t.id, t.secret_sealed, s.digest FROM api_token_secrets s JOIN api_tokens t"
                + " ON t.id = s.token_id WHERE t.id > :after AND s.valid_until IS NULL"
                + " AND t.secret_sealed IS NOT NULL AND NOT ("
                + StoredKeys.digestUnder("s.digest", pepper)
                + ") ORDER BY t.id LIMIT "
                + batch
            : "SELECT id, token_sealed, token_digest FROM nodes WHERE id > :after"
                + " AND token_sealed IS NOT NULL AND NOT ("
                + StoredKeys.digestUnder("token_digest", pepper)
                + ") ORDER BY id LIMIT "
                + batch;
    String update =
        tokens
            ? "UPDATE api_token_secrets SET digest = :fresh WHERE digest = :old AND token_id = :id"
            : "UPDATE nodes SET token_digest = :fresh WHERE id = :id AND token_digest = :old";
    return db.inTransaction(
        () -> {
          List<String[]> rows =
              db.withHandle(
                  h ->
                      h.createQuery(select)
                          .bind("after", after)
                          .map(
                              (rs, ctx) ->
                                  new String[] {
                                    String.valueOf(rs.getLong(1)), rs.getString(2), rs.getString(3)
                                  })
                          .list());
          int rewritten = 0;
          int failed = 0;
          long last = after;
          for (String[] row : rows) {
            long id = Long.parseLong(row[0]);
            last = id;
            String value;
            try {
              value = tokens ? secrets.open(row[1], id) : secrets.openNodeToken(row[1], id);
            } catch (IllegalStateException e) {
              failed++;
              continue;
            }
            // The kept value must be the one the old digest was made of (else leave the row).
            if (!secrets.matchesDigest(value, row[2])) {
              failed++;
              continue;
            }
            String fresh = secrets.digest(value);
            rewritten +=
                db.withHandle(
                    h ->
                        h.createUpdate(update)
                            .bind("fresh", fresh)
                            .bind("old", row[2])
                            .bind("id", id)
                            .execute());
          }
          return new Batch(kind, rewritten, failed, rows.isEmpty() ? null : last);
        });
  }

  /**
   * How many digests {@link #rewriteDigests} still has to make with the newest pepper: zero once a
   * pepper rotation is done.
   */
  public long rewritableLeft() {
    int pepper = secrets.keyring().newestPepper();
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT (SELECT COUNT(*) FROM api_token_secrets s JOIN api_tokens t ON t.id ="
                        + " s.token_id WHERE s.valid_until IS NULL AND t.secret_sealed IS NOT NULL"
                        + " AND NOT ("
                        + StoredKeys.digestUnder("s.digest", pepper)
                        + ")) + (SELECT COUNT(*) FROM nodes WHERE token_sealed IS NOT NULL AND NOT ("
                        + StoredKeys.digestUnder("token_digest", pepper)
                        + "))")
                .mapTo(Long.class)
                .one());
  }

  /** How many stored values are sealed under another master key than the newest. */
  public long resealLeft() {
    Keyring keys = secrets.keyring();
    long left = 0;
    SortedSet<Integer> versions = new TreeSet<>(keys.versions());
    recordedVersions(versions, new TreeSet<>());
    for (int v : versions) {
      if (v != keys.newestVersion()) {
        left += StoredKeys.total(StoredKeys.sealedUnder(db, v));
      }
    }
    return left;
  }
}
