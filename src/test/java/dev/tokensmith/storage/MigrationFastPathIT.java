package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A start with nothing to migrate skips Flyway: only when the history holds every migration of the
 * build. A database one migration behind is still migrated.
 */
@UsesDatabase
class MigrationFastPathIT {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

  @Test
  void latestMigrationWhenTheBuildIsReadThenItIsTheNewestFileAndNoneIsMissing()
      throws IOException, URISyntaxException {
    Path folder = Path.of(Database.class.getResource("/db/migration").toURI());
    List<Integer> versions;
    try (Stream<Path> files = Files.list(folder)) {
      versions =
          files
              .map(f -> VERSIONED.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .map(m -> Integer.parseInt(m.group(1)))
              .sorted()
              .toList();
    }
    assertThat(versions)
        .isEqualTo(IntStream.rangeClosed(1, Database.LATEST_MIGRATION).boxed().toList());
  }

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
}
