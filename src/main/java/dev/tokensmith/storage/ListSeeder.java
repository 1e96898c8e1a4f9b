package dev.tokensmith.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Fills a PostgreSQL database with many users, activity records and nodes quickly, for the list
 * benchmarks ({@code bench/pages.sh}). The rows are shaped like a working installation's so that
 * each list filter selects a realistic share of them: users of several roles, a tenth disabled;
 * activity of several clients, object types, actions and actors, in time order over a year. A fixed
 * random seed makes two databases of one size alike.
 *
 * <p>Straight into the tables, not through the services: no activity is recorded for the seeded
 * users, no notifications go out, and no password is set (a seeded user cannot log in).
 */
public final class ListSeeder {
  private static final int BATCH = 20_000;
  private static final long YEAR_MILLIS = 365L * 24 * 3600 * 1000;
  private static final String[] ROLES = {"admin", "analytic", "auditor", "api_developer", "deploy"};
  private static final int[] ROLE_WEIGHTS = {10, 40, 25, 20, 5};
  // What happens in an installation, and how often: object type, action, weight.
  private static final Object[][] EVENTS = {
    {"user", "login", 300},
    {"user", "logout", 100},
    {"user", "login_failed", 40},
    {"user", "update", 30},
    {"user", "create", 20},
    {"user", "invite", 10},
    {"user", "password_change", 10},
    {"user", "delete", 5},
    {"api_token", "create", 100},
    {"api_token", "update", 80},
    {"api_token", "renew", 60},
    {"api_token", "disable", 30},
    {"api_token", "enable", 20},
    {"api_token", "delete", 30},
    {"api_token", "expiring", 20},
    {"node", "register", 50},
    {"node", "update", 20},
    {"node_group", "create", 5},
    {"client", "update", 5},
  };
  private static final int ACTORS_PER_CLIENT = 200;
  private static final int OTHER_CLIENTS = 3;

  private final Database db;

  public ListSeeder(Database db) {
    this.db = db;
  }

  /**
   * Adds {@code count} users to {@code clientId}: roles weighted toward the read-only ones, one in
   * ten disabled; e-mail addresses {@code seeded-<n>@users.example}.
   */
  public void users(long clientId, int count, long now) {
    requirePostgres();
    Random random = new Random(1);
    for (int start = 0; start < count; start += BATCH) {
      BulkCopy rows = new BulkCopy("users");
      int size = Math.min(BATCH, count - start);
      for (int i = start; i < start + size; i++) {
        String email = "seeded-" + i + "@users.example";
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("uuid", new UUID(random.nextLong(), random.nextLong()).toString());
        row.put("client_id", clientId);
        row.put("email", email);
        row.put("email_key", email);
        row.put("realname", "Seeded User " + i);
        row.put("role", ROLES[weighted(random, ROLE_WEIGHTS)]);
        row.put("enabled", random.nextInt(10) != 0);
        row.put("create_at", now - YEAR_MILLIS + (long) i * YEAR_MILLIS / Math.max(1, count));
        rows.add(row);
      }
      db.withHandle(rows::copy);
    }
  }

