package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A token's life: expiry, disable/enable, cascades from its owner, purge, renew, delete (T5–T12).
 */
@UsesDatabase
@WithServer
class TokenLifecycleIT {
  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Lifecycle");
    admin = fixtures.user(tenant, "admin");
  }

  // Tests move the clock by days; every test starts with a live session.
  @BeforeEach
  void login() {
    admin =
        new TestUser(
            admin.id(), tenant, admin.email(), server.login(admin.email(), Fixtures.PASSWORD));
  }

  private static String inFuture(Duration duration) {
    return IsoTime.format(server.clock.instant().plus(duration));
  }

  private static Response token(TestUser user, long id) {
    return server.http.get("/v2/api_tokens/" + id, user.session());
  }

  private static int use(Issued token) {
    return server.http.get("/v1/user", token.auth()).status();
  }

  @Test
  void expiryWhenPassedThenFailsAtOnceAndReadsAsDisabledExpired() {
    TestUser user = fixtures.user(tenant, "analytic");
    Issued t =
        fixtures.token(
            user.session(),
            Map.of(
                "realname",
                "short",
                "permissions",
                List.of("analytic"),
                "expire_at",
                inFuture(Duration.ofHours(1))));
    assertThat(use(t)).isEqualTo(200);
    server.clock.advance(Duration.ofHours(1));
    assertThat(use(t)).isEqualTo(401);
    Response seen = token(user, t.id());
    assertThat(seen.body().path("enabled").asBoolean()).isFalse();
    assertThat(seen.body().path("disabled_reason").asText()).isEqualTo("expired");
    server.app.runJobs();
    assertThat(token(user, t.id()).body().path("disabled_reason").asText()).isEqualTo("expired");
    assertThat(use(t)).isEqualTo(401);
  }

  @Test
  void createWhenExpiryInPastThenInPast() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of(
                "realname",
                "old",
                "permissions",
                List.of("admin"),
                "expire_at",
                "2001-01-01T00:00:00.000Z"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("expire_at").path("error").asText()).isEqualTo("in_past");
  }

  @Test
  void disableWhenManualThenFailsAndEnableNeedsNewExpiry() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    Response disabled =
        server.http.put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false));
    assertThat(disabled.body().path("disabled_reason").asText()).isEqualTo("manual");
    assertThat(disabled.body().path("disabled_at").asText()).isNotEmpty();
    assertThat(use(t)).isEqualTo(401);

    Response refused =
        server.http.put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", true));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().path("expire_at").path("error").asText()).isEqualTo("required");
    assertThat(use(t)).isEqualTo(401);

    Response past =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("enabled", true, "expire_at", "2001-01-01T00:00:00.000Z"));
    assertThat(past.body().path("expire_at").path("error").asText()).isEqualTo("in_past");

    Map<String, Object> never = new HashMap<>();
    never.put("enabled", true);
    never.put("expire_at", null);
    Response enabled = server.http.put("/v2/api_tokens/" + t.id(), admin.session(), never);
    assertThat(enabled.status()).isEqualTo(200);
    assertThat(enabled.body().path("enabled").asBoolean()).isTrue();
    assertThat(enabled.body().path("disabled_reason").isNull()).isTrue();
    assertThat(enabled.body().path("expire_at").isNull()).isTrue();
    assertThat(use(t)).isEqualTo(200);
  }

  @Test
  void enableWhenExpiredTokenGetsFutureExpiryThenWorksAgain() {
    Issued t =
        fixtures.expiringToken(admin.session(), List.of("admin"), inFuture(Duration.ofMinutes(5)));
    server.clock.advance(Duration.ofMinutes(6));
    assertThat(use(t)).isEqualTo(401);
    Response enabled =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("enabled", true, "expire_at", inFuture(Duration.ofDays(30))));
    assertThat(enabled.status()).as("%s", enabled).isEqualTo(200);
    assertThat(use(t)).isEqualTo(200);
  }

  @Test
  void ownerDisabledWhenUserDisabledThenTokensDisabledAndNotRevivedWithUser() {
    TestUser user = fixtures.user(tenant, "analytic");
    Issued t = fixtures.token(user.session(), List.of("analytic"));
    Response off =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of("filter", Map.of("id", user.id()), "fields", Map.of("enabled", false)));
    assertThat(off.status()).isEqualTo(200);
    assertThat(use(t)).isEqualTo(401);
    Response seen = token(admin, t.id());
    assertThat(seen.body().path("enabled").asBoolean()).isFalse();
    assertThat(seen.body().path("disabled_reason").asText()).isEqualTo("owner_disabled");

    Response blocked =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("enabled", true, "expire_at", inFuture(Duration.ofDays(1))));
    assertThat(blocked.status()).isEqualTo(400);
    assertThat(blocked.body().path("enabled").path("error").asText()).isEqualTo("not_allowed");

    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", user.id()), "fields", Map.of("enabled", true)));
    assertThat(token(admin, t.id()).body().path("disabled_reason").asText())
        .isEqualTo("owner_disabled");
    assertThat(use(t)).isEqualTo(401);
    Response back =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("enabled", true, "expire_at", inFuture(Duration.ofDays(1))));
    assertThat(back.status()).isEqualTo(200);
    assertThat(use(t)).isEqualTo(200);
  }

  @Test
  void ownerDisabledWhenUserUpdateFailsThenTokensUntouched() {
    // The last enabled admin cannot be disabled: the whole change, cascade included, rolls back.
    long lonely = fixtures.tenant("Lonely");
    TestUser only = fixtures.user(lonely, "admin");
    Issued t = fixtures.token(only.session(), List.of("admin"));
    Response refused =
        server.http.post(
            "/v1/objects/user/update",
            server.admin(),
            Map.of("filter", Map.of("id", only.id()), "fields", Map.of("enabled", false)));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(use(t)).isEqualTo(200);
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + t.id(), only.session())
                .body()
                .path("enabled")
                .asBoolean())
        .isTrue();
  }

  @Test
  void ownerNarrowedWhenRoleLoweredThenTokensNarrowedForGood() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued preset = fixtures.token(user.session(), List.of("admin"));
    Issued custom =
        fixtures.token(user.session(), List.of("users:view", "attacks:view", "attacks:create"));
    Response lowered =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of(
                "filter",
                Map.of("id", user.id()),
                "fields",
                Map.of("permissions", List.of("analytic"))));
    assertThat(lowered.status()).as("%s", lowered).isEqualTo(200);

    Response p = token(admin, preset.id());
    assertThat(p.body().path("source_role").asText()).isEqualTo("custom");
    assertThat(p.body().path("permissions").toString())
        .doesNotContain("users:")
        .contains("attacks:view");
    Response c = token(admin, custom.id());
    assertThat(c.body().path("permissions").toString())
        .doesNotContain("users:view")
        .contains("attacks:create");
    assertThat(server.http.post("/v1/objects/user", preset.auth(), Map.of()).status())
        .isEqualTo(403);

    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of(
            "filter", Map.of("id", user.id()), "fields", Map.of("permissions", List.of("admin"))));
    assertThat(token(admin, preset.id()).body().path("permissions").toString())
        .doesNotContain("users:");
    assertThat(server.http.post("/v1/objects/user", preset.auth(), Map.of()).status())
        .isEqualTo(403);
    Response record =
        server.http.get(
            "/v2/activity_log?object_type=api_token&action=update&limit=1000", admin.session());
    assertThat(record.body().findValues("object_id").stream().map(n -> n.asLong()).toList())
        .contains(preset.id());
  }

  @Test
  void ownerNarrowedWhenPresetStillFitsThenUnchanged() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued analystToken = fixtures.token(user.session(), List.of("analytic"));
    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of(
            "filter",
            Map.of("id", user.id()),
            "fields",
            Map.of("permissions", List.of("analytic"))));
    Response t = token(admin, analystToken.id());
    assertThat(t.body().path("source_role").asText()).isEqualTo("analytic");
    assertThat(use(analystToken)).isEqualTo(200);
  }

  @Test
  void purgeWhenDisabledForSevenDaysThenDeleted() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    Issued fresh = fixtures.token(admin.session(), List.of("admin"));
    server.http.put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false));
    server.clock.advance(Duration.ofDays(6));
    server.app.runJobs();
    login();
    assertThat(token(admin, t.id()).status()).isEqualTo(200);
    server.clock.advance(Duration.ofDays(1).plusMinutes(1));
    server.app.runJobs();
    login();
    assertThat(token(admin, t.id()).status()).isEqualTo(404);
    assertThat(token(admin, fresh.id()).status()).isEqualTo(200);
  }

  @Test
  void renewWhenNoGraceThenOldValueFailsAtOnce() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    String before = token(admin, t.id()).body().path("token_generated_at").asText();
    server.clock.advance(Duration.ofSeconds(5));
    Response renewed =
        server.http.post("/v2/api_tokens/" + t.id() + "/secret", admin.session(), Map.of());
    assertThat(renewed.status()).isEqualTo(200);
    String secret = renewed.body().path("secret").asText();
    assertThat(secret).hasSize(64).isNotEqualTo(t.secret());
    assertThat(renewed.body().path("token_generated_at").asText()).isNotEqualTo(before);
    assertThat(use(t)).isEqualTo(401);
    assertThat(use(new Issued(t.id(), secret))).isEqualTo(200);
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + t.id() + "/secret", admin.session())
                .body()
                .path("secret")
                .asText())
        .isEqualTo(secret);
  }

  @Test
  void renewWhenGraceThenBothWorkUntilItEnds() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    Response renewed =
        server.http.post(
            "/v2/api_tokens/" + t.id() + "/secret", admin.session(), Map.of("grace_seconds", 60));
    Issued next = new Issued(t.id(), renewed.body().path("secret").asText());
    assertThat(use(t)).isEqualTo(200);
    assertThat(use(next)).isEqualTo(200);
    server.clock.advance(Duration.ofSeconds(61));
    assertThat(use(t)).isEqualTo(401);
    assertThat(use(next)).isEqualTo(200);
  }

  @Test
  void renewWhenGraceOutOfRangeThenInvalid() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    for (Object grace : List.of(-1, 604801, "10")) {
      Response r =
          server.http.post(
              "/v2/api_tokens/" + t.id() + "/secret",
              admin.session(),
              Map.of("grace_seconds", grace));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body().path("grace_seconds").path("error").asText()).isEqualTo("invalid");
    }
    assertThat(use(t)).isEqualTo(200);
  }

  @Test
  void deleteWhenDeletedThenValueFailsAtOnce() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    Response deleted = server.http.delete("/v2/api_tokens/" + t.id(), admin.session());
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.id()).isEqualTo(t.id());
    assertThat(use(t)).isEqualTo(401);
    assertThat(server.http.delete("/v2/api_tokens/" + t.id(), admin.session()).status())
        .isEqualTo(404);
  }

  @Test
  void allowedIpsWhenIpv4ListedThenOnlyThoseAddressesPass() {
    Issued local =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "v4",
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("127.0.0.0/8")));
    Issued elsewhere =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "v4 other",
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("10.0.0.0/8", "192.168.1.7")));
    assertThat(use(local)).isEqualTo(200);
    assertThat(use(elsewhere)).isEqualTo(401);
    assertThat(token(admin, elsewhere.id()).body().path("allowed_ips").toString())
        .isEqualTo("[\"10.0.0.0/8\",\"192.168.1.7/32\"]");
  }

  @Test
  void allowedIpsWhenIpv6ListedThenCheckedAgainstForwardedAddress() {
    try (TestServer proxied =
        TestServer.start(Map.of("TOKENSMITH_TRUSTED_PROXIES", "127.0.0.1/32"))) {
      Fixtures f = new Fixtures(proxied);
      Issued v6 =
          f.token(
              proxied.admin(),
              Map.of(
                  "realname",
                  "v6",
                  "permissions",
                  List.of("partner_admin"),
                  "allowed_ips",
                  List.of("2001:db8::/32")));
      assertThat(
              proxied
                  .http
                  .send(
                      "GET",
                      "/v1/user",
                      v6.auth(),
                      null,
                      Map.of("X-Forwarded-For", "2001:db8:0:1::5"))
                  .status())
          .isEqualTo(200);
      assertThat(
              proxied
                  .http
                  .send(
                      "GET", "/v1/user", v6.auth(), null, Map.of("X-Forwarded-For", "2001:db9::5"))
                  .status())
          .isEqualTo(401);
      assertThat(
              proxied
                  .http
                  .send("GET", "/v1/user", v6.auth(), null, Map.of("X-Forwarded-For", "10.1.2.3"))
                  .status())
          .isEqualTo(401);
      assertThat(proxied.http.get("/v1/user", v6.auth()).status()).isEqualTo(401);
    }
  }

  @Test
  void allowedIpsWhenForwardedHeaderFromUntrustedPeerThenIgnored() {
    Issued v6 =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "v6 direct",
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("2001:db8::/32")));
    assertThat(
            server
                .http
                .send("GET", "/v1/user", v6.auth(), null, Map.of("X-Forwarded-For", "2001:db8::1"))
                .status())
        .isEqualTo(401);
  }

  @Test
  void allowedIpsWhenNotCidrThenInvalid() {
    Response r =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of(
                "realname",
                "bad ip",
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("example.com")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("allowed_ips").path("error").asText()).isEqualTo("invalid");
  }

  @Test
  void countLimitWhenClientMaximumReachedThenConflict() {
    long limited = fixtures.tenant("Limited");
    TestUser user = fixtures.user(limited, "admin");
    Response set =
        server.http.post(
            "/v1/objects/client/update",
            server.admin(),
            Map.of("filter", Map.of("id", limited), "fields", Map.of("max_tokens", 2)));
    assertThat(set.status()).isEqualTo(200);
    fixtures.token(user.session(), List.of("admin"));
    fixtures.token(user.session(), List.of("admin"));
    Response third =
        server.http.post(
            "/v2/api_tokens",
            user.session(),
            Map.of("realname", "third", "permissions", List.of("admin")));
    assertThat(third.status()).isEqualTo(409);
  }

  @Test
  void countLimitWhenNotConfiguredThenNoLimit() {
    TestUser user = fixtures.user(tenant, "analytic");
    for (int i = 0; i < 60; i++) {
      fixtures.token(user.session(), List.of("analytic"));
    }
    assertThat(server.http.get("/v2/api_tokens?limit=1000", user.session()).body().size())
        .isEqualTo(60);
  }

  @Test
  void showOnceWhenClientKeepsNoCopyThenSecretGone() {
    long once = fixtures.tenant("Show once");
    TestUser user = fixtures.user(once, "admin");
    server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", once), "fields", Map.of("show_once", true)));
    Issued t = fixtures.token(user.session(), List.of("admin"));
    assertThat(t.secret()).hasSize(64);
    assertThat(server.http.get("/v2/api_tokens/" + t.id() + "/secret", user.session()).status())
        .isEqualTo(410);
    assertThat(use(t)).isEqualTo(200);
    Response renewed =
        server.http.post("/v2/api_tokens/" + t.id() + "/secret", user.session(), Map.of());
    assertThat(renewed.body().path("secret").asText()).hasSize(64);
    assertThat(server.http.get("/v2/api_tokens/" + t.id() + "/secret", user.session()).status())
        .isEqualTo(410);
  }

  @Test
  void lastUsedWhenTokenUsedThenRecordedWithoutWritePerRequest() {
    Issued t = fixtures.token(admin.session(), List.of("admin"));
    assertThat(token(admin, t.id()).body().path("last_used_at").isNull()).isTrue();
    use(t);
    server.app.flushUsage();
    Response seen = token(admin, t.id());
    assertThat(seen.body().path("last_used_ip").asText()).isEqualTo("127.0.0.1");
    String first = seen.body().path("last_used_at").asText();
    server.clock.advance(Duration.ofSeconds(30));
    use(t);
    server.app.flushUsage();
    assertThat(token(admin, t.id()).body().path("last_used_at").asText()).isEqualTo(first);
    server.clock.advance(Duration.ofSeconds(31));
    use(t);
    server.app.flushUsage();
    assertThat(token(admin, t.id()).body().path("last_used_at").asText()).isNotEqualTo(first);
  }
}
