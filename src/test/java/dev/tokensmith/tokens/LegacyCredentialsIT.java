package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.LegacyPairs;
import dev.tokensmith.testing.LegacyPairs.Pair;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Legacy credentials (4.5): import, the pair on every authenticated path, and its end. */
@UsesDatabase
@WithServer(routes = "GET /api/attacks/** attacks:view")
class LegacyCredentialsIT {
  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Legacy");
    admin = fixtures.user(tenant, "admin");
  }

  private static Response importPair(Auth caller, long userId, Object body) {
    return server.http.post("/v2/user/" + userId + "/legacy_credentials", caller, body);
  }

  private static Response imported(TestUser user, Pair pair) {
    Response r =
        importPair(
            admin.session(), user.id(), Map.of("uuid", pair.uuid(), "secret", pair.secret()));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r;
  }

  private static int check(Auth auth) {
    return server.http.post("/v2/auth/check", auth, Map.of()).status();
  }

  private static JsonNode pairEnds(long tokenId) {
    Response log =
        server.http.get("/v2/activity_log?object_type=api_token&limit=1000", admin.session());
    assertThat(log.status()).isEqualTo(200);
    for (JsonNode record : log.body()) {
      if (record.path("object_id").asLong() == tokenId
          && record.path("changes").has("legacy_pair")
          && record.path("action").asText().equals("update")) {
        return record;
      }
    }
    throw new AssertionError("no end of the legacy pair of token " + tokenId + ": " + log);
  }

  @Test
  void importWhenAdminThenPairAuthenticatesEverywhereAsTheBackwardCompatibleToken() {
    TestUser analyst = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();

    Response created = imported(analyst, pair);

    JsonNode token = created.body();
    assertThat(token.path("legacy").asBoolean()).isTrue();
    assertThat(token.path("legacy_pair_active").asBoolean()).isTrue();
    assertThat(token.path("source_role").asText()).isEqualTo("analytic");
    assertThat(token.path("permissions").isNull()).as("%s", token).isTrue();
    assertThat(token.path("user_id").asLong()).isEqualTo(analyst.id());
    // The value goes to its owner alone, never to the administrator who imported the pair.
    assertThat(token.has("secret")).as("%s", token).isFalse();
    String value =
        server
            .http
            .get("/v2/api_tokens/" + created.id() + "/secret", analyst.session())
            .body()
            .path("secret")
            .asText();
    assertThat(value).hasSize(64);
    assertThat(created.text()).doesNotContain(pair.secret());

    Response me = server.http.get("/v1/user", pair.auth());
    assertThat(me.status()).as("%s", me).isEqualTo(200);
    assertThat(me.body().path("id").asLong()).isEqualTo(analyst.id());
    assertThat(me.body().path("api_token").path("id").asLong()).isEqualTo(created.id());
    Response checked = server.http.post("/v2/auth/check", pair.auth(), Map.of());
    assertThat(checked.status()).as("%s", checked).isEqualTo(200);
    assertThat(checked.body().path("token_id").asLong()).isEqualTo(created.id());
    Response forwarded =
        server.http.send(
            "GET",
            "/v2/auth/forward",
            pair.auth(),
            null,
            Map.of("X-Original-Method", "GET", "X-Original-URI", "/api/attacks/1"));
    assertThat(forwarded.status()).as("%s", forwarded).isEqualTo(200);
    assertThat(forwarded.header("X-Auth-Token-Id")).isEqualTo(String.valueOf(created.id()));
    assertThat(check(Auth.token(value))).as("the token's own value").isEqualTo(200);

    Response read = server.http.get("/v2/api_tokens/" + created.id(), analyst.session());
    assertThat(read.body().path("legacy_pair_active").asBoolean()).isTrue();
    assertThat(read.body().path("permissions").isNull()).isTrue();
  }

  @Test
  void importWhenTheClientHasAMaximumLifetimeThenTheTokenExpiresWithinIt() {
    long limited = fixtures.tenant("Legacy under a policy");
    TestUser limitedAdmin = fixtures.user(limited, "admin");
    TestUser analyst = fixtures.user(limited, "analytic");
    Response policy =
        server.http.post(
            "/v1/objects/client/update",
            server.admin(),
            Map.of(
                "filter", Map.of("id", limited), "fields", Map.of("token_max_lifetime_days", 30)));
    assertThat(policy.status()).as("%s", policy).isEqualTo(200);
    Pair pair = LegacyPairs.next();

    Response created =
        importPair(
            limitedAdmin.session(),
            analyst.id(),
            Map.of("uuid", pair.uuid(), "secret", pair.secret()));

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().path("expire_at").asText())
        .isEqualTo(
            dev.tokensmith.web.IsoTime.format(
                server
                    .clock
                    .instant()
                    .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                    .plus(java.time.Duration.ofDays(30))));
    assertThat(check(pair.auth())).isEqualTo(200);
  }

  @Test
  void pairWhenCheckedAgainThenAnsweredFromMemory() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    imported(user, pair);
    TokenVerifier verifier = server.app.verifier();
    boolean fromMemory = false;
    for (int i = 0; i < 50 && !fromMemory; i++) {
      long loads = verifier.cacheStats().loads();
      long hits = verifier.cacheStats().hits();
      assertThat(check(pair.auth())).isEqualTo(200);
      fromMemory = verifier.cacheStats().loads() == loads && verifier.cacheStats().hits() > hits;
    }
    assertThat(fromMemory).as("the pair stays cached").isTrue();

    long loads = verifier.cacheStats().loads();
    assertThat(check(pair.withOtherSecret().auth())).as("wrong secret key").isEqualTo(401);
    assertThat(verifier.cacheStats().loads()).as("refused from memory").isEqualTo(loads);

    Pair unknown = LegacyPairs.next();
    assertThat(check(unknown.auth())).isEqualTo(401);
    long unknownHits = verifier.cacheStats().unknownHits();
    loads = verifier.cacheStats().loads();
    assertThat(check(unknown.auth())).isEqualTo(401);
    assertThat(verifier.cacheStats().unknownHits()).isGreaterThan(unknownHits);
    assertThat(verifier.cacheStats().loads()).isEqualTo(loads);
  }

  @Test
  void pairWhenTriedBeforeItsImportThenWorksRightAfterIt() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    assertThat(check(pair.auth())).isEqualTo(401);
    assertThat(check(pair.auth())).isEqualTo(401);
    imported(user, pair);
    assertThat(check(pair.auth())).isEqualTo(200);
  }

  @Test
  void pairWhenOnlyOneHeaderOrMalformedThenUnauthorized() {
    Pair pair = LegacyPairs.next();
    imported(fixtures.user(tenant, "analytic"), pair);
    assertThat(check(Auth.header("X-WallarmAPI-UUID", pair.uuid()))).isEqualTo(401);
    assertThat(check(Auth.header("X-WallarmAPI-Secret", pair.secret()))).isEqualTo(401);
    assertThat(check(new Pair(pair.uuid().toUpperCase(), pair.secret()).auth())).isEqualTo(401);
  }

  @Test
  void ownerDisabledThenPairUnauthorized() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    imported(user, pair);
    assertThat(check(pair.auth())).isEqualTo(200);

    assertThat(fixtures.updateUser(admin.session(), user.id(), Map.of("enabled", false)).status())
        .isEqualTo(200);

    assertThat(check(pair.auth())).isEqualTo(401);
  }

  @Test
  void renewWhenLegacyThenPairEndsForGoodAndTheNewValueWorks() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    long id = imported(user, pair).id();
    assertThat(check(pair.auth())).isEqualTo(200);

    Response renewed =
        server.http.post("/v2/api_tokens/" + id + "/secret", user.session(), Map.of());
    assertThat(renewed.status()).as("%s", renewed).isEqualTo(200);

    assertThat(check(pair.auth())).isEqualTo(401);
    assertThat(check(Auth.token(renewed.body().path("secret").asText()))).isEqualTo(200);
    JsonNode end = pairEnds(id);
    assertThat(end.path("changes").path("legacy_pair").toString()).isEqualTo("[true,false]");
    Response read = server.http.get("/v2/api_tokens/" + id, user.session());
    assertThat(read.body().path("legacy_pair_active").asBoolean()).isFalse();
    Response again =
        importPair(
            admin.session(), user.id(), Map.of("uuid", pair.uuid(), "secret", pair.secret()));
    assertThat(again.status()).as("ended for good").isEqualTo(409);
    assertThat(check(pair.auth())).isEqualTo(401);
  }

  @Test
  void deleteWhenLegacyThenPairUnauthorized() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    long id = imported(user, pair).id();
    assertThat(check(pair.auth())).isEqualTo(200);

    assertThat(server.http.delete("/v2/api_tokens/" + id, admin.session()).status()).isEqualTo(200);

    assertThat(check(pair.auth())).isEqualTo(401);
  }

  @Test
  void ownerMovedToSsoThenPairEndsWhileTheValueFollowsApiAccessRules() {
    TestUser user = fixtures.user(tenant, "admin");
    Pair pair = LegacyPairs.next();
    long id = imported(user, pair).id();
    assertThat(check(pair.auth())).isEqualTo(200);

    Response sso =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of(
                "filter",
                Map.of("id", user.id()),
                "fields",
                Map.of("sso", "sso", "api_access", true)));
    assertThat(sso.status()).as("%s", sso).isEqualTo(200);

    assertThat(check(pair.auth())).isEqualTo(401);
    assertThat(pairEnds(id).path("changes").path("legacy_pair").toString())
        .isEqualTo("[true,false]");
  }

  @Test
  void ownerRoleChangedThenTheTokenFollowsIt() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    long id = imported(user, pair).id();
    Response up =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of(
                "filter",
                Map.of("id", user.id()),
                "fields",
                Map.of("permissions", List.of("admin"))));
    assertThat(up.status()).as("%s", up).isEqualTo(200);

    Response read = server.http.get("/v2/api_tokens/" + id, admin.session());
    assertThat(read.body().path("source_role").asText()).isEqualTo("admin");
    Response checked =
        server.http.post("/v2/auth/check", pair.auth(), Map.of("permission", "users:update"));
    assertThat(checked.status()).as("wider as well: %s", checked).isEqualTo(200);
  }

  @Test
  void permissionsWhenSetOnALegacyTokenThenNotAllowed() {
    TestUser user = fixtures.user(tenant, "analytic");
    long id = imported(user, LegacyPairs.next()).id();
    Response r =
        server.http.put(
            "/v2/api_tokens/" + id, admin.session(), Map.of("permissions", List.of("analytic")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
  }

  @Test
  void importWhenBadUuidOrSecretThenFieldErrorsWithoutTheSecret() {
    TestUser user = fixtures.user(tenant, "analytic");
    String secret = LegacyPairs.secret();
    Map<String, Object> cases =
        Map.of(
            "uuid",
            Map.of("uuid", "not-a-uuid", "secret", secret),
            "secret",
            Map.of("uuid", LegacyPairs.next().uuid(), "secret", secret.substring(1) + "!"));
    cases.forEach(
        (field, body) -> {
          Response r = importPair(admin.session(), user.id(), body);
          assertThat(r.status()).as("%s", r).isEqualTo(400);
          assertThat(r.body().path(field).path("error").asText()).isEqualTo("invalid");
          assertThat(r.text()).doesNotContain(secret).doesNotContain(secret.substring(1));
        });
    Response swapped =
        importPair(admin.session(), user.id(), Map.of("uuid", secret, "secret", secret));
    assertThat(swapped.status()).isEqualTo(400);
    assertThat(swapped.text()).doesNotContain(secret);
    Response missing = importPair(admin.session(), user.id(), Map.of("uuid", "x"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(
            server.http.get("/v2/api_tokens?user_id=" + user.id(), admin.session()).body().size())
        .as("nothing created")
        .isZero();
  }

  @Test
  void importWhenNotAnAdminThenForbidden() {
    TestUser analyst = fixtures.user(tenant, "analytic");
    TestUser other = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    Response r =
        importPair(
            analyst.session(), other.id(), Map.of("uuid", pair.uuid(), "secret", pair.secret()));
    assertThat(r.status()).isEqualTo(403);
    assertThat(check(pair.auth())).isEqualTo(401);
  }

  @Test
  void importWhenUserHasOneOrUuidIsTakenThenConflict() {
    TestUser first = fixtures.user(tenant, "analytic");
    TestUser second = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    imported(first, pair);
    Pair another = LegacyPairs.next();
    assertThat(
            importPair(
                    admin.session(),
                    first.id(),
                    Map.of("uuid", another.uuid(), "secret", another.secret()))
                .status())
        .as("a second one for the user")
        .isEqualTo(409);
    assertThat(
            importPair(
                    admin.session(),
                    second.id(),
                    Map.of("uuid", pair.uuid(), "secret", LegacyPairs.secret()))
                .status())
        .as("the same UUID for another user")
        .isEqualTo(409);
  }

  @Test
  void secretKeyWhenImportedThenNeverInTheActivityLog() {
    Pair pair = LegacyPairs.next();
    imported(fixtures.user(tenant, "analytic"), pair);
    check(pair.auth());
    Response log = server.http.get("/v2/activity_log?limit=1000", admin.session());
    assertThat(log.text()).doesNotContain(pair.secret());
    assertThat(SecretLedger.findIn(log.text())).isNull();
    server.assertNoSecretLeaked();
  }
}
