package dev.tokensmith.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.App;
import dev.tokensmith.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Tokensmith server on a random port over a fresh database (H2, or PostgreSQL in the
 * PostgreSQL run), with a clock the test moves. Closing it checks that no secret handed out so far
 * appears in any table of its database or in the log.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_EMAIL = "admin@example.com";
  public static final String ADMIN_PASSWORD = "admin-password-1";
  public static final Path LOG_FILE = Path.of("target/test-logs/tokensmith.log");

  public final MutableClock clock = new MutableClock();
  public final TestDatabase database;
  public final App app;
  public final Http http;
  public final Path dataDir;
  private Auth.Session admin;
  private Instant adminLoginAt;

  private final boolean ownsDatabase;

  private TestServer(Map<String, String> extra, TestDatabase database, boolean ownsDatabase) {
    this.database = database;
    this.ownsDatabase = ownsDatabase;
    try {
      this.dataDir = Files.createTempDirectory("tokensmith-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("TOKENSMITH_PORT", "0");
    env.put("TOKENSMITH_HOST", "127.0.0.1");
    env.put("TOKENSMITH_DATA_DIR", dataDir.toString());
    env.put("TOKENSMITH_DB_URL", database.url());
    env.put("TOKENSMITH_DB_USER", database.user());
    env.put("TOKENSMITH_ADMIN_EMAIL", ADMIN_EMAIL);
    env.put("TOKENSMITH_ADMIN_PASSWORD", ADMIN_PASSWORD);
    // The cheapest Argon2id: a password check costs next to nothing in tests.
    env.put("TOKENSMITH_PASSWORD_MEMORY_KIB", "64");
    env.put("TOKENSMITH_PASSWORD_PASSES", "1");
    env.put("TOKENSMITH_EVENT_LOOPS", "1");
    env.put("TOKENSMITH_JOB_INTERVAL_SECONDS", "3600");
    // Notices are sent when a test says so (app.deliverNotices()), at the test clock's time.
    env.put("TOKENSMITH_OUTBOX_POLL_SECONDS", "3600");
    // No load balancer to tell: a test's server stops at once.
    env.put("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS", "0");
    env.put("TOKENSMITH_AUTH_FAILURES_PER_MINUTE", "1000000");
    env.put("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", "1000000");
    if (extra.keySet().stream()
        .noneMatch(name -> name.contains("KEY") || name.contains("PEPPER"))) {
      env.putAll(database.keys());
    }
    env.putAll(extra);
    try {
      this.app = new App(Settings.from(env), clock).start();
    } catch (Exception e) {
      if (ownsDatabase) {
        database.close();
      }
      throw new IllegalStateException("test server did not start", e);
    }
    this.http = new Http("http://127.0.0.1:" + app.port());
  }

  public static TestServer start() {
    return new TestServer(Map.of(), TestDatabase.create(), true);
  }

  public static TestServer start(Map<String, String> settings) {
    return new TestServer(settings, TestDatabase.create(), true);
  }

  /**
   * A server on a database the test owns (several instances on one database); closing it keeps the
   * database.
   */
  public static TestServer startOn(TestDatabase database, Map<String, String> settings) {
    return new TestServer(settings, database, false);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + app.port();
  }

  /** Logs in and returns the session (fails the test when the login fails). */
  public Auth.Session login(String email, String password) {
    Response response =
        http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
    assertThat(response.status()).as("login of %s: %s", email, response).isEqualTo(200);
    String cookie =
        response.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("tks_session="))
            .findFirst()
            .orElseThrow();
    String value = cookie.substring("tks_session=".length(), cookie.indexOf(';'));
    return new Auth.Session(
        value,
        response.body().path("csrf_token").asText(),
        response.body().path("id").asLong(),
        response.body().path("client_id").asLong());
  }

  /**
   * The first Global Administrator's session (a new one once the test clock has moved past an
   * hour).
   */
  public Auth.Session admin() {
    if (admin == null || clock.instant().isAfter(adminLoginAt.plus(Duration.ofHours(1)))) {
      admin = login(ADMIN_EMAIL, ADMIN_PASSWORD);
      adminLoginAt = clock.instant();
    }
    return admin;
  }

  /** Every text stored in the database, table by table (for leak checks). */
  public String databaseText() {
    StringBuilder text = new StringBuilder();
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "partners",
              "clients",
              "users",
              "sessions",
              "password_links",
              "api_tokens",
              "api_token_secrets",
              "activity",
              "job_leases",
              "nodes",
              "node_instances",
              "notices",
              "token_expiry_notices",
              "legacy_credentials",
              "webhooks")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              text.append(rs.getString(i)).append('\t');
            }
            text.append('\n');
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** Fails when any secret handed out so far appears in this database or the log file. */
  public void assertNoSecretLeaked() {
    assertThat(SecretLedger.findIn(databaseText())).as("a secret stored in plain text").isNull();
    try {
      String log = Files.exists(LOG_FILE) ? Files.readString(LOG_FILE) : "";
      assertThat(SecretLedger.findIn(log)).as("a secret in the log").isNull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      assertNoSecretLeaked();
    } finally {
      app.close();
      if (ownsDatabase) {
        database.close();
      }
    }
  }
}
