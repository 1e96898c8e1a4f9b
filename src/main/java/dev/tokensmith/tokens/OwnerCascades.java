package dev.tokensmith.tokens;

import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.storage.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The disable cascades still to finish: one row per disabled user whose tokens are not all disabled
 * yet, with the moment and the origin of the user's change (what each token's change records).
 */
final class OwnerCascades {
  /** A cascade to go on with. */
  record Pending(Instant disabledAt, Origin origin) {}

  private final Database db;

  OwnerCascades(Database db) {
    this.db = db;
  }

  /** Records a cascade in the caller's transaction; one already pending for the user stays. */
  void begin(long userId, long disabledAtMillis, Origin origin) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO token_owner_cascades (user_id, disabled_at, actor_type, actor_id,"
                        + " actor_name, source, ip) SELECT :user, :at, :actorType, :actorId,"
                        + " :actorName, :source, :ip FROM users WHERE id = :user AND NOT EXISTS"
                        + " (SELECT 1 FROM token_owner_cascades WHERE user_id = :user)")
                .bind("user", userId)
                .bind("at", disabledAtMillis)
                .bind("actorType", origin.actor().type())
                .bind("actorId", origin.actor().id())
                .bind("actorName", cut(origin.actor().name(), 320))
                .bind("source", origin.source())
                .bind("ip", origin.ip())
                .execute());
  }

  /**
   * Locks the user's row, then reads their pending cascade; empty when there is none (finished, or
   * the user is gone) or, with {@code skipLocked}, when another transaction holds the row (a batch
   * of the same cascade, run by the change's own request).
   */
  Optional<Pending> lock(long userId, boolean skipLocked) {
    return db.withHandle(
        h -> {
          boolean exists =
              h.createQuery(
                      "SELECT id FROM users WHERE id = :user FOR UPDATE"
                          + (skipLocked ? " SKIP LOCKED" : ""))
                  .bind("user", userId)
                  .mapTo(Long.class)
                  .findOne()
                  .isPresent();
          if (!exists) {
            return Optional.empty();
          }
          return h.createQuery("SELECT * FROM token_owner_cascades WHERE user_id = :user")
              .bind("user", userId)
              .map(
                  (rs, ctx) -> {
                    long actorId = rs.getLong("actor_id");
                    Long id = rs.wasNull() ? null : actorId;
                    return new Pending(
                        Instant.ofEpochMilli(rs.getLong("disabled_at")),
                        new Origin(
                            new Actor(rs.getString("actor_type"), id, rs.getString("actor_name")),
                            rs.getString("source"),
                            rs.getString("ip")));
                  })
              .findOne();
        });
  }

  /** The cascade of the user is done. */
  void end(long userId) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM token_owner_cascades WHERE user_id = :user")
                .bind("user", userId)
                .execute());
  }

  /** Users whose cascade is pending, in id order. */
  List<Long> pending() {
    return db.withHandle(
        h ->
            h.createQuery("SELECT user_id FROM token_owner_cascades ORDER BY user_id")
                .mapTo(Long.class)
                .list());
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
