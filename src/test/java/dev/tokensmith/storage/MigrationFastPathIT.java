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
        // As a database of the release before the latest migration was, with a personal and a
        // shared token.
        s.execute("ALTER TABLE api_tokens DROP COLUMN owner_name");
        if (database.url().startsWith("jdbc:postgresql:")) {
          s.execute("CREATE INDEX api_tokens_client ON api_tokens (client_id)");
          s.execute("CREATE INDEX api_tokens_user ON api_tokens (user_id)");
        }
        s.execute(
            "DELETE FROM flyway_schema_history WHERE version = '"
                + Database.LATEST_MIGRATION
                + "'");
        s.execute(
            "INSERT INTO clients (id, uuid, name, vuln_prefix, enabled, create_at) "
                + "VALUES (901, 'c-901', 'Client', 'C901', TRUE, 0)");
        s.execute(
            "INSERT INTO users (id, uuid, client_id, email, email_key, realname, role, enabled, "
                + "create_at) VALUES (902, 'u-902', 901, 'ada@example.com', 'ada@example.com', "
                + "'Ada Lovelace', 'admin', TRUE, 0)");
        for (String token : new String[] {"903, 902, FALSE", "904, NULL, TRUE"}) {
          s.execute(
              "INSERT INTO api_tokens (id, user_id, shared, client_id, created_by, realname, "
                  + "token_usage, source_role, enabled, create_at, token_generated_at, "
                  + "secret_hint) VALUES ("
                  + token
                  + ", 901, 902, 'token', 'api', 'admin', TRUE, 0, 0, 'abcd...wxyz')");
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
            s.executeQuery(
                "SELECT owner_name FROM api_tokens WHERE id IN (903, 904) ORDER BY id")) {
          rows.next();
          assertThat(rows.getString(1)).isEqualTo("Ada Lovelace");
          rows.next();
          assertThat(rows.getString(1)).isEmpty();
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
