package dev.tokensmith.tokens;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.BulkCopy;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.RowUpdate;
import dev.tokensmith.storage.Rows;
import dev.tokensmith.storage.SeekPast;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link TokenStore} on the JDBC database. */
public final class JdbcTokenStore implements TokenStore {
  // A secret's row joined to its token's: what a verification reads on a miss.
  private static final String SECRET_MATCH =
      "SELECT t.*, s.valid_until AS secret_valid_until FROM api_token_secrets s "
          + "JOIN api_tokens t ON t.id = s.token_id WHERE ";

  private final Database db;
  private final Catalogue catalogue;
  private final int renameChunk;
  private final int useChunk;

  public JdbcTokenStore(Database db, Catalogue catalogue) {
    this(db, catalogue, RENAME_CHUNK, USE_CHUNK);
  }

  /**
   * With other chunk sizes, for tests: the tokens a rename's statement, a use's transaction holds.
   */
  JdbcTokenStore(Database db, Catalogue catalogue, int renameChunk, int useChunk) {
    this.db = db;
    this.catalogue = catalogue;
    this.renameChunk = renameChunk;
    this.useChunk = useChunk;
  }

  @Override
  public Optional<ApiToken> find(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM api_tokens WHERE id = :id")
                .bind("id", id)
                .map(this::token)
                .findOne());
  }

  @Override
  public Optional<ApiToken> lock(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM api_tokens WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(this::token)
                .findOne());
  }

  @Override
  public Optional<SecretMatch> findBySecretDigest(String digest) {
    return findBySecretDigests(List.of(digest));
  }

  @Override
  public void requireBlockingAllowed() {
    db.requireBlockingAllowed();
  }

  // Every verification that misses the cache comes here: plain JDBC, one statement and one row.
  // One statement for every form too: a pepper rotation rewrites a digest in one statement, so
  // this read sees the row under one of the forms, never under neither.
  @Override
  public Optional<SecretMatch> findBySecretDigests(List<String> digests) {
    String sql =
        digests.size() == 1
            ? SECRET_MATCH + "s.digest = ?"
            : SECRET_MATCH + "s.digest IN (" + "?, ".repeat(digests.size() - 1) + "?)";
    return db.withConnection(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < digests.size(); i++) {
              select.setString(i + 1, digests.get(i));
            }
            try (ResultSet rs = select.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new SecretMatch(token(rs, null), Rows.nullableLong(rs, "secret_valid_until")))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<ApiToken> list(TokenQuery q) {
    TokenOrder order = q.order();
    StringBuilder sql = new StringBuilder("SELECT t.* FROM api_tokens t");
    sql.append(" WHERE t.client_id = :client");
    if (q.visibleTo() != null) {
      sql.append(" AND t.user_id = :visibleTo");
    }
    if (q.userId() != null) {
      sql.append(" AND t.user_id = :userId");
    }
    if (q.enabled() != null) {
      sql.append(" AND t.enabled = :enabled");
    }
    if (q.shared() != null) {
      sql.append(" AND t.shared = :shared");
    }
    if (q.realname() != null) {
      sql.append(" AND LOWER(t.realname) LIKE :realname ESCAPE '!'");
    }
    String direction = q.descending() ? " DESC" : " ASC";
    if (q.after() != null) {
      // Past the last row of the page before, where the order's index (V17) says.
      sql.append(SeekPast.condition(order.expression(), order.parameter(), "t.id", q.descending()));
    }
    sql.append(q.window().after("t.id", false));
    if (order != TokenOrder.ID) {
      sql.append(" ORDER BY ").append(order.expression()).append(direction).append(", t.id");
    } else {
      sql.append(" ORDER BY t.id");
    }
    sql.append(direction).append(" LIMIT :limit OFFSET :offset");
    String like =
        q.realname() == null
            ? null
            : "%"
                + q.realname()
                    .toLowerCase(Locale.ROOT)
                    .replace("!", "!!")
                    .replace("%", "!%")
                    .replace("_", "!_")
                + "%";
    return db.withHandle(
        h ->
            SeekPast.bind(h.createQuery(sql.toString()), q.after(), order.numeric())
                .bind("client", q.clientId())
                .bind("visibleTo", q.visibleTo())
                .bind("userId", q.userId())
                .bind("enabled", q.enabled())
                .bind("shared", q.shared())
                .bind("realname", like)
                .bind("after", q.window().after())
                .bind("limit", q.window().limit())
                .bind("offset", q.window().offset())
                .map(this::token)
                .list());
  }

  @Override
  public List<ApiToken> lockByUser(long userId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM api_tokens WHERE user_id = :user ORDER BY id FOR UPDATE")
                .bind("user", userId)
                .map(this::token)
                .list());
  }

  @Override
  public List<ApiToken> lockByUser(long userId, long afterId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM api_tokens WHERE user_id = :user AND id > :after ORDER BY id"
                        + " LIMIT :limit FOR UPDATE")
                .bind("user", userId)
                .bind("after", afterId)
                .bind("limit", limit)
                .map(this::token)
                .list());
  }

  @Override
  public long countByClient(long clientId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE client_id = :client")
                .bind("client", clientId)
                .mapTo(Long.class)
                .one());
  }

  private static final String INSERT_SECRET =
      "INSERT INTO api_token_secrets (digest, token_id) VALUES (:digest, :token)";

  // The owner's name is copied from their row, which every token write has locked first (V20).
  private static final String COLUMNS =
      "client_id, user_id, created_by, realname, description, shared, token_usage, source_role, permissions, "
          + "enabled, disabled_reason, disabled_at, expire_at, create_at, token_generated_at, legacy, "
          + "allowed_ips, secret_hint, secret_sealed, owner_name";
  private static final String VALUES =
      ":client, :user, :createdBy, :realname, :description, :shared, :usage, :source_role, :permissions, "
          + ":enabled, :disabled_reason, :disabled_at, :expire_at, :createAt, :token_generated_at, "
          + ":legacy, :allowed_ips, :secret_hint, :secret_sealed, "
          + "COALESCE((SELECT u.realname FROM users u WHERE u.id = :user), '')";

  // A token whose id was taken first (newId): the row is written once, its sealed secret included.
  private static final String INSERT =
      "INSERT INTO api_tokens (id, " + COLUMNS + ") VALUES (:id, " + VALUES + ")";

  // Seeded tokens keep no sealed secret: the column default gives their ids.
  private static final String INSERT_WITH_DEFAULT_ID =
      "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (" + VALUES + ")";

  @Override
  public long newId() {
    return db.withHandle(
        h -> h.createQuery("SELECT nextval('api_token_ids')").mapTo(Long.class).one());
  }

  @Override
  public void insert(ApiToken t, String digest) {
    db.withHandle(
        h -> {
          bindAll(h.createUpdate(INSERT), t).bind("id", t.id()).execute();
          return h.createUpdate(INSERT_SECRET)
              .bind("digest", digest)
              .bind("token", t.id())
              .execute();
        });
  }

  @Override
  public void insertSeeded(List<ApiToken> tokens, List<String> digests) {
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      copySeeded(tokens, digests);
      return;
    }
    db.withHandle(
        h -> {
          PreparedBatch batch = h.prepareBatch(INSERT_WITH_DEFAULT_ID);
          for (ApiToken t : tokens) {
            bindAll(batch, t).add();
          }
          List<Long> ids = batch.executePreparedBatch("id").mapTo(Long.class).list();
          PreparedBatch secrets = h.prepareBatch(INSERT_SECRET);
          for (int i = 0; i < ids.size(); i++) {
            secrets.bind("digest", digests.get(i)).bind("token", ids.get(i)).add();
          }
          return secrets.execute();
        });
  }

  // PostgreSQL: the ids taken in one query, then both tables written with COPY (a round trip per
  // batch, not per row).
  private void copySeeded(List<ApiToken> tokens, List<String> digests) {
    db.withHandle(
        h -> {
          List<Long> ids =
              h.createQuery("SELECT nextval('api_token_ids') FROM generate_series(1, :n)")
                  .bind("n", tokens.size())
                  .mapTo(Long.class)
                  .list();
          Map<Long, String> owners = ownerNames(h, tokens);
          BulkCopy rows = new BulkCopy("api_tokens");
          BulkCopy secrets = new BulkCopy("api_token_secrets");
          for (int i = 0; i < tokens.size(); i++) {
            ApiToken t = tokens.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", ids.get(i));
            row.put("client_id", t.clientId());
            row.put("user_id", t.userId());
            row.put("created_by", t.createdBy());
            row.put("shared", t.shared());
            row.put("token_usage", t.scope().usage().id());
            row.put("create_at", t.history().createAt().toEpochMilli());
            row.put("legacy", t.scope().legacy());
            row.putAll(mutableColumns(t));
            row.put("owner_name", t.shared() ? "" : owners.get(t.userId()));
            rows.add(row);
            Map<String, Object> secret = new LinkedHashMap<>();
            secret.put("digest", digests.get(i));
            secret.put("token_id", ids.get(i));
            secrets.add(secret);
          }
          return rows.copy(h) + secrets.copy(h);
        });
  }

  // The names of the owners of a batch of seeded tokens, by user id, their rows locked as any
  // token write locks its owner's: a rename waits for the batch, or the batch for the rename.
  private static Map<Long, String> ownerNames(Handle h, List<ApiToken> tokens) {
    List<Long> ids =
        tokens.stream().filter(t -> !t.shared()).map(ApiToken::userId).distinct().sorted().toList();
    Map<Long, String> names = new HashMap<>();
    if (!ids.isEmpty()) {
      h.createQuery("SELECT id, realname FROM users WHERE id IN (<ids>) ORDER BY id FOR UPDATE")
          .bindList("ids", ids)
          .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("realname")))
          .forEach(e -> names.put(e.getKey(), e.getValue()));
    }
    return names;
  }

  // Rows per statement of a rename: each statement stays far below the database timeout however
  // many tokens the owner has (about 0.1 s a thousand on PostgreSQL, a new row version in each of
  // the table's indexes), all of them in the rename's one transaction.
  private static final int RENAME_CHUNK = 1000;

  @Override
  public void ownerRenamed(long userId, String realname) {
    db.withHandle(
        h -> {
          long after = 0;
          while (true) {
            List<Long> ids =
                h.createQuery(
                        "SELECT id FROM api_tokens WHERE user_id = :user AND id > :after"
                            + " ORDER BY id LIMIT :limit")
                    .bind("user", userId)
                    .bind("after", after)
                    .bind("limit", renameChunk)
                    .mapTo(Long.class)
                    .list();
            if (!ids.isEmpty()) {
              h.createUpdate("UPDATE api_tokens SET owner_name = :name WHERE id IN (<ids>)")
                  .bind("name", realname)
                  .bindList("ids", ids)
                  .execute();
            }
            if (ids.size() < renameChunk) {
              return null;
            }
            after = ids.get(ids.size() - 1);
          }
        });
  }

  private static <T extends SqlStatement<T>> T bindAll(T statement, ApiToken t) {
    return bindMutable(statement, t)
        .bind("client", t.clientId())
        .bind("user", t.userId())
        .bind("createdBy", t.createdBy())
        .bind("shared", t.shared())
        .bind("usage", t.scope().usage().id())
        .bind("createAt", t.history().createAt().toEpochMilli())
        .bind("legacy", t.scope().legacy());
  }

  @Override
  public void update(ApiToken before, ApiToken after) {
    db.withHandle(
        h ->
            RowUpdate.of("api_tokens", mutableColumns(before), mutableColumns(after))
                .execute(h, after.id()));
  }

  @Override
  public void updateAll(List<TokenChange> changes) {
    Map<Long, RowUpdate> updates = new LinkedHashMap<>();
    for (TokenChange change : changes) {
      updates.put(
          change.after().id(),
          RowUpdate.of(
              "api_tokens", mutableColumns(change.before()), mutableColumns(change.after())));
    }
    db.withHandle(h -> RowUpdate.executeAll(h, updates));
  }

  @Override
  public void delete(long id) {
    db.withHandle(
        h -> h.createUpdate("DELETE FROM api_tokens WHERE id = :id").bind("id", id).execute());
  }

  @Override
  public void replaceSecret(long tokenId, String digest, Long graceUntilMillis) {
    db.withHandle(
        h -> {
          if (graceUntilMillis == null) {
            h.createUpdate("DELETE FROM api_token_secrets WHERE token_id = :token")
                .bind("token", tokenId)
                .execute();
          } else {
            // Only the value being replaced gets a grace period; one still in an earlier grace
            // period ends now.
            h.createUpdate(
                    "DELETE FROM api_token_secrets WHERE token_id = :token AND valid_until IS NOT NULL")
                .bind("token", tokenId)
                .execute();
            h.createUpdate(
                    "UPDATE api_token_secrets SET valid_until = :until WHERE token_id = :token")
                .bind("token", tokenId)
                .bind("until", graceUntilMillis)
                .execute();
          }
          return h.createUpdate(INSERT_SECRET)
              .bind("digest", digest)
              .bind("token", tokenId)
              .execute();
        });
  }

  @Override
  public List<ApiToken> lockExpiredEnabled(long nowMillis, int limit) {
    // The range (enabled, expire_at) of api_tokens_expire_walk, read from its start: a batch
    // costs its own rows only. Under the lock the database reads each row again and keeps it only
    // if it still matches (a new expiry or a disable meanwhile drops it).
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM api_tokens WHERE enabled = TRUE AND expire_at <= :now "
                        + "ORDER BY expire_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("now", nowMillis)
                .bind("limit", limit)
                .map(this::token)
                .list());
  }

  @Override
  public int disableAll(List<Long> ids, DisabledReason reason, Long disabledAtMillis) {
    if (ids.isEmpty()) {
      return 0;
    }
    return db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE api_tokens SET enabled = FALSE, disabled_reason = :reason, "
                        + "disabled_at = "
                        + (disabledAtMillis == null ? "expire_at" : ":at")
                        + " WHERE id IN (<ids>) AND enabled = TRUE")
                .bind("reason", reason.id())
                .bind("at", disabledAtMillis)
                .bindList("ids", ids)
                .execute());
  }

  @Override
  public int deleteAll(List<Long> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    return db.withHandle(
        h ->
            h.createUpdate("DELETE FROM api_tokens WHERE id IN (<ids>)")
                .bindList("ids", ids)
                .execute());
  }

  @Override
  public List<ApiToken> lockEnabledByUser(long userId, long afterId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM api_tokens WHERE user_id = :user AND id > :after "
                        + "AND enabled = TRUE ORDER BY id LIMIT :limit FOR UPDATE")
                .bind("user", userId)
                .bind("after", afterId)
                .bind("limit", limit)
                .map(this::token)
                .list());
  }

  @Override
  public List<Expiring> findExpiring(
      long afterExpireAtMillis, long afterId, long untilMillis, int limit) {
    // Two ranges of (enabled, expire_at, id): the rest of the tokens expiring at the same moment as
    // the last one read, then those expiring later. Each is a range of the index on both databases;
    // H2 would turn one row comparison into a range of its first column only, reading a long run of
    // tokens that expire at one moment again at every step.
    // What the walk decides on, no more: each token still due is read whole under its lock.
    String select =
        "SELECT t.id, t.expire_at, t.create_at, n.expire_at AS warned_for FROM api_tokens t"
            + " LEFT JOIN token_expiry_notices n ON n.token_id = t.id WHERE t.enabled = TRUE AND ";
    return db.withHandle(
        h -> {
          List<Expiring> step =
              new ArrayList<>(
                  h.createQuery(
                          select
                              + "t.expire_at = :at AND t.id > :afterId AND t.expire_at <= :until"
                              + " ORDER BY t.id LIMIT :limit")
                      .bind("at", afterExpireAtMillis)
                      .bind("afterId", afterId)
                      .bind("until", untilMillis)
                      .bind("limit", limit)
                      .map(JdbcTokenStore::expiring)
                      .list());
          if (step.size() < limit) {
            step.addAll(
                h.createQuery(
                        select
                            + "t.expire_at > :at AND t.expire_at <= :until"
                            + " ORDER BY t.expire_at, t.id LIMIT :limit")
                    .bind("at", afterExpireAtMillis)
                    .bind("until", untilMillis)
                    .bind("limit", limit - step.size())
                    .map(JdbcTokenStore::expiring)
                    .list());
          }
          return step;
        });
  }

  private static Expiring expiring(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Expiring(
        rs.getLong("id"),
        rs.getLong("expire_at"),
        rs.getLong("create_at"),
        rs.getLong("warned_for"));
  }

  @Override
  public boolean markExpiryWarned(long tokenId, long expireAtMillis, long nowMillis) {
    return db.withHandle(
        h -> {
          Optional<Long> warned =
              h.createQuery("SELECT expire_at FROM token_expiry_notices WHERE token_id = :id")
                  .bind("id", tokenId)
                  .mapTo(Long.class)
                  .findOne();
          if (warned.isPresent() && warned.get() == expireAtMillis) {
            return false;
          }
          h.createUpdate(
                  warned.isPresent()
                      ? "UPDATE token_expiry_notices SET expire_at = :expireAt,"
                          + " notified_at = :now WHERE token_id = :id"
                      : "INSERT INTO token_expiry_notices (token_id, expire_at, notified_at)"
                          + " VALUES (:id, :expireAt, :now)")
              .bind("id", tokenId)
              .bind("expireAt", expireAtMillis)
              .bind("now", nowMillis)
              .execute();
          return true;
        });
  }

  @Override
  public List<ApiToken> lockDisabledBefore(long cutoffMillis, int limit) {
    // The range (enabled, disabled_at) of api_tokens_purge_due; re-read under the lock like the
    // expiry's batch (a token enabled again meanwhile drops out).
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM api_tokens WHERE enabled = FALSE AND disabled_at <= :cutoff "
                        + "ORDER BY disabled_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("cutoff", cutoffMillis)
                .bind("limit", limit)
                .map(this::token)
                .list());
  }

  @Override
  public int deleteEndedGraceSecrets(long nowMillis) {
    return db.withHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM api_token_secrets WHERE valid_until IS NOT NULL "
                        + "AND valid_until <= :now")
                .bind("now", nowMillis)
                .execute());
  }

  // Tokens a transaction of the usage flush writes at most. A flush may hold tens of thousands of
  // uses (every token of a large pool used within its ten seconds); in one transaction it would
  // keep all their rows locked for seconds, and a change of any of them would wait that long.
  private static final int USE_CHUNK = 250;

  // On PostgreSQL a transaction's uses are one statement: its rows locked first, in id order (the
  // order every change locks tokens in), then written from three arrays. The lock is the one an
  // UPDATE of columns that are no key takes (NO KEY UPDATE): a row that references the token (a
  // secret, a notice) may still be inserted meanwhile, as it could when each row was its own
  // UPDATE. A prepared statement per row, as a batch sends them, costs PostgreSQL about half as
  // much CPU again per row (bench/usage-writes.sh).
  private static final String USES_POSTGRESQL =
      "WITH locked AS MATERIALIZED (SELECT id FROM api_tokens WHERE id = ANY(:ids)"
          + " ORDER BY id FOR NO KEY UPDATE)"
          + " UPDATE api_tokens t SET last_used_at = u.at, last_used_ip = u.ip"
          + " FROM unnest(:ids, :ats, :ips) AS u(id, at, ip)"
          + " WHERE t.id = u.id AND t.id IN (SELECT id FROM locked)";

  @Override
  public void recordUses(List<UsageRecorder.Use> uses) {
    for (int from = 0; from < uses.size(); from += useChunk) {
      List<UsageRecorder.Use> chunk = uses.subList(from, Math.min(uses.size(), from + useChunk));
      db.inTransaction(
          () ->
              db.withHandle(
                  h ->
                      db.dialect() == Database.Dialect.POSTGRESQL
                          ? recordUsesAtOnce(h, chunk)
                          : recordUsesByRow(h, chunk)));
    }
  }

  private static int recordUsesAtOnce(Handle h, List<UsageRecorder.Use> uses) {
    Long[] ids = new Long[uses.size()];
    Long[] ats = new Long[uses.size()];
    String[] ips = new String[uses.size()];
    for (int i = 0; i < uses.size(); i++) {
      ids[i] = uses.get(i).tokenId();
      ats[i] = uses.get(i).atMillis();
      ips[i] = uses.get(i).ip();
    }
    return h.createUpdate(USES_POSTGRESQL)
        .bindArray("ids", Long.class, (Object[]) ids)
        .bindArray("ats", Long.class, (Object[]) ats)
        .bindArray("ips", String.class, (Object[]) ips)
        .execute();
  }

  private static int recordUsesByRow(Handle h, List<UsageRecorder.Use> uses) {
    PreparedBatch batch =
        h.prepareBatch(
            "UPDATE api_tokens SET last_used_at = :at, last_used_ip = :ip WHERE id = :id");
    for (UsageRecorder.Use use : uses) {
      batch.bind("at", use.atMillis()).bind("ip", use.ip()).bind("id", use.tokenId()).add();
    }
    return batch.execute().length;
  }

  private static <T extends SqlStatement<T>> T bindMutable(T statement, ApiToken t) {
    mutableColumns(t)
        .forEach(
            (column, value) -> {
              if (value == null) {
                statement.bindNull(column, column.endsWith("_at") ? Types.BIGINT : Types.VARCHAR);
              } else {
                statement.bind(column, value);
              }
            });
    return statement;
  }

  // The columns a change may write, by name, as stored.
  private static Map<String, Object> mutableColumns(ApiToken t) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("realname", t.realname());
    columns.put("description", t.description());
    columns.put("source_role", t.sourceRole());
    columns.put("permissions", String.join(",", t.permissions()));
    DisabledReason reason = t.state().disabledReason();
    columns.put("enabled", t.state().enabled());
    columns.put("disabled_reason", reason == null ? null : reason.id());
    columns.put("disabled_at", millis(t.state().disabledAt()));
    columns.put("expire_at", millis(t.state().expireAt()));
    columns.put("token_generated_at", t.secret().generatedAt().toEpochMilli());
    columns.put("allowed_ips", String.join(",", t.scope().allowedIps()));
    columns.put("secret_hint", t.secret().hint());
    columns.put("secret_sealed", t.secret().ciphertext());
    return columns;
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  @Override
  public List<ApiToken> lockCustom(long afterId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM api_tokens WHERE source_role = 'custom' AND id > :after"
                        + " ORDER BY id LIMIT :limit FOR UPDATE")
                .bind("after", afterId)
                .bind("limit", limit)
                .map(this::token)
                .list());
  }

  private ApiToken token(ResultSet rs, StatementContext ctx) throws SQLException {
    String reason = rs.getString("disabled_reason");
    return new ApiToken(
        rs.getLong("id"),
        new ApiToken.Owner(
            rs.getLong("client_id"),
            Rows.nullableLong(rs, "user_id"),
            rs.getLong("created_by"),
            rs.getBoolean("shared"),
            rs.getString("owner_name")),
        rs.getString("realname"),
        rs.getString("description"),
        new ApiToken.Scope(
            Usage.fromId(rs.getString("token_usage")).orElseThrow(),
            catalogue.stored(
                Role.fromId(rs.getString("source_role")).orElseThrow(),
                Rows.list(rs, "permissions")),
            Rows.list(rs, "allowed_ips"),
            rs.getBoolean("legacy")),
        new ApiToken.State(
            rs.getBoolean("enabled"),
            reason == null ? null : DisabledReason.fromId(reason).orElseThrow(),
            Rows.instant(rs, "disabled_at"),
            Rows.instant(rs, "expire_at")),
        new ApiToken.Secret(
            rs.getString("secret_hint"),
            rs.getString("secret_sealed"),
            Rows.instant(rs, "token_generated_at")),
        new ApiToken.History(
            Rows.instant(rs, "create_at"),
            Rows.instant(rs, "last_used_at"),
            rs.getString("last_used_ip")));
  }
}
