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
        // As a database of the release before the latest migration was.
        s.execute("ALTER TABLE catalogue_history DROP COLUMN role_bundles");
        s.execute("DROP INDEX users_role");
        s.execute(
            "DELETE FROM flyway_schema_history WHERE version = '"
                + Database.LATEST_MIGRATION
                + "'");
      }

      database.migrated().close();

      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement();
          ResultSet rows =
              s.executeQuery(
                  "SELECT COUNT(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(Database.LATEST_MIGRATION);
        s.execute("SELECT role_bundles FROM catalogue_history");
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
