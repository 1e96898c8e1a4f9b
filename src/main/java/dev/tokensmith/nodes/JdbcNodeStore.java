package dev.tokensmith.nodes;

import dev.tokensmith.nodes.Instance.RegisteredWith;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import dev.tokensmith.storage.SeekPast;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link NodeStore} on the JDBC database. */
public final class JdbcNodeStore implements NodeStore {
  // A node with its latest sync (kept on its row), its instances' counts and the address of the
  // instance that synced last.
  private static final String STATE =
      "SELECT n.*,"
          + " (SELECT COUNT(*) FROM node_instances i WHERE i.node_id = n.id) AS instance_count,"
          + " (SELECT COUNT(*) FROM node_instances i WHERE i.node_id = n.id"
          + " AND i.last_activity > :activeAfter) AS active_instance_count,"
          + " (SELECT i.ip FROM node_instances i WHERE i.node_id = n.id"
          + " AND i.last_activity IS NOT NULL ORDER BY i.last_activity DESC, i.id DESC LIMIT 1)"
          + " AS last_ip"
          + " FROM nodes n";

  private final Database db;

  public JdbcNodeStore(Database db) {
    this.db = db;
  }

  @Override
  public long insert(Node n, String tokenDigest) {
    return db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO nodes (uuid, client_id, hostname, node_type, create_at,"
                        + " create_from, token_digest, token_sealed, token_hint, token_generation,"
                        + " token_generated_at) VALUES (:uuid, :client, :hostname, :type,"
                        + " :createAt, :createFrom, :digest, :sealed, :hint, :generation,"
                        + " :generatedAt)")
                .bind("uuid", n.uuid())
                .bind("client", n.clientId())
                .bind("hostname", n.hostname())
                .bind("type", n.type())
                .bind("createAt", n.createAt().toEpochMilli())
                .bindByType("createFrom", n.createFrom(), String.class)
                .bind("digest", tokenDigest)
                .bindByType("sealed", n.tokenSealed(), String.class)
                .bind("hint", n.tokenHint())
                .bind("generation", n.tokenGeneration())
                .bind("generatedAt", n.tokenGeneratedAt().toEpochMilli())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public void updateToken(Node after, String tokenDigest) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE nodes SET token_digest = :digest, token_sealed = :sealed,"
                        + " token_hint = :hint, token_generation = :generation,"
                        + " token_generated_at = :generatedAt WHERE id = :id")
                .bind("digest", tokenDigest)
                .bindByType("sealed", after.tokenSealed(), String.class)
                .bind("hint", after.tokenHint())
                .bind("generation", after.tokenGeneration())
                .bind("generatedAt", after.tokenGeneratedAt().toEpochMilli())
                .bind("id", after.id())
                .execute());
  }

  @Override
  public Optional<Node> find(long id) {
    return one("SELECT * FROM nodes WHERE id = :id", "id", id);
  }

  @Override
  public Optional<Node> lock(long id) {
    return one("SELECT * FROM nodes WHERE id = :id FOR UPDATE", "id", id);
  }

  @Override
  public Optional<Node> lockByTokenDigest(String tokenDigest) {
    return one(
        "SELECT * FROM nodes WHERE token_digest = :digest FOR UPDATE", "digest", tokenDigest);
  }

  @Override
  public Optional<Node> findByHostname(long clientId, String hostname) {
    return byHostname("", clientId, hostname);
  }

  @Override
  public Optional<Node> lockByHostname(long clientId, String hostname) {
    return byHostname(" FOR UPDATE", clientId, hostname);
  }

  private Optional<Node> byHostname(String lock, long clientId, String hostname) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM nodes WHERE client_id = :client AND hostname = :hostname" + lock)
                .bind("client", clientId)
                .bind("hostname", hostname)
                .map(JdbcNodeStore::node)
                .findOne());
  }

  private Optional<Node> one(String sql, String name, Object value) {
    return db.withHandle(
        h -> h.createQuery(sql).bind(name, value).map(JdbcNodeStore::node).findOne());
  }

  @Override
  public List<NodeState> list(NodeQuery q, long activeAfterMillis) {
    if (q.clientIds().isEmpty()) {
      return List.of();
    }
    StringBuilder sql = new StringBuilder(STATE).append(" WHERE n.client_id IN (<clients>)");
    if (q.type() != null) {
      sql.append(" AND n.node_type = :type");
    }
    if (q.notType() != null) {
      sql.append(" AND n.node_type <> :notType");
    }
    if (q.uuid() != null) {
      sql.append(" AND n.uuid = :uuid");
    }
    if (q.hostname() != null) {
      sql.append(" AND n.hostname = :hostname");
    }
    if (q.ip() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM node_instances i WHERE i.node_id = n.id")
          .append(" AND i.ip = :ip)");
    }
    sql.append(q.window().after("n.id", q.descending()));
    NodeQuery.Order order = q.order();
    if (q.after() != null) {
      // Past the last node of the page before, where the order's index (V21) says.
      sql.append(SeekPast.condition(order.column(), ":seekValue", "n.id", q.descending()));
    }
    String direction = q.descending() ? " DESC" : "";
    sql.append(" ORDER BY ").append(order.column()).append(direction);
    if (order != NodeQuery.Order.ID) {
      sql.append(", n.id").append(direction);
    }
    sql.append(" LIMIT :limit OFFSET :offset");
    return db.withHandle(
        h ->
            SeekPast.bind(h.createQuery(sql.toString()), q.after(), order.numeric())
                .bindList("clients", q.clientIds())
                .bind("activeAfter", activeAfterMillis)
                .bind("type", q.type())
                .bind("notType", q.notType())
                .bind("uuid", q.uuid())
                .bind("hostname", q.hostname())
                .bind("ip", q.ip())
                .bind("after", q.window().after())
                .bind("limit", q.window().limit())
                .bind("offset", q.window().offset())
                .map(JdbcNodeStore::nodeState)
                .list());
  }

  @Override
  public Optional<NodeState> state(long id, long activeAfterMillis) {
    return db.withHandle(
        h ->
            h.createQuery(STATE + " WHERE n.id = :id")
                .bind("id", id)
                .bind("activeAfter", activeAfterMillis)
                .map(JdbcNodeStore::nodeState)
                .findOne());
  }

  @Override
  public void delete(long id) {
    db.withHandle(h -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
  }

  @Override
  public long insertInstance(Instance i) {
    return db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO node_instances (uuid, node_id, hostname, secret_digest,"
                        + " registered_with, token_id, node_token_generation, create_at)"
                        + " VALUES (:uuid, :node, :hostname, :digest, :registeredWith, :token,"
                        + " :generation, :createAt)")
                .bind("uuid", i.uuid())
                .bind("node", i.nodeId())
                .bind("hostname", i.hostname())
                .bind("digest", i.secretDigest())
                .bind("registeredWith", i.registeredWith().id())
                .bindByType("token", i.tokenId(), Long.class)
                .bindByType("generation", i.nodeTokenGeneration(), Integer.class)
                .bind("createAt", i.createAt().toEpochMilli())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public List<Instance> instances(long nodeId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM node_instances WHERE node_id = :node ORDER BY id")
                .bind("node", nodeId)
                .map(JdbcNodeStore::instance)
                .list());
  }

  @Override
  public Optional<InstanceMatch> findInstance(String uuid) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT i.*, n.client_id AS node_client_id,"
                        + " n.token_generation AS node_token_generation_now"
                        + " FROM node_instances i JOIN nodes n ON n.id = i.node_id"
                        + " WHERE i.uuid = :uuid")
                .bind("uuid", uuid)
                .map(
                    (rs, ctx) ->
                        new InstanceMatch(
                            instance(rs, ctx),
                            rs.getLong("node_client_id"),
                            rs.getInt("node_token_generation_now")))
                .findOne());
  }

  @Override
  public void recordSyncs(List<InstanceActivity.Sync> syncs) {
    // The nodes' latest syncs first, in node id order, then the instances in id order: a node's
    // deletion or change locks its row before its instances too, so two flushes (of two servers)
    // or a flush and a deletion never wait for each other in a circle. Each node row is written
    // even when it holds a later sync already (another server's): the write is what locks it.
    Map<Long, Long> latest = new TreeMap<>();
    for (InstanceActivity.Sync sync : syncs) {
      latest.merge(sync.nodeId(), sync.atMillis(), Math::max);
    }
    db.inTransaction(
        () ->
            db.withHandle(
                h -> {
                  var nodes =
                      h.prepareBatch(
                          "UPDATE nodes SET last_activity = GREATEST(last_activity, :at)"
                              + " WHERE id = :id");
                  latest.forEach((node, at) -> nodes.bind("at", at).bind("id", node).add());
                  nodes.execute();
                  var instances =
                      h.prepareBatch(
                          "UPDATE node_instances SET last_activity = :at, ip = :ip WHERE id = :id");
                  for (InstanceActivity.Sync sync : syncs) {
                    instances
                        .bind("at", sync.atMillis())
                        .bindByType("ip", sync.ip(), String.class)
                        .bind("id", sync.instanceId())
                        .add();
                  }
                  return instances.execute();
                }));
  }

  private static Node node(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Node(
        rs.getLong("id"),
        rs.getString("uuid"),
        rs.getLong("client_id"),
        rs.getString("hostname"),
        rs.getString("node_type"),
        Rows.instant(rs, "create_at"),
        rs.getString("create_from"),
        rs.getString("token_sealed"),
        rs.getString("token_hint"),
        rs.getInt("token_generation"),
        Rows.instant(rs, "token_generated_at"));
  }

  private static NodeState nodeState(ResultSet rs, StatementContext ctx) throws SQLException {
    long lastActivity = rs.getLong("last_activity");
    return new NodeState(
        node(rs, ctx),
        rs.getInt("instance_count"),
        rs.getInt("active_instance_count"),
        lastActivity == 0 ? null : Instant.ofEpochMilli(lastActivity),
        rs.getString("last_ip"));
  }

  private static Instance instance(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Instance(
        rs.getLong("id"),
        rs.getString("uuid"),
        rs.getLong("node_id"),
        rs.getString("hostname"),
        rs.getString("secret_digest"),
        RegisteredWith.fromId(rs.getString("registered_with")),
        Rows.nullableLong(rs, "token_id"),
        Rows.nullableInt(rs, "node_token_generation"),
        Rows.instant(rs, "create_at"),
        Rows.instant(rs, "last_activity"),
        rs.getString("ip"));
  }
}
