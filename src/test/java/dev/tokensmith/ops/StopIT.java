package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.config.Settings;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop (SIGTERM) writes what the server collected in memory before the database closes, and
 * exits 0. Runs on the embedded default database and, in the PostgreSQL run, on PostgreSQL.
 */
@UsesDatabase
class StopIT {
  @TempDir Path dir;

  @Test
  void sigtermWhenTokenWasUsedThenLastUsedWrittenAndExitZero() throws Exception {
    TestDatabase database = TestDatabase.postgresqlSelected() ? TestDatabase.create() : null;
    try {
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      long tokenId;
      int exitCode;
      try (ChildServer server = ChildServer.start(config)) {
        Response created =
            server.http.post(
                "/v2/api_tokens",
                server.admin(),
                Map.of("realname", "used once", "permissions", List.of("partner_admin")));
        tokenId = created.id();
        Response used =
            server.http.post(
                "/v2/auth/check", Auth.token(created.body().path("secret").asText()), Map.of());
        assertThat(used.status()).as("%s", used).isEqualTo(200);
        exitCode = server.stop();
        assertThat(server.output()).doesNotContain("could not record token usage");
      }

      assertThat(exitCode).isZero();
      Settings settings = Settings.from(config.environment());
      try (Connection c = DriverManager.getConnection(settings.dbUrl(), settings.dbUser(), "");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT last_used_at, last_used_ip FROM api_tokens WHERE id = ?")) {
        s.setLong(1, tokenId);
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getObject("last_used_at")).as("last_used_at").isNotNull();
          assertThat(rs.getString("last_used_ip")).isEqualTo("127.0.0.1");
        }
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }
}
