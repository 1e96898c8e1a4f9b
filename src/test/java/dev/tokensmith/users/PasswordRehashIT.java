package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
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
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Password hashes are Argon2id: a PBKDF2 hash of an earlier version still logs in and is replaced
 * by an Argon2id one at that login, as is an Argon2id hash after the cost was raised (never at a
 * failed login).
 */
@UsesDatabase
class PasswordRehashIT {

  @Test
  void loginWhenPbkdf2HashOfAnEarlierVersionThenLogsInAndIsRehashedToArgon2id() throws Exception {
    try (TestDatabase database = TestDatabase.create();
        TestServer server = TestServer.startOn(database, sharedKeys())) {
      Fixtures fixtures = new Fixtures(server);
      TestUser user = fixtures.user(fixtures.tenant("Legacy hash"), "analytic");
      String legacy = pbkdf2(Fixtures.PASSWORD, 1000);
      setPasswordHash(database, user.email(), legacy);

      assertThat(login(server, user.email(), "wrong-password").status()).isEqualTo(401);
      assertThat(passwordHash(database, user.email()))
          .as("a failed login changes nothing")
          .isEqualTo(legacy);

      server.login(user.email(), Fixtures.PASSWORD);

      assertThat(passwordHash(database, user.email())).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
      Auth.Session again = server.login(user.email(), Fixtures.PASSWORD);
      assertThat(server.http.get("/v1/user", again).body().path("email").asText())
          .isEqualTo(user.email());
      assertThat(login(server, user.email(), "wrong-password").status()).isEqualTo(401);
    }
  }

  @Test
  void loginWhenServerRestartedWithMoreMemoryThenOldHashLogsInAndIsRehashed() throws Exception {
    try (TestDatabase database = TestDatabase.create()) {
      Map<String, String> keys = sharedKeys();
      TestUser user;
      try (TestServer before = TestServer.startOn(database, keys)) {
        Fixtures fixtures = new Fixtures(before);
        user = fixtures.user(fixtures.tenant("Rehash"), "analytic");
      }
      assertThat(passwordHash(database, user.email())).startsWith("$argon2id$v=19$m=64,t=1,p=1$");

      Map<String, String> raised = new HashMap<>(keys);
      raised.put("TOKENSMITH_PASSWORD_MEMORY_KIB", "128");
      try (TestServer after = TestServer.startOn(database, raised)) {
        assertThat(login(after, user.email(), "wrong-password").status()).isEqualTo(401);
        assertThat(passwordHash(database, user.email()))
            .as("a failed login changes nothing")
            .startsWith("$argon2id$v=19$m=64,t=1,p=1$");

        after.login(user.email(), Fixtures.PASSWORD);

        assertThat(passwordHash(database, user.email()))
            .startsWith("$argon2id$v=19$m=128,t=1,p=1$");
        Auth.Session again = after.login(user.email(), Fixtures.PASSWORD);
        assertThat(after.http.get("/v1/user", again).body().path("email").asText())
            .isEqualTo(user.email());
        assertThat(login(after, user.email(), "wrong-password").status()).isEqualTo(401);
      }
    }
  }

  private static Response login(TestServer server, String email, String password) {
    return server.http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
  }

  // A hash as versions before Argon2id wrote them.
  private static String pbkdf2(String password, int iterations) throws Exception {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    byte[] hash =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
            .getEncoded();
    return "pbkdf2-sha256$%d$%s$%s"
        .formatted(
            iterations,
            Base64.getEncoder().encodeToString(salt),
            Base64.getEncoder().encodeToString(hash));
  }

  private static void setPasswordHash(TestDatabase database, String email, String hash)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        PreparedStatement s =
            c.prepareStatement("UPDATE users SET password_hash = ? WHERE email = ?")) {
      s.setString(1, hash);
      s.setString(2, email);
      assertThat(s.executeUpdate()).isEqualTo(1);
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
