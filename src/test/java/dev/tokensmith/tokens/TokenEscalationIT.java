package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
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

/**
 * A reduced token never obtains a stronger one: a request made with a token reads or renews the
 * secret of, creates, or widens only tokens within that token's own permissions. Every path that
 * hands out a secret is tried. A person (a Console session) is not limited this way.
 */
@UsesDatabase
@WithServer
class TokenEscalationIT {
  static TestServer server;
  static Fixtures fixtures;
  static TestUser admin;
  static Issued full;
  static Issued shared;
  static Issued viewOnly;
  static Issued updater;

  @BeforeAll
  static void seed() {
    long tenant = fixtures.tenant("Escalation");
    admin = fixtures.user(tenant, "admin");
    full = fixtures.token(admin.session(), List.of("admin"));
    shared = fixtures.sharedToken(admin.session(), List.of("admin"));
    viewOnly = fixtures.token(admin.session(), List.of("api_tokens:view"));
    updater = fixtures.token(admin.session(), List.of("api_tokens:view", "api_tokens:update"));
  }

  private static Response readSecret(Auth caller, Issued token) {
    return server.http.get("/v2/api_tokens/" + token.id() + "/secret", caller);
  }

  private static Response renew(Auth caller, Issued token) {
    return server.http.post("/v2/api_tokens/" + token.id() + "/secret", caller, Map.of());
  }

  private static boolean verifies(String secret) {
    return server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).status() == 200;
  }

  @Test
  void readSecretWhenTargetIsStrongerThanTheCallingTokenThenForbidden() {
    assertThat(readSecret(viewOnly.auth(), full).status()).isEqualTo(403);
    assertThat(readSecret(viewOnly.auth(), shared).status()).isEqualTo(403);
    assertThat(readSecret(updater.auth(), full).status()).isEqualTo(403);
    assertThat(readSecret(updater.auth(), shared).status()).isEqualTo(403);
  }

  @Test
  void readSecretWhenTargetIsWithinTheCallingTokenThenAllowed() {
    assertThat(readSecret(viewOnly.auth(), viewOnly).body().path("secret").asText())
        .isEqualTo(viewOnly.secret());
    assertThat(readSecret(updater.auth(), viewOnly).body().path("secret").asText())
        .isEqualTo(viewOnly.secret());
    assertThat(readSecret(full.auth(), shared).body().path("secret").asText())
        .isEqualTo(shared.secret());
  }

  @Test
  void renewWhenTargetIsStrongerThanTheCallingTokenThenForbiddenAndTheSecretStays() {
    Response renewed = renew(updater.auth(), full);
    assertThat(renewed.status()).isEqualTo(403);
    assertThat(renewed.body().has("secret")).isFalse();
    assertThat(renew(updater.auth(), shared).status()).isEqualTo(403);
    assertThat(verifies(full.secret())).isTrue();
    assertThat(verifies(shared.secret())).isTrue();
  }

  @Test
  void renewWhenTargetIsWithinTheCallingTokenThenAllowed() {
    Issued weak = fixtures.token(admin.session(), List.of("api_tokens:view"));
    Response renewed = renew(updater.auth(), weak);
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(verifies(renewed.body().path("secret").asText())).isTrue();
  }

  @Test
  void createWhenAskingMoreThanTheCallingTokenThenNotAllowed() {
    Issued creator =
        fixtures.token(
            admin.session(), List.of("api_tokens:view", "api_tokens:create", "attacks:view"));
    for (List<String> wider :
        List.of(
            List.of("admin"),
            List.of("attacks:view", "attacks:delete"),
            List.of("api_tokens:view", "api_tokens:update"))) {
      Response r =
          server.http.post(
              "/v2/api_tokens", creator.auth(), Map.of("realname", "wider", "permissions", wider));
      assertThat(r.status()).as("%s", wider).isEqualTo(400);
      assertThat(r.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
    }
    Response within =
        server.http.post(
            "/v2/api_tokens",
            creator.auth(),
            Map.of("realname", "within", "permissions", List.of("attacks:view")));
    assertThat(within.status()).isEqualTo(200);
  }

  @Test
  void widenWhenBeyondTheCallingTokenThenNotAllowed() {
    Issued weak = fixtures.token(admin.session(), List.of("api_tokens:view"));
    Response r =
        server.http.put(
            "/v2/api_tokens/" + weak.id(), updater.auth(), Map.of("permissions", List.of("admin")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + weak.id(), admin.session())
                .body()
                .path("permissions"))
        .hasSize(1);
  }

  @Test
  void updateWhenItWouldWidenAStrongerTokensReachThenForbiddenAndNothingChanges() {
    Issued strong =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "strong",
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("10.1.0.0/16"),
                "expire_at",
                "2099-01-01T00:00:00.000Z"));
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + strong.id(), admin.session(), Map.of("enabled", false))
                .status())
        .isEqualTo(200);
    Map<String, Object> enable = new java.util.HashMap<>();
    enable.put("enabled", true);
    enable.put("expire_at", null);
    for (Map<String, Object> widening :
        List.<Map<String, Object>>of(
            enable,
            Map.of("allowed_ips", List.of()),
            Map.<String, Object>of("expire_at", "2100-01-01T00:00:00.000Z"))) {
      Response r = server.http.put("/v2/api_tokens/" + strong.id(), updater.auth(), widening);
      assertThat(r.status()).as("%s", widening).isEqualTo(403);
    }
    Response seen = server.http.get("/v2/api_tokens/" + strong.id(), admin.session());
    assertThat(seen.body().path("enabled").asBoolean()).isFalse();
    assertThat(seen.body().path("allowed_ips")).hasSize(1);
    assertThat(seen.body().path("expire_at").asText()).isEqualTo("2099-01-01T00:00:00.000Z");
  }

  @Test
  void updateWhenItDisablesRenamesOrNarrowsAStrongerTokenThenAllowed() {
    Issued strong = fixtures.token(admin.session(), List.of("admin"));
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + strong.id(), updater.auth(), Map.of("realname", "renamed"))
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .put(
                    "/v2/api_tokens/" + strong.id(),
                    updater.auth(),
                    Map.of("permissions", List.of("api_tokens:view")))
                .status())
        .isEqualTo(200);
    Issued other = fixtures.token(admin.session(), List.of("admin"));
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + other.id(), updater.auth(), Map.of("enabled", false))
                .status())
        .isEqualTo(200);
    assertThat(verifies(other.secret())).isFalse();
  }

  @Test
  void secretWhenAskedByThePersonThenNotLimitedByAnyToken() {
    assertThat(readSecret(admin.session(), full).body().path("secret").asText())
        .isEqualTo(full.secret());
    assertThat(readSecret(admin.session(), shared).body().path("secret").asText())
        .isEqualTo(shared.secret());
  }
}
