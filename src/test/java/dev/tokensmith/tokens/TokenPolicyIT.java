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
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client's token policy (issue 14): the maximum and default lifetimes and the address list
 * required of shared tokens, set by a Global Administrator on {@code /v1/objects/client/update} and
 * enforced by the token API at every write that gives a token life or reach.
 */
@UsesDatabase
@WithServer
class TokenPolicyIT {
  static TestServer server;
  static Fixtures fixtures;

  /** A tenant of its own (policies differ per test) with an administrator. */
  private record World(long tenant, TestUser admin) {}

  private static World world(Map<String, Object> policy) {
    long tenant = fixtures.tenant("Policy");
    if (!policy.isEmpty()) {
      Response set = setPolicy(tenant, policy);
      assertThat(set.status()).as("set policy: %s", set).isEqualTo(200);
    }
    return new World(tenant, fixtures.user(tenant, "admin"));
  }

  private static Response setPolicy(long tenant, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", tenant), "fields", fields));
  }

  private static String inDays(double days) {
    return IsoTime.format(
        server.clock.instant().plus(Duration.ofMinutes(Math.round(days * 24 * 60))));
  }

  private static Response create(TestUser user, Map<String, Object> fields) {
    Map<String, Object> body = new HashMap<>();
    body.put("realname", "policy token");
    body.put("permissions", List.of("analytic"));
    body.putAll(fields);
    return server.http.post("/v2/api_tokens", user.session(), body);
  }

  private static Response update(TestUser user, long id, Map<String, Object> fields) {
    return server.http.put("/v2/api_tokens/" + id, user.session(), fields);
  }

  private static Map<String, Object> never() {
    Map<String, Object> body = new HashMap<>();
    body.put("expire_at", null);
    return body;
  }

