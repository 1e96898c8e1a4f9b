package dev.tokensmith.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link ActivityStore} on the JDBC database; changes are kept as a JSON text. */
public final class JdbcActivityStore implements ActivityStore {
  private static final TypeReference<Map<String, List<Object>>> CHANGES = new TypeReference<>() {};

  private final Database db;
  private final ObjectMapper json;

  public JdbcActivityStore(Database db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  private static final String INSERT =
      "INSERT INTO activity (occurred_at, client_id, object_type, object_id, object_name, "
          + "action, outcome, actor_type, actor_id, actor_name, source, ip, changes) VALUES (:at, :client, :type, "
          + ":objectId, :objectName, :action, :outcome, :actorType, :actorId, :actorName, :source, :ip, :changes)";

  @Override
  public void insert(Activity a) {
    db.withHandle(h -> bind(h.createUpdate(INSERT), a).execute());
  }

  @Override
  public void insertAll(List<Activity> activities) {
    if (activities.isEmpty()) {
      return;
    }
    db.withHandle(
        h -> {
          PreparedBatch batch = h.prepareBatch(INSERT);
          for (Activity a : activities) {
            bind(batch, a).add();
          }
          return batch.execute();
        });
  }

  private <S extends SqlStatement<S>> S bind(S statement, Activity a) {
    return statement
        .bind("at", a.time().toEpochMilli())
        .bind("client", a.clientId())
        .bind("type", a.objectType())
        .bind("objectId", a.objectId())
        .bind("objectName", cut(a.objectName(), 255))
        .bind("action", a.action())
        .bind("outcome", a.outcome())
        .bind("actorType", a.actor().type())
        .bind("actorId", a.actor().id())
        .bind("actorName", cut(a.actor().name(), 320))
        .bind("source", a.source())
        .bind("ip", a.ip())
        .bind("changes", write(a.changes()));
  }

  @Override
  public List<Activity> find(ActivityFilter f) {
    StringBuilder sql = new StringBuilder("SELECT * FROM activity");
    where(sql, f);
    if (f.from() == null && f.to() == null) {
      sql.append(f.window().after("id", true)).append(" ORDER BY id DESC");
    } else {
      // Within a time range, newest first by the time itself: the index on (client, time, id) then
      // reads a page from where the range ends, however many newer records lie past it. The page
      // starts past the cursor's record in that order (its time, then its id). Records are written
      // in time order, so this is the id order but where two instances' clocks interleave. (Records
      // are never deleted, so the cursor's record is there to compare with. A cursor naming another
      // client's record finds none, and so nothing: it tells nothing of that record.)
      if (f.window().after() != null) {
        sql.append(
            " AND (occurred_at, id) < (SELECT a.occurred_at, a.id FROM activity a"
                + " WHERE a.id = :after AND a.client_id = :client)");
      }
      sql.append(" ORDER BY occurred_at DESC, id DESC");
    }
    sql.append(" LIMIT :limit OFFSET :offset");
    return db.withHandle(
        h ->
            bind(h.createQuery(sql.toString()), f)
                .bind("after", f.window().after())
                .bind("limit", f.window().limit())
                .bind("offset", f.window().offset())
                .map(this::activity)
                .list());
  }

  @Override
  public long count(ActivityFilter f) {
    StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM activity");
    where(sql, f);
    return db.withHandle(h -> bind(h.createQuery(sql.toString()), f).mapTo(Long.class).one());
  }

  private static void where(StringBuilder sql, ActivityFilter f) {
    sql.append(" WHERE client_id = :client");
    if (f.objectType() != null) {
      sql.append(" AND object_type = :type");
    }
    if (f.action() != null) {
      sql.append(" AND action = :action");
    }
    if (f.actorId() != null) {
      sql.append(" AND actor_id = :actor");
    }
    if (f.from() != null) {
      sql.append(" AND occurred_at >= :from");
    }
    if (f.to() != null) {
      sql.append(" AND occurred_at <= :to");
    }
  }

  private static Query bind(Query query, ActivityFilter f) {
    return query
        .bind("client", f.clientId())
        .bind("type", f.objectType())
        .bind("action", f.action())
        .bind("actor", f.actorId())
        .bind("from", f.from() == null ? null : f.from().toEpochMilli())
        .bind("to", f.to() == null ? null : f.to().toEpochMilli());
  }

  private Activity activity(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Activity(
        rs.getLong("id"),
        Instant.ofEpochMilli(rs.getLong("occurred_at")),
        Rows.nullableLong(rs, "client_id"),
        rs.getString("object_type"),
        Rows.nullableLong(rs, "object_id"),
        rs.getString("object_name"),
        rs.getString("action"),
        rs.getString("outcome"),
        new Actor(
            rs.getString("actor_type"),
            Rows.nullableLong(rs, "actor_id"),
            rs.getString("actor_name")),
        rs.getString("source"),
        rs.getString("ip"),
        read(rs.getString("changes")));
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }

  private String write(Map<String, List<Object>> changes) {
    try {
      return json.writeValueAsString(changes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("activity changes are not serialisable", e);
    }
  }

  private Map<String, List<Object>> read(String text) {
    try {
      return text == null ? Map.of() : json.readValue(text, CHANGES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored activity changes are not JSON", e);
    }
  }
}
