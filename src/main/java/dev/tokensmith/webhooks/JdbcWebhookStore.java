package dev.tokensmith.webhooks;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import dev.tokensmith.storage.Window;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.statement.StatementContext;

/** Webhook subscriptions in the {@code webhooks} table. */
public final class JdbcWebhookStore implements WebhookStore {
  private final Database db;

  public JdbcWebhookStore(Database db) {
    this.db = db;
  }

  @Override
  public long insert(Webhook w) {
    return db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO webhooks (client_id, url, events, enabled, description,"
                        + " secret_sealed, create_at, update_at) VALUES (:client, :url, :events,"
                        + " :enabled, :description, :sealed, :createAt, :updateAt)")
                .bind("client", w.clientId())
                .bind("url", w.url())
                .bind("events", events(w.events()))
                .bind("enabled", w.enabled())
                .bindByType("description", w.description(), String.class)
                .bind("sealed", w.secretSealed())
                .bind("createAt", w.createAt().toEpochMilli())
                .bind("updateAt", w.updateAt().toEpochMilli())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public Optional<Webhook> find(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM webhooks WHERE id = :id")
                .bind("id", id)
                .map(JdbcWebhookStore::webhook)
                .findOne());
  }

  @Override
  public List<Webhook> list(long clientId, Window window) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM webhooks WHERE client_id = :client"
                        + window.after("id", false)
                        + " ORDER BY id LIMIT :limit OFFSET :offset")
                .bind("client", clientId)
                .bindByType("after", window.after(), Long.class)
                .bind("limit", window.limit())
                .bind("offset", window.offset())
                .map(JdbcWebhookStore::webhook)
                .list());
  }

  @Override
  public List<Webhook> enabled(long clientId) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM webhooks WHERE client_id = :client AND enabled = TRUE"
                        + " ORDER BY id")
                .bind("client", clientId)
                .map(JdbcWebhookStore::webhook)
                .list());
  }

  @Override
  public boolean update(Webhook w) {
    return db.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE webhooks SET url = :url, events = :events, enabled = :enabled,"
                            + " description = :description, secret_sealed = :sealed,"
                            + " update_at = :updateAt WHERE id = :id")
                    .bind("url", w.url())
                    .bind("events", events(w.events()))
                    .bind("enabled", w.enabled())
                    .bindByType("description", w.description(), String.class)
                    .bind("sealed", w.secretSealed())
                    .bind("updateAt", w.updateAt().toEpochMilli())
                    .bind("id", w.id())
                    .execute())
        > 0;
  }

  @Override
  public boolean delete(long id) {
    return db.withHandle(
            h -> h.createUpdate("DELETE FROM webhooks WHERE id = :id").bind("id", id).execute())
        > 0;
  }

  private static String events(List<WebhookEvent> events) {
    return events.stream().map(WebhookEvent::wire).collect(Collectors.joining(","));
  }

  private static Webhook webhook(ResultSet rs, StatementContext ctx) throws SQLException {
    List<WebhookEvent> events =
        Arrays.stream(rs.getString("events").split(","))
            .map(WebhookEvent::subscribable)
            .flatMap(Optional::stream)
            .toList();
    return new Webhook(
        rs.getLong("id"),
        rs.getLong("client_id"),
        rs.getString("url"),
        events,
        rs.getBoolean("enabled"),
        rs.getString("description"),
        rs.getString("secret_sealed"),
        Rows.instant(rs, "create_at"),
        Rows.instant(rs, "update_at"));
  }
}