  private static void assertFieldError(Response r, String field, String code) {
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.body().path(field).path("error").asText()).as("%s", r).isEqualTo(code);
  }

  @Test
  void clientUpdateWhenPolicyGivenThenAnsweredListedAndRecorded() {
    long tenant = fixtures.tenant("Policy fields");

    Response set =
        setPolicy(
            tenant,
            Map.of(
                "token_max_lifetime_days", 90,
                "token_default_lifetime_days", 30,
                "shared_tokens_require_allowed_ips", true));

    assertThat(set.status()).as("%s", set).isEqualTo(200);
    JsonNode client = set.body().get(0);
    assertThat(client.path("token_max_lifetime_days").asInt()).isEqualTo(90);
    assertThat(client.path("token_default_lifetime_days").asInt()).isEqualTo(30);
    assertThat(client.path("shared_tokens_require_allowed_ips").asBoolean()).isTrue();
    JsonNode listed =
        server
            .http
            .post("/v1/objects/client", server.admin(), Map.of("filter", Map.of("id", tenant)))
            .body()
            .get(0);
    assertThat(listed.path("token_max_lifetime_days").asInt()).isEqualTo(90);
    JsonNode records =
        server
            .http
            .get("/v2/activity_log?object_type=client&client_id=" + tenant, server.admin())
            .body();
    boolean recorded = false;
    for (JsonNode record : records) {
      if (record.path("object_id").asLong() == tenant
          && record.path("changes").has("token_max_lifetime_days")) {
        recorded = true;
        assertThat(record.path("changes").path("token_max_lifetime_days").get(1).asInt())
            .isEqualTo(90);
      }
    }
    assertThat(recorded).as("activity record of the policy change").isTrue();

    // null clears a lifetime; fields not named stay as they are.
    Map<String, Object> clear = new HashMap<>();
    clear.put("token_max_lifetime_days", null);
    JsonNode cleared = setPolicy(tenant, clear).body().get(0);
    assertThat(cleared.path("token_max_lifetime_days").isNull()).isTrue();
    assertThat(cleared.path("token_default_lifetime_days").asInt()).isEqualTo(30);
    assertThat(cleared.path("shared_tokens_require_allowed_ips").asBoolean()).isTrue();
  }

  @Test
  void clientUpdateWhenPolicyValuesBadThen400NamingTheField() {
    long tenant = fixtures.tenant("Bad policy");

    assertFieldError(
        setPolicy(tenant, Map.of("token_max_lifetime_days", 0)),
        "token_max_lifetime_days",
        "invalid");
    assertFieldError(
        setPolicy(tenant, Map.of("token_default_lifetime_days", "thirty")),
        "token_default_lifetime_days",
        "invalid");
    assertFieldError(
        setPolicy(tenant, Map.of("token_max_lifetime_days", 30, "token_default_lifetime_days", 60)),
        "token_default_lifetime_days",
        "invalid");
    assertThat(setPolicy(tenant, Map.of("token_max_lifetime_days", 30)).status()).isEqualTo(200);
    // A default already set cannot be left above a lowered maximum.
    assertThat(setPolicy(tenant, Map.of("token_default_lifetime_days", 20)).status())
        .isEqualTo(200);
    assertFieldError(
        setPolicy(tenant, Map.of("token_max_lifetime_days", 10)),
        "token_max_lifetime_days",
        "invalid");
    assertFieldError(
        setPolicy(tenant, Map.of("shared_tokens_require_allowed_ips", "yes")),
        "shared_tokens_require_allowed_ips",
        "invalid");
  }

  @Test
  void clientUpdateWhenCallerIsTheClientsAdminThenForbidden() {
    World w = world(Map.of());

    Response r =
        server.http.post(
            "/v1/objects/client/update",
            w.admin().session(),
            Map.of(
                "filter",
                Map.of("id", w.tenant()),
                "fields",
                Map.of("token_max_lifetime_days", 5)));

    assertThat(r.status()).isEqualTo(403);
  }

  @Test
  void createWhenMaxLifetimeSetThenExpiryRequiredAndWithinIt() {
    World w = world(Map.of("token_max_lifetime_days", 30));

    assertFieldError(create(w.admin(), never()), "expire_at", "required");
    assertFieldError(create(w.admin(), Map.of()), "expire_at", "required");
    assertFieldError(
        create(w.admin(), Map.of("expire_at", inDays(30.01))), "expire_at", "not_allowed");
    Response ok = create(w.admin(), Map.of("expire_at", inDays(30)));
    assertThat(ok.status()).as("%s", ok).isEqualTo(200);
    // The same rule for a shared token, and for a global user acting on the tenant.
    assertFieldError(
        create(w.admin(), Map.of("shared", true, "permissions", List.of("admin"))),
        "expire_at",
        "required");
    Response global =
        server.http.post(
            "/v2/api_tokens",
            server.admin(),
            Map.of(
                "client_id",
                w.tenant(),
                "realname",
                "global",
                "permissions",
                List.of("analytic"),
                "expire_at",
                inDays(31)));
    assertFieldError(global, "expire_at", "not_allowed");
  }

  @Test
  void createWhenNoExpiryGivenThenDefaultLifetime() {
    World w = world(Map.of("token_max_lifetime_days", 90, "token_default_lifetime_days", 60));

    Response created = create(w.admin(), Map.of());

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(Instant.parse(created.body().path("expire_at").asText()))
        .isEqualTo(
            server
                .clock
                .instant()
                .plus(Duration.ofDays(60))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    // An expiry the request names wins over the default.
    Response named = create(w.admin(), Map.of("expire_at", inDays(7)));
    assertThat(named.body().path("expire_at").asText()).isEqualTo(inDays(7));
  }

  @Test
  void createWhenDefaultWithoutMaxThenNeverStillAllowedWhenAskedFor() {
    World w = world(Map.of("token_default_lifetime_days", 30));

    Response defaulted = create(w.admin(), Map.of());
    Response never = create(w.admin(), never());

    assertThat(defaulted.body().path("expire_at").asText()).isEqualTo(inDays(30));
    assertThat(never.status()).as("%s", never).isEqualTo(200);
    assertThat(never.body().path("expire_at").isNull()).isTrue();
  }

  @Test
  void createWhenNoPolicyThenNoExpiryMeansNever() {
    World w = world(Map.of());

    Response created = create(w.admin(), Map.of());

    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body().path("expire_at").isNull()).isTrue();
  }

  @Test
  void sharedTokenWhenAllowlistRequiredThenEmptyRefusedOnCreateUpdateAndEnable() {
    World w = world(Map.of());
    // Made before the policy: kept as it is until a write that reaches further.
    Issued before =
        fixtures.token(
            w.admin().session(),
            Map.of("realname", "old shared", "permissions", List.of("admin"), "shared", true));
    assertThat(setPolicy(w.tenant(), Map.of("shared_tokens_require_allowed_ips", true)).status())
        .isEqualTo(200);

    assertFieldError(
        create(w.admin(), Map.of("shared", true, "permissions", List.of("admin"))),
        "allowed_ips",
        "required");
    assertFieldError(
        create(
            w.admin(),
            Map.of("shared", true, "permissions", List.of("admin"), "allowed_ips", List.of())),
        "allowed_ips",
        "required");
    Response ok =
        create(
            w.admin(),
            Map.of(
                "shared",
                true,
                "permissions",
                List.of("admin"),
                "allowed_ips",
                List.of("10.0.0.0/8")));
    assertThat(ok.status()).as("%s", ok).isEqualTo(200);
    // Personal tokens are not concerned.
    assertThat(create(w.admin(), Map.of()).status()).isEqualTo(200);
    // Emptying the list of a shared token is refused.
    assertFieldError(
        update(w.admin(), ok.id(), Map.of("allowed_ips", List.of())), "allowed_ips", "required");

    // The older token still works and may be renamed or disabled, but not re-enabled without
    // addresses.
    assertThat(server.http.get("/v1/user", before.auth()).status()).isEqualTo(200);
    assertThat(update(w.admin(), before.id(), Map.of("realname", "renamed")).status())
        .isEqualTo(200);
    assertThat(update(w.admin(), before.id(), Map.of("enabled", false)).status()).isEqualTo(200);
    Map<String, Object> enable = never();
    enable.put("enabled", true);
    assertFieldError(update(w.admin(), before.id(), enable), "allowed_ips", "required");
    enable.put("allowed_ips", List.of("192.0.2.1"));
    Response enabled = update(w.admin(), before.id(), enable);
    assertThat(enabled.status()).as("%s", enabled).isEqualTo(200);
    assertThat(enabled.body().path("enabled").asBoolean()).isTrue();
  }

  @Test
  void updateWhenMaxLifetimeSetThenNewExpiryAndReEnableWithinIt() {
    World w = world(Map.of());
    Issued old = fixtures.token(w.admin().session(), List.of("analytic"));
    assertThat(setPolicy(w.tenant(), Map.of("token_max_lifetime_days", 14)).status())
        .isEqualTo(200);

    // Not changed by the tightening: still never expires, still works, may be narrowed and
    // disabled.
    Response seen = server.http.get("/v2/api_tokens/" + old.id(), w.admin().session());
    assertThat(seen.body().path("expire_at").isNull()).isTrue();
    assertThat(server.http.get("/v1/user", old.auth()).status()).isEqualTo(200);
    assertThat(update(w.admin(), old.id(), Map.of("permissions", List.of("auditor"))).status())
        .isEqualTo(200);

    assertFieldError(update(w.admin(), old.id(), never()), "expire_at", "required");
    assertFieldError(
        update(w.admin(), old.id(), Map.of("expire_at", inDays(15))), "expire_at", "not_allowed");
    assertThat(update(w.admin(), old.id(), Map.of("expire_at", inDays(14))).status())
        .isEqualTo(200);

    assertThat(update(w.admin(), old.id(), Map.of("enabled", false)).status()).isEqualTo(200);
    Map<String, Object> enableNever = never();
    enableNever.put("enabled", true);
    assertFieldError(update(w.admin(), old.id(), enableNever), "expire_at", "required");
    assertFieldError(
        update(w.admin(), old.id(), Map.of("enabled", true, "expire_at", inDays(20))),
        "expire_at",
        "not_allowed");
    Response enabled =
        update(w.admin(), old.id(), Map.of("enabled", true, "expire_at", inDays(10)));
    assertThat(enabled.status()).as("%s", enabled).isEqualTo(200);
    assertThat(enabled.body().path("enabled").asBoolean()).isTrue();
  }

  @Test
  void renewWhenMaxLifetimeSetThenTheTokenMustExpireWithinIt() {
    World w = world(Map.of());
    Issued never = fixtures.token(w.admin().session(), List.of("analytic"));
    Issued late =
        fixtures.token(
            w.admin().session(),
            Map.of(
                "realname", "late", "permissions", List.of("analytic"), "expire_at", inDays(60)));
    assertThat(setPolicy(w.tenant(), Map.of("token_max_lifetime_days", 30)).status())
        .isEqualTo(200);

    assertFieldError(
        server.http.post("/v2/api_tokens/" + never.id() + "/secret", w.admin().session(), Map.of()),
        "expire_at",
        "required");
    assertFieldError(
        server.http.post("/v2/api_tokens/" + late.id() + "/secret", w.admin().session(), Map.of()),
        "expire_at",
        "not_allowed");
    // The old values still work: nothing was renewed.
    assertThat(server.http.get("/v1/user", never.auth()).status()).isEqualTo(200);

    assertThat(update(w.admin(), late.id(), Map.of("expire_at", inDays(20))).status())
        .isEqualTo(200);
    Response renewed =
        server.http.post("/v2/api_tokens/" + late.id() + "/secret", w.admin().session(), Map.of());
    assertThat(renewed.status()).as("%s", renewed).isEqualTo(200);
  }

  @Test
  void listWhenReadThenAnswersTheClientsPolicyBesideTheList() {
    World w =
        world(
            Map.of(
                "token_max_lifetime_days", 90,
                "token_default_lifetime_days", 30,
                "shared_tokens_require_allowed_ips", true));
    TestUser analyst = fixtures.user(w.tenant(), "analytic");

    Response list = server.http.get("/v2/api_tokens", analyst.session());

    assertThat(list.status()).isEqualTo(200);
    JsonNode policy = list.json().path("token_policy");
    assertThat(policy.path("token_max_lifetime_days").asInt()).isEqualTo(90);
    assertThat(policy.path("token_default_lifetime_days").asInt()).isEqualTo(30);
    assertThat(policy.path("shared_tokens_require_allowed_ips").asBoolean()).isTrue();
    JsonNode none = server.http.get("/v2/api_tokens", world(Map.of()).admin().session()).json();
    assertThat(none.path("token_policy").path("token_max_lifetime_days").isNull()).isTrue();
    assertThat(none.path("token_policy").path("shared_tokens_require_allowed_ips").asBoolean())
        .isFalse();
  }
}
