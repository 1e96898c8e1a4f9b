package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.App;
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

  @Test
  void seedWhenOwnersAreAskedThenNewHoldersOfTheRoleOwnTheTokensInTurn(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start()) {
      int analystsBefore = analysts(server);
      Path pool = dir.resolve("holders.txt");
      server.app.seed(
          7,
          pool,
          7,
          Optional.empty(),
          Optional.of("attacks:view,attacks:create"),
          new App.SeedOwners(Optional.empty(), 3, "analytic"),
          TokenSeeder.Kind.ENABLED,
          null);
      Map<Long, Integer> tokensOf = new java.util.TreeMap<>();
      for (String secret : Files.readAllLines(pool)) {
        com.fasterxml.jackson.databind.JsonNode checked =
            server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).body();
        assertThat(checked.path("permissions").toString())
            .isEqualTo("[\"attacks:view\",\"attacks:create\"]");
        tokensOf.merge(checked.path("user_id").asLong(), 1, Integer::sum);
      }
      assertThat(tokensOf.values()).containsExactly(3, 2, 2);
      for (long userId : tokensOf.keySet()) {
        com.fasterxml.jackson.databind.JsonNode user =
            server
                .http
                .post(
                    "/v1/objects/user",
                    server.admin(),
                    Map.of("filter", Map.of("id", userId), "limit", 1))
                .body()
                .get(0);
        assertThat(user.path("role").asText()).isEqualTo("analytic");
        assertThat(user.path("enabled").asBoolean()).isTrue();
      }
      // Each seeded row holds its owner's name: by owner's name, one holder's tokens after another
      // (holders are named in the order they are made), not in turn as they were dealt.
      List<Long> byOwnerName = new java.util.ArrayList<>();
      server
          .http
          .get("/v2/api_tokens?order_by=user_realname&limit=100", server.admin())
          .body()
          .forEach(t -> byOwnerName.add(t.path("user_id").asLong()));
      byOwnerName.retainAll(tokensOf.keySet());
      assertThat(byOwnerName).hasSize(7).isSorted();

      // What the role does not hold, and the custom role, are refused before anything is written.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  server.app.seed(
                      1,
                      dir.resolve("x.txt"),
                      1,
                      Optional.empty(),
                      Optional.of("users:view"),
                      new App.SeedOwners(Optional.empty(), 2, "analytic"),
                      TokenSeeder.Kind.ENABLED,
                      null))
          .isInstanceOf(IllegalArgumentException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  server.app.seed(
                      1,
                      dir.resolve("y.txt"),
                      1,
                      Optional.of("analytic"),
                      Optional.empty(),
                      new App.SeedOwners(Optional.empty(), 2, "custom"),
                      TokenSeeder.Kind.ENABLED,
                      null))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(analysts(server)).isEqualTo(analystsBefore + 3);
    }
  }

  private static int analysts(TestServer server) {
    return server
        .http
        .post(
            "/v1/objects/user",
            server.admin(),
            Map.of("filter", Map.of("role", "analytic"), "limit", 1000))
        .body()
        .size();
  }
}
