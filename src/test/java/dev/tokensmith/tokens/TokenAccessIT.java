package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may see and do what with tokens: rules T1–T4. */
@UsesDatabase
@WithServer
class TokenAccessIT {
  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static TestUser analyst;
  static TestUser otherAnalyst;

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Access");
    admin = fixtures.user(tenant, "admin");
    analyst = fixtures.user(tenant, "analytic");
    otherAnalyst = fixtures.user(tenant, "analytic");
  }

  @Test
  void tokenEndpointsWhenRoleHasNoTokenSectionThenForbidden() {
    for (String role : List.of("auditor", "api_developer", "deploy")) {
      TestUser user = fixtures.user(tenant, role);
      assertThat(server.http.get("/v2/api_tokens", user.session()).status())
          .as(role)
          .isEqualTo(403);
      assertThat(
              server
                  .http
                  .post(
                      "/v2/api_tokens",
                      user.session(),
                      Map.of("realname", "x", "permissions", List.of("dashboard:view")))
                  .status())
          .as(role)
          .isEqualTo(403);
    }
    TestUser custom = fixtures.user(tenant, List.of("dashboard:view", "attacks:view"));
    assertThat(server.http.get("/v2/api_tokens", custom.session()).status()).isEqualTo(403);
  }

  @Test
  void tokenEndpointsWhenCustomUserHasTokenSectionThenAllowedWithinOwnRights() {
    TestUser custom =
        fixtures.user(tenant, List.of("api_tokens:view", "api_tokens:create", "attacks:view"));
    assertThat(server.http.get("/v2/api_tokens", custom.session()).status()).isEqualTo(200);
    Response ok =
        server.http.post(
            "/v2/api_tokens",
            custom.session(),
            Map.of("realname", "mine", "permissions", List.of("attacks:view")));
    assertThat(ok.status()).isEqualTo(200);
    Response wider =
        server.http.post(
            "/v2/api_tokens",
            custom.session(),
            Map.of("realname", "wider", "permissions", List.of("attacks:view", "attacks:delete")));
    assertThat(wider.status()).isEqualTo(400);
    assertThat(wider.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
  }

  @Test
  void createWhenAnalystAsksForAdminPresetThenPermissionsNotAllowed() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            analyst.session(),
            Map.of("realname", "too much", "permissions", List.of("admin")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
    assertThat(
            server
                .http
                .get("/v2/api_tokens", analyst.session())
                .body()
                .findValuesAsText("realname"))
        .doesNotContain("too much");
  }

  @Test
  void createWhenAnalystCustomListWiderThanOwnThenPermissionsNotAllowed() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            analyst.session(),
            Map.of("realname", "wide", "permissions", List.of("attacks:view", "users:view")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
  }

  @Test
  void createWhenAnalystPresetFitsThenCreatedWithSecretOnce() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            analyst.session(),
            Map.of("realname", "analyst preset", "permissions", List.of("analytic")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("secret").asText()).hasSize(64);
    assertThat(r.body().path("source_role").asText()).isEqualTo("analytic");
    assertThat(r.body().path("user_id").asLong()).isEqualTo(analyst.id());
    Response again = server.http.get("/v2/api_tokens/" + r.id(), analyst.session());
    assertThat(again.body().has("secret")).isFalse();
    assertThat(again.body().path("secret_hint").asText())
        .isEqualTo(
            r.body().path("secret").asText().substring(0, 4)
                + "..."
                + r.body().path("secret").asText().substring(60));
  }

  @Test
  void createWhenUserIdNamesSomeoneElseThenNotAllowed() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of(
                "realname",
                "for him",
                "permissions",
                List.of("analytic"),
                "user_id",
                analyst.id()));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("user_id").path("error").asText()).isEqualTo("not_allowed");
  }

  @Test
  void sharedTokenWhenCreatedByNonAdminThenForbidden() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            analyst.session(),
            Map.of("realname", "shared", "permissions", List.of("analytic"), "shared", true));
    assertThat(r.status()).isEqualTo(403);
  }

  @Test
  void sharedTokenWhenNonAdminLooksThenInvisibleEverywhere() {
    Issued shared = fixtures.sharedToken(admin.session(), List.of("analytic"));
    assertThat(server.http.get("/v2/api_tokens", analyst.session()).body().findValues("id"))
        .extracting(JsonNode::asLong)
        .doesNotContain(shared.id());
    assertThat(server.http.get("/v2/api_tokens?shared=true", analyst.session()).body().size())
        .isZero();
    assertThat(server.http.get("/v2/api_tokens/" + shared.id(), analyst.session()).status())
        .isEqualTo(404);
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + shared.id() + "/secret", analyst.session())
                .status())
        .isEqualTo(404);
    assertThat(server.http.delete("/v2/api_tokens/" + shared.id(), analyst.session()).status())
        .isEqualTo(404);
  }

  @Test
  void sharedTokenWhenAnyAdminOfClientThenSeesManagesAndReadsSecret() {
    Issued shared = fixtures.sharedToken(admin.session(), List.of("analytic"));
    TestUser secondAdmin = fixtures.user(tenant, "admin");
    Response token = server.http.get("/v2/api_tokens/" + shared.id(), secondAdmin.session());
    assertThat(token.status()).isEqualTo(200);
    assertThat(token.body().path("user_id").isNull()).isTrue();
    assertThat(token.body().path("shared").asBoolean()).isTrue();
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + shared.id() + "/secret", secondAdmin.session())
                .body()
                .path("secret")
                .asText())
        .isEqualTo(shared.secret());
    assertThat(
            server.http.get("/v2/api_tokens/" + shared.id() + "/secret", server.admin()).status())
        .isEqualTo(200);
    // A shared token reports its creator.
    Response me = server.http.get("/v1/user", shared.auth());
    assertThat(me.body().path("id").asLong()).isEqualTo(admin.id());
    assertThat(me.body().path("api_token").path("shared").asBoolean()).isTrue();
  }

  @Test
  void listWhenNonAdminThenOnlyOwnTokens() {
    Issued mine = fixtures.token(analyst.session(), List.of("analytic"));
    Issued theirs = fixtures.token(otherAnalyst.session(), List.of("analytic"));
    List<Long> seen =
        server.http.get("/v2/api_tokens", analyst.session()).body().findValues("id").stream()
            .map(JsonNode::asLong)
            .toList();
    assertThat(seen).contains(mine.id()).doesNotContain(theirs.id());
    assertThat(
            server
                .http
                .get("/v2/api_tokens?user_id=" + otherAnalyst.id(), analyst.session())
                .body()
                .size())
        .isZero();
    assertThat(server.http.get("/v2/api_tokens/" + theirs.id(), analyst.session()).status())
        .isEqualTo(404);
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + theirs.id(), analyst.session(), Map.of("enabled", false))
                .status())
        .isEqualTo(404);
  }

  @Test
  void listWhenAdminThenEveryTokenOfClientWithFilters() {
    Issued theirs = fixtures.token(otherAnalyst.session(), List.of("analytic"));
    Issued shared = fixtures.sharedToken(admin.session(), List.of("admin"));
    List<Long> all =
        server
            .http
            .get("/v2/api_tokens?limit=1000", admin.session())
            .body()
            .findValues("id")
            .stream()
            .map(JsonNode::asLong)
            .toList();
    assertThat(all).contains(theirs.id(), shared.id());
    assertThat(
            server
                .http
                .get("/v2/api_tokens?shared=true&limit=1000", admin.session())
                .body()
                .findValues("shared"))
        .allMatch(JsonNode::asBoolean);
    assertThat(
            server
                .http
                .get("/v2/api_tokens?user_id=" + otherAnalyst.id(), admin.session())
                .body()
                .findValues("user_id"))
        .extracting(JsonNode::asLong)
        .containsOnly(otherAnalyst.id());
  }

  @Test
  void listWhenFilterGivenAsJsonBodyThenApplied() {
    Issued shared = fixtures.sharedToken(admin.session(), List.of("admin"));
    Response r =
        server.http.send(
            "GET",
            "/v2/api_tokens",
            admin.session(),
            Map.of("filter", Map.of("shared", true, "limit", 1000)),
            Map.of());
    assertThat(r.body().findValues("id")).extracting(JsonNode::asLong).contains(shared.id());
    assertThat(r.body().findValues("shared")).allMatch(JsonNode::asBoolean);
  }

  @Test
  void secretWhenAdminReadsAnotherUsersPersonalTokenThenForbidden() {
    Issued theirs = fixtures.token(analyst.session(), List.of("analytic"));
    assertThat(server.http.get("/v2/api_tokens/" + theirs.id(), admin.session()).status())
        .isEqualTo(200);
    assertThat(
            server.http.get("/v2/api_tokens/" + theirs.id() + "/secret", admin.session()).status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .post("/v2/api_tokens/" + theirs.id() + "/secret", admin.session(), Map.of())
                .status())
        .isEqualTo(403);
    assertThat(
            server.http.get("/v2/api_tokens/" + theirs.id() + "/secret", server.admin()).status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + theirs.id() + "/secret", analyst.session())
                .body()
                .path("secret")
                .asText())
        .isEqualTo(theirs.secret());
  }

  @Test
  void manageWhenAdminThenUpdatesDisablesAndDeletesOthersTokens() {
    Issued theirs = fixtures.token(analyst.session(), List.of("analytic"));
    Response renamed =
        server.http.put(
            "/v2/api_tokens/" + theirs.id(), admin.session(), Map.of("realname", "renamed"));
    assertThat(renamed.body().path("realname").asText()).isEqualTo("renamed");
    Response disabled =
        server.http.put("/v2/api_tokens/" + theirs.id(), admin.session(), Map.of("enabled", false));
    assertThat(disabled.body().path("disabled_reason").asText()).isEqualTo("manual");
    assertThat(server.http.get("/v1/user", theirs.auth()).status()).isEqualTo(401);
    assertThat(server.http.delete("/v2/api_tokens/" + theirs.id(), admin.session()).status())
        .isEqualTo(200);
    assertThat(server.http.get("/v2/api_tokens/" + theirs.id(), analyst.session()).status())
        .isEqualTo(404);
  }

  @Test
  void tokenWhenOtherClientThenNotFoundAndNamedClientForbidden() {
    TestUser stranger = fixtures.otherPartnerAdmin();
    Issued theirs = fixtures.token(stranger.session(), List.of("partner_admin"));
    assertThat(server.http.get("/v2/api_tokens/" + theirs.id(), admin.session()).status())
        .isEqualTo(404);
    assertThat(server.http.get("/v2/api_tokens/" + theirs.id(), server.admin()).status())
        .isEqualTo(404);
    assertThat(
            server
                .http
                .get("/v2/api_tokens?client_id=" + stranger.clientId(), server.admin())
                .status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .post(
                    "/v2/api_tokens",
                    server.admin(),
                    Map.of(
                        "realname",
                        "x",
                        "client_id",
                        stranger.clientId(),
                        "permissions",
                        List.of("analytic")))
                .status())
        .isEqualTo(403);
  }

  @Test
  void tokenWhenGlobalAdminActsOnTenantThenTokenActsThere() {
    Issued tenantToken =
        fixtures.token(
            server.admin(),
            Map.of("realname", "for tenant", "client_id", tenant, "permissions", List.of("admin")));
    Response me = server.http.get("/v1/user", tenantToken.auth());
    assertThat(me.body().path("client_id").asLong()).isEqualTo(tenant);
    assertThat(
            server
                .http
                .post("/v1/objects/user", tenantToken.auth(), Map.of())
                .body()
                .findValues("clientid"))
        .extracting(JsonNode::asLong)
        .containsOnly(tenant);
  }
}
