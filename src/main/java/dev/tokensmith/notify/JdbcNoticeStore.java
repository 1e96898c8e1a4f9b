package dev.tokensmith.notify;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/** The outbox in the {@code notices} table. */
public final class JdbcNoticeStore implements NoticeStore {
  private static final int ERROR_LENGTH = 500;

  private final Database db;

  public JdbcNoticeStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Notice n) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO notices (id, kind, recipient, topic, client_id, payload, status,"
                        + " attempts, next_attempt_at, create_at) VALUES (:id, :kind, :recipient,"
                        + " :topic, :client, :payload, :status, :attempts, :next, :createAt)")
                .bind("id", n.id())
                .bind("kind", n.kind().id())
                .bind("recipient", n.recipient())
                .bind("topic", n.topic())
                .bind("client", n.clientId())
                .bind("payload", n.payload())
                .bind("status", n.status().id())
                .bind("attempts", n.attempts())
                .bind("next", n.nextAttemptAt().toEpochMilli())
                .bind("createAt", n.createAt().toEpochMilli())
                .execute());
  }

  @Override
  public Optional<Notice> find(String id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM notices WHERE id = :id")
                .bind("id", id)
                .map(this::notice)
                .findOne());
  }

  @Override
  public List<Notice> claimDue(Instant now, Instant claimUntil, int limit) {
    // PostgreSQL: rows another instance is claiming are skipped, so any number of workers share
    // the queue and each row goes to one. The embedded database has one worker (one process).
    String lock = db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    return db.withHandle(
        h -> {
          List<Notice> due =
              h.createQuery(
                      "SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= :now"
                          + " ORDER BY next_attempt_at, id LIMIT :limit"
                          + lock)
                  .bind("now", now.toEpochMilli())
                  .bind("limit", limit)
                  .map(this::notice)
                  .list();
          if (due.isEmpty()) {
            return due;
          }
          PreparedBatch batch =
              h.prepareBatch(
                  "UPDATE notices SET attempts = attempts + 1, next_attempt_at = :until"
                      + " WHERE id = :id AND status = 'pending'");
          List<Notice> claimed = new ArrayList<>(due.size());
          for (Notice n : due) {
            batch.bind("until", claimUntil.toEpochMilli()).bind("id", n.id()).add();
            claimed.add(
                new Notice(
                    n.id(),
                    n.kind(),
                    n.recipient(),
                    n.topic(),
                    n.clientId(),
                    n.payload(),
                    n.status(),
                    n.attempts() + 1,
                    claimUntil,
                    n.createAt(),
                    n.sentAt(),
                    n.lastError()));
          }
          batch.execute();
          return claimed;
        });
  }

  @Override
  public void markSent(List<String> ids, Instant at) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE notices SET status = 'sent', sent_at = :at, last_error = NULL"
                        + " WHERE id IN (<ids>) AND status = 'pending'")
                .bindList("ids", ids)
                .bind("at", at.toEpochMilli())
                .execute());
  }

  @Override
  public void markRetry(String id, Instant next, String error) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE notices SET next_attempt_at = :next, last_error = :error"
                        + " WHERE id = :id AND status = 'pending'")
                .bind("id", id)
                .bind("next", next.toEpochMilli())
                .bind("error", clip(error))
                .execute());
  }

  @Override
  public void markFailed(String id, Instant at, String error) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE notices SET status = 'failed', next_attempt_at = :at,"
                        + " last_error = :error WHERE id = :id AND status = 'pending'")
                .bind("id", id)
                .bind("at", at.toEpochMilli())
                .bind("error", clip(error))
                .execute());
  }

  @Override
  public List<Notice> byRecipient(Notice.Kind kind, String recipient, int limit, int offset) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM notices WHERE kind = :kind AND recipient = :recipient"
                        + " ORDER BY create_at DESC, id LIMIT :limit OFFSET :offset")
                .bind("kind", kind.id())
                .bind("recipient", recipient)
                .bind("limit", limit)
                .bind("offset", offset)
                .map(this::notice)
                .list());
  }

  @Override
  public boolean retry(String id, Instant now) {
    return db.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE notices SET status = 'pending', next_attempt_at = :now,"
                            + " sent_at = NULL WHERE id = :id AND status = 'failed'")
                    .bind("id", id)
                    .bind("now", now.toEpochMilli())
                    .execute())
        > 0;
  }

  @Override
  public int deleteEndedBefore(Instant cutoff, int limit) {
    // A bounded batch by the creation index; the status is checked again by the DELETE itself, so
    // a failed notice retried meanwhile (pending again) stays.
    return db.withHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM notices WHERE status IN ('sent', 'failed') AND create_at < :cutoff"
                        + " AND id IN (SELECT id FROM notices WHERE status IN ('sent', 'failed')"
                        + " AND create_at < :cutoff ORDER BY create_at LIMIT :limit)")
                .bind("cutoff", cutoff.toEpochMilli())
                .bind("limit", limit)
                .execute());
  }

  @Override
  public Backlog backlog() {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) AS pending, MIN(create_at) AS oldest FROM notices"
                        + " WHERE status = 'pending'")
                .map((rs, ctx) -> new Backlog(rs.getLong("pending"), Rows.instant(rs, "oldest")))
                .one());
  }

  private static String clip(String error) {
    return error == null || error.length() <= ERROR_LENGTH
        ? error
        : error.substring(0, ERROR_LENGTH - 1) + "…";
  }

  private Notice notice(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Notice(
        rs.getString("id"),
        Notice.Kind.of(rs.getString("kind")),
        rs.getString("recipient"),
        rs.getString("topic"),
        Rows.nullableLong(rs, "client_id"),
        rs.getString("payload"),
        Notice.Status.of(rs.getString("status")),
        rs.getInt("attempts"),
        Rows.instant(rs, "next_attempt_at"),
        Rows.instant(rs, "create_at"),
        Rows.instant(rs, "sent_at"),
        rs.getString("last_error"));
  }
}
