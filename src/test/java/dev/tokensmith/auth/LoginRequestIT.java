package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.tokens.TokenSecret;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a failed login leaves in the activity log (spec 4.8): the e-mail only when it is one, never
 * a secret pasted into the field.
 */
class LoginRequestIT {
  @AutoClose
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @Test
  void loginWhenEmailFieldHoldsASecretThenRecordedAsInvalidAndStoredNowhere() throws Exception {
    String token = TokenSecret.generate("tks1", new SecureRandom());
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String hex = HexFormat.of().formatHex(random);

    for (String secret : List.of(token, hex)) {
      assertThat(secret).hasSize(64);
      Response refused = server.http.post("/v1/login", Auth.NONE, Map.of("email", secret, "password", "x"));

      assertThat(refused.status()).as("%s", refused).isEqualTo(401);
      assertThat(lastFailedLogin()).containsExactly("(invalid)", "(invalid)");
      assertThat(server.databaseText()).doesNotContain(secret);
    }
  }

  @Test
  void loginWhenUnknownEmailWellFormedThenRecordedAsTyped() throws Exception {
    String email = "Nobody.Here@example.com";

    assertThat(server.http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", "x")).status())
        .isEqualTo(401);

    assertThat(lastFailedLogin()).containsExactly(email, email);
  }

  /** The object name and actor name of the newest failed login. */
  private static List<String> lastFailedLogin() throws SQLException {
    try (Connection c = DriverManager.getConnection(server.database.url(), server.database.user(), "");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT object_name, actor_name FROM activity WHERE action = 'login_failed' "
             + "ORDER BY id DESC LIMIT 1")) {
      assertThat(rs.next()).as("a failed login recorded").isTrue();
      return List.of(rs.getString(1), rs.getString(2));
    }
  }
}
