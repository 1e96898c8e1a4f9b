package dev.tokensmith.users;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link PasswordLinkStore} on the JDBC database. */
public final class JdbcPasswordLinkStore implements PasswordLinkStore {
  private final Database db;

  public JdbcPasswordLinkStore(Database db) {
    this.db = db;
  }

  @Override
  public void replace(PasswordLink link) {
    db.withHandle(
        h -> {
          h.createUpdate("DELETE FROM password_links WHERE user_id = :user")
              .bind("user", link.userId())
              .execute();
          return h.createUpdate(
                  "INSERT INTO password_links (user_id, digest, create_at, expire_at) "
                      + "VALUES (:user, :digest, :createAt, :expireAt)")
              .bind("user", link.userId())
              .bind("digest", link.digest())
              .bind("createAt", link.createAt().toEpochMilli())
              .bind("expireAt", link.expireAt().toEpochMilli())
              .execute();
        });
  }

  @Override
  public Optional<PasswordLink> find(String digest) {
    return query("SELECT * FROM password_links WHERE digest = :digest", digest);
  }

  @Override
  public Optional<PasswordLink> lock(String digest) {
    return query("SELECT * FROM password_links WHERE digest = :digest FOR UPDATE", digest);
  }

  @Override
  public void markUsed(long userId, long atMillis) {
    db.withHandle(
        h ->
            h.createUpdate("UPDATE password_links SET used_at = :at WHERE user_id = :user")
                .bind("user", userId)
                .bind("at", atMillis)
                .execute());
  }

  @Override
  public void remove(long userId) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM password_links WHERE user_id = :user")
                .bind("user", userId)
                .execute());
  }

  private Optional<PasswordLink> query(String sql, String digest) {
    return db.withHandle(h -> h.createQuery(sql).bind("digest", digest).map(this::link).findOne());
  }

  private PasswordLink link(ResultSet rs, StatementContext ctx) throws SQLException {
    return new PasswordLink(
        rs.getLong("user_id"),
        rs.getString("digest"),
        Instant.ofEpochMilli(rs.getLong("create_at")),
        Instant.ofEpochMilli(rs.getLong("expire_at")),
        Rows.instant(rs, "used_at"));
  }
}