  /**
   * Adds {@code count} enabled users of {@code role} to {@code clientId} and returns their ids, in
   * order: the owners of seeded tokens (the role-narrowing benchmark). E-mail addresses {@code
   * holder-<n>-<run>@seeded.example}, {@code run} new each call. Any database.
   */
  public List<Long> holders(long clientId, int count, String role, long now) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Long> ids = new ArrayList<>(count);
    for (int start = 0; start < count; start += BATCH) {
      int from = start;
      int size = Math.min(BATCH, count - start);
      ids.addAll(
          db.withHandle(
              h -> {
                PreparedBatch batch =
                    h.prepareBatch(
                        "INSERT INTO users (uuid, client_id, email, email_key, realname, role,"
                            + " enabled, create_at) VALUES (:uuid, :client, :email, :email,"
                            + " :realname, :role, TRUE, :now)");
                for (int i = from; i < from + size; i++) {
                  String email = "holder-" + i + "-" + run + "@seeded.example";
                  batch
                      .bind("uuid", UUID.randomUUID().toString())
                      .bind("client", clientId)
                      .bind("email", email)
                      .bind("realname", "Seeded Holder " + i)
                      .bind("role", role)
                      .bind("now", now)
                      .add();
                }
                return batch.executePreparedBatch("id").mapTo(Long.class).list();
              }));
    }
    return ids;
  }

  /**
   * Adds {@code count} activity records over the year before {@code now}, oldest first (ids in time
   * order, as the log writes them): two fifths in {@code clientId}, the rest in {@value
   * #OTHER_CLIENTS} more clients made for them beside it (of its partner). Each client has {@value
   * #ACTORS_PER_CLIENT} acting users, the first of {@code clientId}'s being {@code actorId}.
   */
  public void activity(long clientId, long actorId, String actorName, int count, long now) {
    requirePostgres();
    List<Long> clientIds = new ArrayList<>(List.of(clientId));
    clientIds.addAll(otherClients(clientId, now));
    int[] weights = new int[EVENTS.length];
    for (int i = 0; i < EVENTS.length; i++) {
      weights[i] = (Integer) EVENTS[i][2];
    }
    Random random = new Random(2);
    for (int start = 0; start < count; start += BATCH) {
      BulkCopy rows = new BulkCopy("activity");
      int size = Math.min(BATCH, count - start);
      for (int i = start; i < start + size; i++) {
        int client = random.nextInt(5) < 2 ? 0 : 1 + random.nextInt(OTHER_CLIENTS);
        int actor = random.nextInt(ACTORS_PER_CLIENT);
        long actorOf = client == 0 && actor == 0 ? actorId : 1_000_000_000L * (client + 1) + actor;
        String actorLabel =
            client == 0 && actor == 0
                ? actorName
                : "actor-" + actor + "@client" + client + ".example";
        Object[] event = EVENTS[weighted(random, weights)];
        String type = (String) event[0];
        String action = (String) event[1];
        boolean failed = action.equals("login_failed");
        long objectId = type.equals("user") ? actorOf : 1 + random.nextInt(100_000);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("occurred_at", now - YEAR_MILLIS + (long) i * YEAR_MILLIS / Math.max(1, count));
        row.put("client_id", clientIds.get(client));
        row.put("object_type", type);
        row.put("object_id", objectId);
        row.put("object_name", type.equals("user") ? actorLabel : type + " " + objectId);
        row.put("action", action);
        row.put("outcome", failed ? "failure" : "success");
        row.put("actor_type", "user");
        row.put("actor_id", actorOf);
        row.put("actor_name", actorLabel);
        row.put("source", type.equals("node") ? "node" : "ui");
        row.put("ip", "10.0." + random.nextInt(256) + "." + random.nextInt(256));
        row.put(
            "changes", action.equals("update") ? "{\"realname\":[\"before\",\"after\"]}" : "{}");
        rows.add(row);
      }
      db.withHandle(rows::copy);
    }
  }

  /**
   * Adds {@code count} nodes to {@code clientId}, one in ten a proxy, each with three instances
   * that synced within the month before {@code now}; hostnames {@code seeded-node-<n>}. Written by
   * the database itself ({@code INSERT … SELECT} over a series): an instance needs its node's id.
   * Node tokens and instance secrets are placeholders no client can present.
   */
  public void nodes(long clientId, int count, long now) {
    requirePostgres();
    for (int start = 0; start < count; start += BATCH) {
      int from = start;
      int to = Math.min(count, start + BATCH) - 1;
      db.withHandle(
          h -> {
            h.createUpdate(
                    "INSERT INTO nodes (uuid, client_id, hostname, node_type, create_at,"
                        + " token_digest, token_hint, token_generation, token_generated_at)"
                        + " SELECT md5('node' || g)::uuid::text, :client, 'seeded-node-' || g,"
                        + " CASE WHEN g % 10 = 0 THEN 'proxy' ELSE 'server' END,"
                        + " :now - (:count - g) * 1000, md5('node' || g) || md5('digest' || g),"
                        + " 'seeded', 1, :now FROM generate_series(:from, :to) g")
                .bind("client", clientId)
                .bind("now", now)
                .bind("count", (long) count)
                .bind("from", from)
                .bind("to", to)
                .execute();
            h.createUpdate(
                    "INSERT INTO node_instances (uuid, node_id, hostname, secret_digest,"
                        + " registered_with, node_token_generation, create_at, last_activity, ip)"
                        + " SELECT md5(n.uuid || k)::uuid::text, n.id, n.hostname || '-' || k,"
                        + " md5('secret' || n.id || k), 'node_token', 1, n.create_at,"
                        + " :now - (hashint8(n.id * 3 + k) & 2591999999),"
                        + " '10.' || (n.id % 250) || '.' || k || '.' || (n.id % 200)"
                        + " FROM nodes n CROSS JOIN generate_series(1, 3) k"
                        + " WHERE n.client_id = :client AND n.hostname IN"
                        + " (SELECT 'seeded-node-' || g FROM generate_series(:from, :to) g)")
                .bind("client", clientId)
                .bind("now", now)
                .bind("from", from)
                .bind("to", to)
                .execute();
            // Each node's latest sync, as the instances' flush keeps it.
            return h.createUpdate(
                    "UPDATE nodes n SET last_activity = (SELECT MAX(i.last_activity)"
                        + " FROM node_instances i WHERE i.node_id = n.id)"
                        + " WHERE n.client_id = :client AND n.hostname IN"
                        + " (SELECT 'seeded-node-' || g FROM generate_series(:from, :to) g)")
                .bind("client", clientId)
                .bind("from", from)
                .bind("to", to)
                .execute();
          });
    }
  }

  // Clients of the same partner as clientId, for the activity of other tenants.
  private List<Long> otherClients(long clientId, long now) {
    return db.withHandle(
        h -> {
          Long partner =
              h.createQuery("SELECT partner_id FROM clients WHERE id = :id")
                  .bind("id", clientId)
                  .mapTo(Long.class)
                  .one();
          List<Long> ids = new ArrayList<>();
          for (int i = 1; i <= OTHER_CLIENTS; i++) {
            String uuid = UUID.randomUUID().toString();
            ids.add(
                h.createUpdate(
                        "INSERT INTO clients (uuid, name, vuln_prefix, enabled, partner_id, create_at)"
                            + " VALUES (:uuid, :name, :prefix, TRUE, :partner, :at)")
                    .bind("uuid", uuid)
                    .bind("name", "Seeded client " + i + " " + uuid.substring(0, 8))
                    .bind("prefix", "Q" + uuid.substring(0, 3).toUpperCase())
                    .bind("partner", partner)
                    .bind("at", now)
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one());
          }
          return ids;
        });
  }

  private void requirePostgres() {
    if (db.dialect() != Database.Dialect.POSTGRESQL) {
      throw new IllegalStateException("seeding users, activity or nodes needs PostgreSQL");
    }
  }

  private static int weighted(Random random, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int pick = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      pick -= weights[i];
      if (pick < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
