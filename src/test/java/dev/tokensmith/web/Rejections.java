package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks for refused requests: the spec's envelope with the right status and body, and a database
 * that is exactly as it was before (login records aside, which a failed login is meant to leave).
 */
final class Rejections implements AutoCloseable {
  // The spec's codes, with those of passwords and one-time codes.
  static final Set<String> FIELD_CODES =
      Set.of(
          "required",
          "invalid",
          "too_long",
          "not_allowed",
          "in_past",
          "too_short",
          "too_common",
          "same_as_email",
          "expired",
          "used");
  private static final List<String> TABLES =
      List.of(
          "partners",
          "clients",
          "users",
          "sessions",
          "api_tokens",
          "api_token_secrets",
          "job_leases");

  private final TestServer server;
  private Connection connection;

  Rejections(TestServer server) {
    this.server = server;
  }

  /** Sends a request and asserts that the database did not change while it ran. */
  Response unchanged(Supplier<Response> request) {
    String before = state();
    Response response = request.get();
    assertThat(state()).as("the database after a refused request: %s", response).isEqualTo(before);
    return response;
  }

  /** Asserts a refused request's envelope: the status and the spec's body for it. */
  static void assertStatus(Response r, int status) {
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    assertEnvelope(r);
    switch (status) {
      case 401 -> assertThat(r.body().asText()).isEqualTo("Unauthorized");
      case 403 -> assertThat(r.body().asText()).isEqualTo("Check permissions failed");
      case 404 -> assertThat(r.body().asText()).isEqualTo("Not found");
      case 413 -> assertThat(r.body().isTextual()).as("%s", r).isTrue();
      default -> {}
    }
  }

  /** Asserts a 400 naming {@code field} with {@code code}. */
  static void assertField(Response r, String field, String code) {
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertEnvelope(r);
    assertThat(r.body().path(field).path("error").asText()).as("%s", r).isEqualTo(code);
    assertThat(r.body().path(field).has("value")).as("%s", r).isTrue();
  }

  /**
   * Any answer: JSON {@code {"status": <the HTTP status>, "body": …}}; a 400 body names fields with
   * spec codes.
   */
  static void assertEnvelope(Response r) {
    assertThat(r.json()).as("a JSON envelope: %s", r).isNotNull();
    assertThat(r.json().path("status").isInt()).as("%s", r).isTrue();
    assertThat(r.json().path("status").asInt()).as("%s", r).isEqualTo(r.status());
    assertThat(r.json().has("body")).as("%s", r).isTrue();
    assertThat(r.header("Content-Type")).startsWith("application/json");
    if (r.status() == 400 && r.body().isObject()) {
      assertThat(r.body().size()).as("%s", r).isPositive();
      r.body()
          .fields()
          .forEachRemaining(
              field -> {
                JsonNode error = field.getValue();
                assertThat(error.path("error").asText()).as("%s", r).isIn(FIELD_CODES);
                assertThat(error.has("value")).as("%s", r).isTrue();
              });
    }
  }

  /** Every row of every table, and how many activity records there are but login ones, as text. */
  String state() {
    StringBuilder text = new StringBuilder();
    try (Statement s = connection().createStatement()) {
      for (String table : TABLES) {
        dump(s, "SELECT * FROM " + table + " ORDER BY 1", text.append(table).append('\n'));
      }
      // Activity records are only ever appended: their count and last id say whether one was added.
      dump(
          s,
          "SELECT COUNT(*), MAX(id) FROM activity WHERE action NOT IN ('login', 'login_failed')",
          text.append("activity\n"));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = DriverManager.getConnection(server.database.url(), server.database.user(), "");
    }
    return connection;
  }

  /** Closes the connection the snapshots read through (before the server drops its database). */
  @Override
  public void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void dump(Statement s, String sql, StringBuilder text) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          text.append(rs.getString(i)).append('\t');
        }
        text.append('\n');
      }
    }
  }
}
