package dev.tokensmith.tokens;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** {@link LegacyStore} on the JDBC database. */
public final class JdbcLegacyStore implements LegacyStore {
  private final Database db;

  public JdbcLegacyStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<Pair> findByUuid(String uuid) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM legacy_credentials WHERE uuid = :uuid")
                .bind("uuid", uuid)
                .map((rs, ctx) -> pair(rs))
                .findOne());
  }

  @Override
  public Optional<Pair> findByUser(long userId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM legacy_credentials WHERE user_id = :user")
                .bind("user", userId)
                .map((rs, ctx) -> pair(rs))
                .findOne());
  }

  @Override
  public void insert(Pair pair, long createAtMillis) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO legacy_credentials (user_id, uuid, token_id, secret_digest,"
                        + " create_at) VALUES (:user, :uuid, :token, :digest, :at)")
                .bind("user", pair.userId())
                .bind("uuid", pair.uuid())
                .bind("token", pair.tokenId())
                .bind("digest", pair.secretDigest())
                .bind("at", createAtMillis)
                .execute());
  }

  @Override
  public boolean end(long tokenId, long endedAtMillis) {
    return db.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE legacy_credentials SET secret_digest = NULL, ended_at = :at"
                            + " WHERE token_id = :token AND secret_digest IS NOT NULL")
                    .bind("token", tokenId)
                    .bind("at", endedAtMillis)
                    .execute())
        > 0;
  }

  @Override
  public Set<Long> activeAmong(Collection<Long> tokenIds) {
    if (tokenIds.isEmpty()) {
      return Set.of();
    }
    return db.withHandle(
        h ->
            new HashSet<>(
                h.createQuery(
                        "SELECT token_id FROM legacy_credentials WHERE token_id IN (<ids>)"
                            + " AND secret_digest IS NOT NULL")
                    .bindList("ids", tokenIds)
                    .mapTo(Long.class)
                    .list()));
  }

  private static Pair pair(ResultSet rs) throws SQLException {
    return new Pair(
        rs.getLong("user_id"),
        rs.getString("uuid"),
        Rows.nullableLong(rs, "token_id"),
        rs.getString("secret_digest"));
  }
}
