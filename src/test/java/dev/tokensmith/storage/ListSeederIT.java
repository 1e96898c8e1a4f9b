package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' seeding of nodes (PostgreSQL only, as {@code bench/pages.sh} runs it) writes what
 * the server would: three instances a node, and each node's latest sync on its row, the one the
 * node list's order by last activity reads.
 */
class ListSeederIT {
  private static final long NOW = 1_900_000_000_000L;

  @Test
  void nodesWhenSeededThenEachNodeHoldsTheLatestSyncOfItsInstances() {
    try (TestDatabase database = TestDatabase.postgresqlOnly();
        Database db = database.migrated()) {
      long client =
          db.withHandle(
              h ->
                  h.createUpdate(
                          "INSERT INTO clients (uuid, name, vuln_prefix, enabled, create_at)"
                              + " VALUES ('seeded', 'Seeded', 'SEED', TRUE, 0)")
                      .executeAndReturnGeneratedKeys("id")
                      .mapTo(Long.class)
                      .one());

      new ListSeeder(db).nodes(client, 25, NOW);

      List<long[]> nodes =
          db.withHandle(
              h ->
                  h.createQuery(
                          "SELECT n.last_activity, MAX(i.last_activity), COUNT(i.id)"
                              + " FROM nodes n JOIN node_instances i ON i.node_id = n.id"
                              + " WHERE n.client_id = :client GROUP BY n.id, n.last_activity")
                      .bind("client", client)
                      .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                      .list());
      assertThat(nodes).hasSize(25);
      for (long[] node : nodes) {
        assertThat(node[0]).isEqualTo(node[1]).isBetween(NOW - 31L * 86_400_000, NOW);
        assertThat(node[2]).isEqualTo(3);
      }
    }
  }
}
