package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a login takes (spec 4.1): only a JSON body, so that a cross-site HTML form cannot log a
 * browser in; and what a failed one leaves in the activity log (spec 4.8): the e-mail only when it
 * is one, never a secret pasted into the field.
 */
@UsesDatabase
@WithServer
class LoginRequestIT {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String RIGHT =
      "{\"email\":\""
          + TestServer.ADMIN_EMAIL
          + "\",\"password\":\""
          + TestServer.ADMIN_PASSWORD
          + "\"}";

  static TestServer server;

  @Test
  void loginWhenBodyIsNotDeclaredJsonThen415AndNothingChanges() throws Exception {
    String form =
        "email="
            + TestServer.ADMIN_EMAIL.replace("@", "%40")
            + "&password="
            + TestServer.ADMIN_PASSWORD;
    Map<String, String> refused =
        Map.of(
            "application/x-www-form-urlencoded", form,
            "text/plain", RIGHT,
            "multipart/form-data; boundary=x", RIGHT,
            "application/jsonp", RIGHT,
            "", RIGHT);
    String before = server.databaseText();

    for (Map.Entry<String, String> sent : refused.entrySet()) {
      HttpResponse<String> answer = post(sent.getKey(), sent.getValue());

      assertThat(answer.statusCode())
          .as("Content-Type '%s': %s", sent.getKey(), answer.body())
          .isEqualTo(415);
      assertThat(answer.body()).isEqualTo("{\"status\":415,\"body\":\"Unsupported Media Type\"}");
      assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
    }
    assertThat(server.databaseText()).as("no session, no activity record").isEqualTo(before);
  }

  @Test
  void loginWhenJsonWithParametersOrOtherCaseThenLoggedIn() throws Exception {
    for (String type :
        List.of(
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8")) {
      HttpResponse<String> answer = post(type, RIGHT);

      assertThat(answer.statusCode())
          .as("Content-Type '%s': %s", type, answer.body())
          .isEqualTo(200);
      assertThat(answer.headers().allValues("Set-Cookie"))
          .anySatisfy(c -> assertThat(c).startsWith("tks_session="));
    }
  }

  @Test
  void loginWhenEmailFieldHoldsASecretThenRecordedAsInvalidAndStoredNowhere() throws Exception {
    String token = TestSecrets.unknown("tks1");
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String hex = HexFormat.of().formatHex(random);

    for (String secret : List.of(token, hex)) {
      assertThat(secret).hasSize(64);
      Response refused =
          server.http.post("/v1/login", Auth.NONE, Map.of("email", secret, "password", "x"));

      assertThat(refused.status()).as("%s", refused).isEqualTo(401);
      assertThat(lastFailedLogin()).containsExactly("(invalid)", "(invalid)");
      assertThat(server.databaseText()).doesNotContain(secret);
    }
  }

  @Test
  void loginWhenUnknownEmailWellFormedThenRecordedAsTyped() throws Exception {
    String email = "Nobody.Here@example.com";

    assertThat(
            server
                .http
                .post("/v1/login", Auth.NONE, Map.of("email", email, "password", "x"))
                .status())
        .isEqualTo(401);

    assertThat(lastFailedLogin()).containsExactly(email, email);
  }

  private static HttpResponse<String> post(String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/login"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!contentType.isEmpty()) {
      request.header("Content-Type", contentType);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The object name and actor name of the newest failed login. */
  private static List<String> lastFailedLogin() throws SQLException {
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT object_name, actor_name FROM activity WHERE action = 'login_failed' "
                    + "ORDER BY id DESC LIMIT 1")) {
      assertThat(rs.next()).as("a failed login recorded").isTrue();
      return List.of(rs.getString(1), rs.getString(2));
    }
  }
}
