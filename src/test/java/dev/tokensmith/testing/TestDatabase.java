package dev.tokensmith.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensmith.storage.Database;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh, empty database for one test server: an in-memory H2 database, or — when the system
 * property {@code tokensmith.test.db} is {@code postgresql} — a new schema on the machine's
 * PostgreSQL (127.0.0.1:5432, user postgres, database test). Without PostgreSQL those tests are
 * skipped with a message, except under {@code CI=true}, where they fail.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String PG_USER = "postgres";

  private final String url;
  private final String schema;
  private final Map<String, String> keys = newKeys();

  private TestDatabase(String url, String schema) {
    this.url = url;
    this.schema = schema;
  }

  public static boolean postgresqlSelected() {
    return "postgresql".equals(System.getProperty("tokensmith.test.db"));
  }

  /** A fresh PostgreSQL schema whatever the run (for tests that only make sense on PostgreSQL). */
  public static TestDatabase postgresqlOnly() {
    return createPostgresql();
  }

  public static TestDatabase create() {
    return postgresqlSelected() ? createPostgresql() : h2();
  }

  /** An embedded H2 file database in {@code folder}, with the settings of the default one. */
  public static TestDatabase h2File(Path folder) {
    return new TestDatabase(
        "jdbc:h2:file:"
            + folder.toAbsolutePath().resolve("tokensmith")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
        null);
  }

  /**
   * A fresh in-memory H2 database whatever the run (for the service tier, which never needs
   * PostgreSQL).
   */
  public static TestDatabase h2() {
    return new TestDatabase(
        "jdbc:h2:mem:ts"
            + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
        null);
  }

  private static TestDatabase createPostgresql() {
    String schema = "ts_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(
            "PostgreSQL is required under CI=true but is unreachable at " + PG_URL, e);
      }
      assumeTrue(
          false,
          "PostgreSQL unreachable at "
              + PG_URL
              + " ("
              + e.getMessage()
              + "); skipping the PostgreSQL run");
    }
    return new TestDatabase(PG_URL + "?currentSchema=" + schema, schema);
  }

  /** A connection pool on this database with the schema migrated (close it before this). */
  public Database migrated() {
    Database db = new Database(url, user(), "", 4);
    db.migrate();
    return db;
  }

  public String url() {
    return url;
  }

  /**
   * The master key and pepper settings of every server on this database (the instances of one
   * installation share their keys; a server on the database with other keys refuses to start).
   */
  public Map<String, String> keys() {
    return keys;
  }

  private static Map<String, String> newKeys() {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] pepper = new byte[32];
    random.nextBytes(key);
    random.nextBytes(pepper);
    return Map.of(
        "TOKENSMITH_MASTER_KEYS",
        "v1:" + Base64.getEncoder().encodeToString(key),
        "TOKENSMITH_PEPPER",
        Base64.getEncoder().encodeToString(pepper));
  }

  /** The schema's URL with another host and port (to reach it through a proxy). */
  public String urlVia(int port) {
    return url.replace("127.0.0.1:5432", "127.0.0.1:" + port);
  }

  public String user() {
    return schema == null ? "" : PG_USER;
  }

  public boolean postgresql() {
    return schema != null;
  }

  @Override
  public void close() {
    String dropUrl = schema == null ? url : PG_URL;
    try (Connection c = DriverManager.getConnection(dropUrl, user(), "");
        Statement s = c.createStatement()) {
      s.execute(schema == null ? "SHUTDOWN" : "DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      // best effort: an in-memory database vanishes with the JVM anyway
    }
  }
}
