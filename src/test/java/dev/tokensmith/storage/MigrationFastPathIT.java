package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A start with nothing to migrate skips Flyway: only when the history holds every migration of the
 * build. A database one migration behind is still migrated.
 */
@UsesDatabase
class MigrationFastPathIT {
  @Test
  void migrateWhenTheLatestMigrationIsMissingFromTheHistoryThenItIsAppliedAgain()
      throws SQLException {
    try (TestDatabase database = TestDatabase.create()) {
      database.migrated().close();
      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement()) {
        // As a database of the release before the latest migration was, with a node whose
        // instances synced and one with no instance.
        for (String index :
            new String[] {
              "nodes_client_page",
              "nodes_client_activity",
              "nodes_client_created",
              "nodes_client_type"
            }) {
          s.execute("DROP INDEX " + index);
        }
        s.execute("ALTER TABLE nodes DROP COLUMN last_activity");
        s.execute(
            "DELETE FROM flyway_schema_history WHERE version = '"
                + Database.LATEST_MIGRATION
                + "'");
        s.execute(
            "INSERT INTO clients (id, uuid, name, vuln_prefix, enabled, create_at) "
                + "VALUES (901, 'c-901', 'Client', 'C901', TRUE, 0)");
        for (String node :
            new String[] {"905, 'n-905', 'synced', 'd-905'", "906, 'n-906', 'new', 'd-906'"}) {
          s.execute(
              "INSERT INTO nodes (id, uuid, hostname, token_digest, client_id, node_type, create_at, "
                  + "token_hint, token_generation, token_generated_at) VALUES ("
                  + node
                  + ", 901, 'server', 0, 'hint', 1, 0)");
        }
        for (String instance :
            new String[] {"907, 'i-907', 5000", "908, 'i-908', 7000", "909, 'i-909', NULL"}) {
          s.execute(
              "INSERT INTO node_instances (id, uuid, last_activity, node_id, hostname, secret_digest, "
                  + "registered_with, create_at) VALUES ("
                  + instance
                  + ", 905, 'host', 'digest', 'node_token', 0)");
        }
      }

      database.migrated().close();

      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement()) {
        try (ResultSet rows =
            s.executeQuery(
                "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
          rows.next();
          assertThat(rows.getInt(1)).isEqualTo(Database.LATEST_MIGRATION);
        }
        try (ResultSet rows =
            s.executeQuery("SELECT last_activity FROM nodes WHERE id IN (905, 906) ORDER BY id")) {
          rows.next();
          assertThat(rows.getLong(1)).isEqualTo(7000);
          rows.next();
          assertThat(rows.getLong(1)).isZero();
        }
      }
    }
  }

  @Test
  void migrateWhenEveryMigrationIsAppliedThenFlywayIsNotRun() throws SQLException {
    try (TestDatabase database = TestDatabase.create()) {
      database.migrated().close();
      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement()) {
        // Flyway's validation would refuse this history; the start's shortcut does not read it.
        s.execute("UPDATE flyway_schema_history SET checksum = 1 WHERE version = '5'");
      }

      database.migrated().close();

      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement();
          ResultSet rows =
              s.executeQuery("SELECT checksum FROM flyway_schema_history WHERE version = '5'")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(1);
      }
    }
  }
}
