package dev.tokensmith.users;

import dev.tokensmith.storage.Database;
import java.time.Instant;
import java.util.Optional;

/** {@link SessionStore} on the JDBC database, so every instance sees every session. */
public final class JdbcSessionStore implements SessionStore {
  private final Database db;

  public JdbcSessionStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Session s) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO sessions (digest, user_id, csrf_digest, create_at, expire_at) "
                        + "VALUES (:digest, :user, :csrf, :createAt, :expireAt)")
                .bind("digest", s.digest())
                .bind("user", s.userId())
                .bind("csrf", s.csrfDigest())
                .bind("createAt", s.createAt().toEpochMilli())
                .bind("expireAt", s.expireAt().toEpochMilli())
                .execute());
  }

  @Override
  public Optional<Session> find(String digest) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM sessions WHERE digest = :digest")
                .bind("digest", digest)
                .map(
                    (rs, ctx) ->
                        new Session(
                            rs.getString("digest"),
                            rs.getLong("user_id"),
                            rs.getString("csrf_digest"),
                            Instant.ofEpochMilli(rs.getLong("create_at")),
                            Instant.ofEpochMilli(rs.getLong("expire_at"))))
                .findOne());
  }

  @Override
  public void delete(String digest) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE digest = :digest")
                .bind("digest", digest)
                .execute());
  }

  @Override
  public void deleteByUser(long userId) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE user_id = :user")
                .bind("user", userId)
                .execute());
  }

  @Override
  public void deleteByUserExcept(long userId, String digest) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE user_id = :user AND digest <> :digest")
                .bind("user", userId)
                .bind("digest", digest)
                .execute());
  }

  @Override
  public int deleteExpired(long nowMillis) {
    return db.withHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE expire_at <= :now")
                .bind("now", nowMillis)
                .execute());
  }
}
