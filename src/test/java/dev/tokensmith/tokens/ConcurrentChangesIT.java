package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent changes of one object never undo each other: many pairs of requests race, and the
 * final state always equals some serial order of them, the one the activity log tells (each
 * record's old value is the previous record's new value, and the last new value is the state).
 */
@UsesDatabase
@WithServer
class ConcurrentChangesIT {
  private static final int PAIRS = 24;

  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static final ExecutorService POOL = Executors.newFixedThreadPool(2 * PAIRS);

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Races");
    admin = fixtures.user(tenant, "admin");
  }

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  @Test
  void disableWhenRacingRenameThenBothHoldAndTheLogTellsTheOrder() {
    TestUser owner = fixtures.user(tenant, "analytic");
    List<Issued> tokens = tokens(owner, PAIRS);
    race(
        tokens,
        t ->
            List.of(
                () ->
                    server.http.put(
                        "/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false)),
                () ->
                    server.http.put(
                        "/v2/api_tokens/" + t.id(),
                        owner.session(),
                        Map.of("realname", "r" + t.id()))),
        List.of(200, 200));
    for (Issued t : tokens) {
      JsonNode token = server.http.get("/v2/api_tokens/" + t.id(), admin.session()).body();
      assertThat(token.path("enabled").asBoolean()).as("token %s", t.id()).isFalse();
      assertThat(token.path("realname").asText()).isEqualTo("r" + t.id());
      assertThat(verifies(t.secret())).as("a disabled token verifies").isFalse();
      assertLogTellsState("api_token", t.id(), token, "enabled", "realname");
    }
  }

  @Test
  void disableWhenRacingRenewThenTheRenewedValueStaysDisabled() {
    TestUser owner = fixtures.user(tenant, "analytic");
    List<Issued> tokens = tokens(owner, PAIRS);
    Map<Long, String> renewed = new java.util.concurrent.ConcurrentHashMap<>();
    race(
        tokens,
        t ->
            List.of(
                () ->
                    server.http.put(
                        "/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false)),
                () -> {
                  Response r =
                      server.http.post(
                          "/v2/api_tokens/" + t.id() + "/secret", owner.session(), Map.of());
                  renewed.put(t.id(), r.body().path("secret").asText());
                  return r;
                }),
        List.of(200, 200));
    for (Issued t : tokens) {
      JsonNode token = server.http.get("/v2/api_tokens/" + t.id(), admin.session()).body();
      assertThat(token.path("enabled").asBoolean()).as("token %s", t.id()).isFalse();
      assertThat(verifies(renewed.get(t.id())))
          .as("the renewed value of a disabled token verifies")
          .isFalse();
      assertThat(verifies(t.secret())).isFalse();
      assertLogTellsState("api_token", t.id(), token, "enabled", "secret_hint");
    }
  }

  @Test
  void disableWhenRacingEnableThenTheLastInTheLogWins() {
    TestUser owner = fixtures.user(tenant, "analytic");
    List<Issued> tokens = tokens(owner, PAIRS);
    Map<String, Object> enable = new HashMap<>();
    enable.put("enabled", true);
    enable.put("expire_at", null);
    race(
        tokens,
        t ->
            List.of(
                () ->
                    server.http.put(
                        "/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false)),
                () -> server.http.put("/v2/api_tokens/" + t.id(), owner.session(), enable)),
        List.of(200, 200));
    for (Issued t : tokens) {
      JsonNode token = server.http.get("/v2/api_tokens/" + t.id(), admin.session()).body();
      assertThat(verifies(t.secret())).isEqualTo(token.path("enabled").asBoolean());
      assertLogTellsState("api_token", t.id(), token, "enabled");
    }
  }

  @Test
  void ownerDisabledWhenRacingTheirRenameThenTheTokenStaysDisabledAfterTheOwnerReturns() {
    List<TestUser> owners = new ArrayList<>();
    List<Issued> tokens = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      TestUser owner = fixtures.user(tenant, "analytic");
      owners.add(owner);
      tokens.add(fixtures.token(owner.session(), List.of("analytic")));
    }
    Map<Long, TestUser> ownerOf = new HashMap<>();
    for (int i = 0; i < PAIRS; i++) {
      ownerOf.put(tokens.get(i).id(), owners.get(i));
    }
    // The rename may come after the owner's sessions ended (401); what matters is what the token
    // becomes.
    race(
        tokens,
        t ->
            List.of(
                () -> userUpdate(ownerOf.get(t.id()).id(), Map.of("enabled", false)),
                () ->
                    server.http.put(
                        "/v2/api_tokens/" + t.id(),
                        Auth.token(t.secret()),
                        Map.of("realname", "r" + t.id()))),
        null);
    for (Issued t : tokens) {
      assertThat(userUpdate(ownerOf.get(t.id()).id(), Map.of("enabled", true)).status())
          .isEqualTo(200);
      JsonNode token = server.http.get("/v2/api_tokens/" + t.id(), admin.session()).body();
      assertThat(token.path("enabled").asBoolean())
          .as("token %s after its owner returned", t.id())
          .isFalse();
      assertThat(token.path("disabled_reason").asText()).isEqualTo("owner_disabled");
      assertThat(verifies(t.secret())).isFalse();
      assertLogTellsState("api_token", t.id(), token, "enabled", "realname");
    }
  }

  @Test
  void userDisableWhenRacingTheirRenameThenBothHold() {
    List<TestUser> users = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      users.add(fixtures.user(tenant, "analytic"));
    }
    TestUser otherAdmin = fixtures.user(tenant, "admin");
    List<Issued> byUser = users.stream().map(u -> new Issued(u.id(), null)).toList();
    race(
        byUser,
        u ->
            List.of(
                () -> userUpdate(u.id(), Map.of("enabled", false)),
                () ->
                    server.http.post(
                        "/v1/objects/user/update",
                        otherAdmin.session(),
                        Map.of(
                            "filter",
                            Map.of("id", u.id()),
                            "fields",
                            Map.of("realname", "n" + u.id())))),
        List.of(200, 200));
    for (TestUser u : users) {
      JsonNode user =
          server
              .http
              .post(
                  "/v1/objects/user",
                  admin.session(),
                  Map.of("filter", Map.of("clientid", tenant, "id", u.id())))
              .body()
              .get(0);
      assertThat(user.path("enabled").asBoolean()).as("user %s", u.id()).isFalse();
      assertThat(user.path("realname").asText()).isEqualTo("n" + u.id());
      assertLogTellsState("user", u.id(), user, "enabled", "realname");
    }
  }

  @Test
  void tenantDisableWhenRacingRenameThenBothHold() {
    List<Issued> tenants = new ArrayList<>();
    for (int i = 0; i < PAIRS / 2; i++) {
      tenants.add(new Issued(fixtures.tenant("Race tenant " + i), null));
    }
    TestUser global = fixtures.user(fixtures.technicalClient(), "partner_admin");
    race(
        tenants,
        c ->
            List.of(
                () ->
                    server.http.post(
                        "/v1/objects/client/update",
                        server.admin(),
                        Map.of("filter", Map.of("id", c.id()), "fields", Map.of("enabled", false))),
                () ->
                    server.http.post(
                        "/v1/objects/client/update",
                        global.session(),
                        Map.of(
                            "filter",
                            Map.of("id", c.id()),
                            "fields",
                            Map.of("name", "n" + c.id())))),
        List.of(200, 200));
    for (Issued c : tenants) {
      JsonNode client =
          server
              .http
              .post(
                  "/v1/objects/client",
                  server.admin(),
                  Map.of("filter", Map.of("id", List.of(c.id()))))
              .body()
              .get(0);
      assertThat(client.path("enabled").asBoolean()).as("tenant %s", c.id()).isFalse();
      assertThat(client.path("name").asText()).isEqualTo("n" + c.id());
    }
  }

  @Test
  void createWhenRacingPastTheClientsLimitThenNeverMoreThanTheLimit() {
    long limited = fixtures.tenant("Limited");
    Response set =
        server.http.post(
            "/v1/objects/client/update",
            server.admin(),
            Map.of("filter", Map.of("id", limited), "fields", Map.of("max_tokens", 5)));
    assertThat(set.status()).as("%s", set).isEqualTo(200);
    TestUser limitedAdmin = fixtures.user(limited, "admin");
    List<Future<Response>> creates = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 20; i++) {
      int n = i;
      creates.add(
          POOL.submit(
              () -> {
                go.await();
                return server.http.post(
                    "/v2/api_tokens",
                    limitedAdmin.session(),
                    Map.of("realname", "t" + n, "permissions", List.of("analytic")));
              }));
    }
    go.countDown();
    List<Integer> statuses =
        creates.stream().map(ConcurrentChangesIT::get).map(Response::status).toList();
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(15);
    assertThat(server.http.get("/v2/api_tokens?limit=100", limitedAdmin.session()).body())
        .hasSize(5);
  }

  private static List<Issued> tokens(TestUser owner, int count) {
    List<Issued> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(fixtures.token(owner.session(), List.of("analytic")));
    }
    return tokens;
  }

  private static Response userUpdate(long id, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", id), "fields", fields));
  }

  private interface Pair {
    List<Supplier<Response>> of(Issued object);
  }

  // Sends every object's two requests at once, all objects together; checks the statuses when
  // given.
  private static void race(List<Issued> objects, Pair pair, List<Integer> expected) {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> answers = new ArrayList<>();
    for (Issued object : objects) {
      for (Supplier<Response> request : pair.of(object)) {
        answers.add(
            POOL.submit(
                () -> {
                  go.await();
                  return request.get();
                }));
      }
    }
    go.countDown();
    for (int i = 0; i < answers.size(); i++) {
      Response answer = get(answers.get(i));
      assertThat(answer.status()).as("%s", answer).isLessThan(500);
      if (expected != null) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(expected.get(i % expected.size()));
      }
    }
  }

  private static Response get(Future<Response> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean verifies(String secret) {
    return server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).status() == 200;
  }

  /**
   * Replays the object's activity records field by field: an unbroken chain that ends in the state
   * seen.
   */
  private static void assertLogTellsState(String type, long id, JsonNode state, String... fields) {
    List<JsonNode> records = new ArrayList<>();
    for (int offset = 0; ; offset += 1000) {
      JsonNode page =
          server
              .http
              .get(
                  "/v2/activity_log?client_id="
                      + tenant
                      + "&object_type="
                      + type
                      + "&limit=1000&offset="
                      + offset,
                  admin.session())
              .body();
      page.forEach(
          r -> {
            if (r.path("object_id").asLong() == id) {
              records.add(r);
            }
          });
      if (page.size() < 1000) {
        break;
      }
    }
    records.sort((a, b) -> Long.compare(a.path("id").asLong(), b.path("id").asLong()));
    for (String field : fields) {
      String value = null;
      boolean started = false;
      for (JsonNode record : records) {
        JsonNode change = record.path("changes").path(field);
        if (change.isArray()) {
          String old = text(change.get(0));
          if (started) {
            assertThat(old)
                .as("%s %s: %s changed from a value it did not have (%s)", type, id, field, records)
                .isEqualTo(value);
          }
          value = text(change.get(1));
          started = true;
        }
      }
      if (started) {
        assertThat(text(state.path(field)))
            .as("%s %s: %s is not what its log says (%s)", type, id, field, records)
            .isEqualTo(value);
      }
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode()
        ? null
        : node.isTextual() ? node.asText() : Objects.toString(node);
  }
}
