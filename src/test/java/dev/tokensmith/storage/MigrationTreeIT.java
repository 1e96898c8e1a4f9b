package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.tokens.ApiToken;
import dev.tokensmith.tokens.JdbcTokenStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrations are one tree for both databases. A database migrated by the releases that kept one
 * tree per dialect (copied under migration-fixtures/two-trees) still starts, and a fresh database
 * gets the schema those releases made (later migrations add tables and columns of their own, and
 * change none of theirs); the tokens they wrote keep their ids and secrets. On an embedded H2 file
 * in the H2 run, on a PostgreSQL schema in the PostgreSQL run.
 */
@UsesDatabase
class MigrationTreeIT {

  @TempDir Path folder;

  @Test
  void startWhenDatabaseMigratedByTheTwoReleasedTreesThenServesAndKeepsItsSchema() {
    try (TestDatabase database = database("upgraded")) {
      migrateWithReleasedTree(database);
      List<String> released = schema(database);

      try (TestServer server = TestServer.startOn(database, Map.of())) {
        assertServes(server);
      }
      // Started again: the realigned history validates as it is.
      try (TestServer server = TestServer.startOn(database, Map.of())) {
        assertServes(server);
      }

      // Every column the released trees made is kept as it was (later migrations may add columns).
      assertThat(tablesOf(schema(database), released)).containsAll(released);
      List<MigrationInfo> applied = List.of(newTree(database).info().applied());
      assertThat(applied)
          .extracting(MigrationInfo::getScript)
          .containsExactlyElementsOf(migrationFiles());
      assertThat(applied)
          .allMatch(MigrationInfo::isChecksumMatching, "checksum matching the one tree");
    }
  }

  @Test
  void startWhenDatabaseFreshThenSchemaIsTheReleasedTreesOne() {
    try (TestDatabase released = database("released");
        TestDatabase fresh = database("fresh")) {
      migrateWithReleasedTree(released);

      try (TestServer server = TestServer.startOn(fresh, Map.of())) {
        assertServes(server);
      }

      List<String> releasedSchema = schema(released);
      assertThat(releasedSchema).isNotEmpty();
      assertThat(tablesOf(schema(fresh), releasedSchema)).containsAll(releasedSchema);
    }
  }

  @Test
  void migrateWhenTokensWrittenByEarlierReleasesThenTheirSecretsOpenAndIdsGoOnAfterTheLast()
      throws SQLException {
    TokenSecrets secrets = TestSecrets.withPrefix("tks1");
    try (TestDatabase database = database("tokens")) {
      migrateWithReleasedTree(database);
      List<String> values = List.of(secrets.generate(), secrets.generate(), secrets.generate());
      List<Long> ids = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO clients (uuid, name, vuln_prefix, enabled, create_at)"
                + " VALUES ('c0ffee00-0000-0000-0000-000000000000', 'Before', 'B001', TRUE, 0)");
        long client = single(s, "SELECT id FROM clients");
        for (String value : values) {
          // As those releases wrote a token: the row, then its secret sealed to the row's id.
          s.executeUpdate(
              "INSERT INTO api_tokens (client_id, created_by, realname, shared, token_usage,"
                  + " source_role, enabled, create_at, token_generated_at, secret_hint)"
                  + " VALUES ("
                  + client
                  + ", 1, 'before', TRUE, 'api', 'admin', TRUE, 0, 0, 'hint')",
              Statement.RETURN_GENERATED_KEYS);
          long id = generatedId(s);
          s.executeUpdate(
              "UPDATE api_tokens SET secret_sealed = '"
                  + secrets.seal(value, id)
                  + "' WHERE id = "
                  + id);
          s.executeUpdate(
              "INSERT INTO api_token_secrets (digest, token_id) VALUES ('"
                  + secrets.digest(value)
                  + "', "
                  + id
                  + ")");
          ids.add(id);
        }
        // The last id given belongs to a token deleted since.
        s.executeUpdate("DELETE FROM api_tokens WHERE id = " + ids.get(2));
      }

