package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Raising {@code TOKENSMITH_PASSWORD_ITERATIONS} (spec 4.1): a password hashed before still logs
 * in, and its hash is replaced with one of the new count at that login (not at a failed one).
 */
@UsesDatabase
class PasswordRehashIT {

  @Test
  void loginWhenServerRestartedWithMoreIterationsThenOldHashLogsInAndIsRehashed() throws Exception {
    try (TestDatabase database = TestDatabase.create()) {
      Map<String, String> keys = sharedKeys();
      TestUser user;
      try (TestServer before = TestServer.startOn(database, keys)) {
        Fixtures fixtures = new Fixtures(before);
        user = fixtures.user(fixtures.tenant("Rehash"), "analytic");
      }
      assertThat(passwordHash(database, user.email())).startsWith("pbkdf2-sha256$1000$");

      Map<String, String> raised = new HashMap<>(keys);
      raised.put("TOKENSMITH_PASSWORD_ITERATIONS", "2000");
      try (TestServer after = TestServer.startOn(database, raised)) {
        assertThat(
                after
                    .http
                    .post(
                        "/v1/login",
                        Auth.NONE,
                        Map.of("email", user.email(), "password", "wrong-password"))
                    .status())
            .isEqualTo(401);
        assertThat(passwordHash(database, user.email()))
            .as("a failed login changes nothing")
            .startsWith("pbkdf2-sha256$1000$");

        after.login(user.email(), Fixtures.PASSWORD);

        assertThat(passwordHash(database, user.email())).startsWith("pbkdf2-sha256$2000$");
        Auth.Session again = after.login(user.email(), Fixtures.PASSWORD);
        assertThat(after.http.get("/v1/user", again).body().path("email").asText())
            .isEqualTo(user.email());
        assertThat(
                after
                    .http
                    .post(
                        "/v1/login",
                        Auth.NONE,
                        Map.of("email", user.email(), "password", "wrong-password"))
                    .status())
            .isEqualTo(401);
      }
    }
  }

  // Both servers use one master key and pepper, as instances of one installation do.
  private static Map<String, String> sharedKeys() {
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

  private static String passwordHash(TestDatabase database, String email) throws SQLException {
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        PreparedStatement s =
            c.prepareStatement("SELECT password_hash FROM users WHERE email = ?")) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("user %s", email).isTrue();
        return rs.getString(1);
      }
    }
  }
}
