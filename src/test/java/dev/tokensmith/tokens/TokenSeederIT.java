package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark seeding command writes tokens that verify like any other. */
@UsesDatabase
class TokenSeederIT {

  @Test
  void seedWhenRunThenPooledSecretsVerifyAndTokensAreListed(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start()) {
      Path pool = dir.resolve("pool.txt");
      server.app.seed(6_000, pool, 50);
      List<String> secrets = Files.readAllLines(pool);
      assertThat(secrets).hasSize(50).doesNotHaveDuplicates();
      for (String secret : secrets) {
        assertThat(server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).status())
            .isEqualTo(200);
      }
      assertThat(
              server
                  .http
                  .get("/v2/api_tokens?limit=1000&offset=5500", server.admin())
                  .body()
                  .size())
          .isEqualTo(500);
      for (String secret : secrets) {
        com.fasterxml.jackson.databind.JsonNode found =
            server.http.post("/v1/user", Auth.token(secret), null).body();
        assertThat(found.path("api_token").path("usage").asText()).isEqualTo("api");
      }
      // The ids the seeding took (on PostgreSQL in one query, the rows written with COPY) are
      // past: the next token made through the API gets an id of its own and is listed as seeded.
      com.fasterxml.jackson.databind.JsonNode made =
          server
              .http
              .post(
                  "/v2/api_tokens",
                  server.admin(),
                  Map.of("realname", "after \"seeding\"", "permissions", List.of("users:view")))
              .body();
      assertThat(made.path("id").asLong()).isGreaterThan(6_000);
      assertThat(
              server
                  .http
                  .post("/v2/auth/check", Auth.token(made.path("secret").asText()), Map.of())
                  .status())
          .isEqualTo(200);
      assertThat(
              server
                  .http
                  .get("/v2/api_tokens?limit=1&offset=10", server.admin())
                  .body()
                  .get(0)
                  .path("realname")
                  .asText())
          .startsWith("seeded ");
      Path analysts = dir.resolve("analysts.txt");
      server.app.seed(10, analysts, 10, Optional.of("analytic"), Optional.empty());
      String analyst = Files.readAllLines(analysts).get(0);
      com.fasterxml.jackson.databind.JsonNode checked =
          server.http.post("/v2/auth/check", Auth.token(analyst), Map.of()).body();
      assertThat(checked.path("permissions").toString())
          .contains("attacks:create")
          .doesNotContain("users:");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  server.app.seed(
                      1, dir.resolve("x.txt"), 1, Optional.of("custom"), Optional.empty()))
          .isInstanceOf(IllegalArgumentException.class);

      // A custom list: the tokens hold exactly it; a permission the catalogue lacks is refused.
      Path custom = dir.resolve("custom.txt");
      server.app.seed(3, custom, 3, Optional.empty(), Optional.of("users:view,activity_log:view"));
      com.fasterxml.jackson.databind.JsonNode listed =
          server
              .http
              .post("/v2/auth/check", Auth.token(Files.readAllLines(custom).get(0)), Map.of())
              .body();
      assertThat(listed.path("permissions").toString())
          .isEqualTo("[\"users:view\",\"activity_log:view\"]");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  server.app.seed(
                      1, dir.resolve("y.txt"), 1, Optional.empty(), Optional.of("invoices:view")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