      try (Database db = new Database(database.url(), database.user(), "", 2)) {
        db.migrate();
        JdbcTokenStore store = new JdbcTokenStore(db, Catalogue.standard());

        for (int i = 0; i < 2; i++) {
          ApiToken kept = store.find(ids.get(i)).orElseThrow();
          assertThat(secrets.open(kept.secret().ciphertext(), kept.id())).isEqualTo(values.get(i));
          assertThat(store.findBySecretDigest(secrets.digest(values.get(i))).orElseThrow().token())
              .isEqualTo(kept);
        }
        assertThat(store.newId()).as("after the deleted token's id").isGreaterThan(ids.get(2));
      }
    }
  }

  private static long single(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long generatedId(Statement s) throws SQLException {
    try (ResultSet rs = s.getGeneratedKeys()) {
      rs.next();
      return rs.getLong("id");
    }
  }

  private TestDatabase database(String name) {
    return TestDatabase.postgresqlSelected()
        ? TestDatabase.create()
        : TestDatabase.h2File(folder.resolve(name));
  }

  private static void migrateWithReleasedTree(TestDatabase database) {
    Flyway.configure()
        .dataSource(database.url(), database.user(), "")
        .locations(
            "classpath:migration-fixtures/two-trees/"
                + (database.postgresql() ? "postgresql" : "h2"))
        .load()
        .migrate();
  }

  private static Flyway newTree(TestDatabase database) {
    return Flyway.configure()
        .dataSource(database.url(), database.user(), "")
        .locations("classpath:db/migration")
        .load();
  }

  /** Logs in, writes a tenant, a user and a token, and reads the token's activity record back. */
  private static void assertServes(TestServer server) {
    Fixtures fixtures = new Fixtures(server);
    long tenant = fixtures.tenant("Tenant " + System.nanoTime());
    TestUser admin = fixtures.user(tenant, "admin");
    Response created =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of("realname", "After the upgrade", "permissions", List.of("analytic")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);

    Response log = server.http.get("/v2/activity_log?object_type=api_token", admin.session());
    assertThat(log.status()).as("%s", log).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    log.body().forEach(records::add);
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.path("object_id").asLong()).isEqualTo(created.id());
              assertThat(r.path("changes").path("realname").get(1).asText())
                  .isEqualTo("After the upgrade");
            });
  }

  /**
   * Columns later migrations added to the released trees' tables ("table column", any case): V12
   * marks the users single sign-on provisioned.
   */
  private static final Set<String> ADDED_LATER = Set.of("users provisioned");

  /**
   * The columns of the tables the released trees made (later migrations add tables of their own),
   * without the ones later migrations added to them.
   */
  private static List<String> tablesOf(List<String> columns, List<String> released) {
    Set<String> tables =
        released.stream().map(c -> c.substring(0, c.indexOf(' '))).collect(Collectors.toSet());
    return columns.stream()
        .filter(c -> tables.contains(c.substring(0, c.indexOf(' '))))
        .filter(c -> !ADDED_LATER.contains(tableAndColumn(c)))
        .toList();
  }

  private static String tableAndColumn(String column) {
    String[] parts = column.split(" ");
    return (parts[0] + " " + parts[1]).toLowerCase(java.util.Locale.ROOT);
  }

  /** Every migration of the tree, in version order. */
  private static List<String> migrationFiles() {
    try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(1, n.indexOf('_')))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every column of the database's schema: table, name, type, length, nullability. */
  private static List<String> schema(TestDatabase database) {
    List<String> columns = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name, data_type, character_maximum_length,"
                    + " is_nullable FROM information_schema.columns WHERE table_schema = current_schema()"
                    + " ORDER BY table_name, column_name")) {
      while (rs.next()) {
        columns.add(
            String.join(
                " ",
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return columns;
  }
}
