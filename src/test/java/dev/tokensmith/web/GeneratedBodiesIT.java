package dev.tokensmith.web;

import static dev.tokensmith.web.Rejections.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.web.GeneratedBodies.Body;
import dev.tokensmith.web.GeneratedBodies.Mutation;
import dev.tokensmith.web.GeneratedBodies.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated bodies against every create/update endpoint: the answer is never a 5xx, always the
 * envelope with the HTTP status in it; a refusal changes nothing, and a success leaves the server
 * consistent (what was written reads back the same).
 */
@UsesDatabase
class GeneratedBodiesIT {
  /** The endpoints under test; {@code {token}} is the live target token. */
  enum Write {
    CREATE_TOKEN("POST", "/v2/api_tokens"),
    UPDATE_TOKEN("PUT", "/v2/api_tokens/{token}"),
    RENEW_TOKEN("POST", "/v2/api_tokens/{token}/secret"),
    CREATE_USER("POST", "/v1/objects/user/create"),
    UPDATE_USER("POST", "/v1/objects/user/update"),
    DELETE_USER("POST", "/v1/objects/user/delete"),
    CREATE_CLIENT("POST", "/v1/objects/client/create"),
    UPDATE_CLIENT("POST", "/v1/objects/client/update"),
    LOGIN("POST", "/v1/login");

    final String method;
    final String path;

    Write(String method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  // jqwik has no @BeforeAll: the server starts with the first try and stops after the class.
  // Shrinking is off: it re-runs tries against a server whose state has moved on (and, past its
  // time
  // bound, in the background), which hides the real failure; the failure message carries the whole
  // body.
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static TestServer server;
  private static Fixtures fixtures;
  private static Rejections rejections;
  private static Auth.Session admin;
  private static String partnerUuid;
  private static long tokenId;
  private static long userId;
  private static long tenantId;
  // The database as the last refused request left it: the next request's "before", saving a read.
  private static String lastState;

  private static synchronized void started() {
    if (server != null) {
      return;
    }
    server = TestServer.start();
    fixtures = new Fixtures(server);
    rejections = new Rejections(server);
    admin = server.admin();
    partnerUuid = server.http.get("/v1/user", admin).body().path("partner_uuid").asText();
    tokenId = fixtures.token(admin, List.of("admin")).id();
    userId = fixtures.user(fixtures.technicalClient(), "analytic").id();
    tenantId = fixtures.tenant("Generated tenant");
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      rejections.close();
      server.close();
      server = null;
      lastState = null;
    }
  }

  @BeforeProperty
  void forgetState() {
    lastState = null;
  }

  @Provide
  Arbitrary<Body> anyJson() {
    return GeneratedBodies.anyJson();
  }

  @Provide
  Arbitrary<Body> fieldObjects() {
    return GeneratedBodies.fieldObjects();
  }

  @Property(tries = 100, shrinking = ShrinkingMode.OFF)
  void everyWriteWhenAnyJsonThenEnvelopeAndNeverServerError(@ForAll("anyJson") Body body) {
    started();
    for (Write write : Write.values()) {
      check(write, body);
    }
  }

  @Property(tries = 100, shrinking = ShrinkingMode.OFF)
  void everyWriteWhenRealFieldsWithWrongValuesThenEnvelopeAndNeverServerError(
      @ForAll("fieldObjects") Body body) {
    started();
    for (Write write : Write.values()) {
      check(write, body);
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return GeneratedBodies.mutations();
  }

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void anyWriteWhenValidBodyWithOneFieldChangedThenEnvelopeAndNeverServerError(
      @ForAll Write write, @ForAll("mutations") Mutation mutation) {
    started();
    check(write, new Body(mutation.applyTo(valid(write)), false));
    // Most of these bodies are still valid: a generator that stopped producing successes would test
    // little.
    Statistics.label("answer").coverage(coverage -> coverage.check("2xx").percentage(p -> p >= 20));
  }

  /** A body the endpoint accepts from the Global Administrator. */
  private static Map<String, Object> valid(Write write) {
    int n = SEQUENCE.incrementAndGet();
    return switch (write) {
      case CREATE_TOKEN ->
          Map.of(
              "realname",
              "generated " + n,
              "permissions",
              List.of("api_tokens:view"),
              "expire_at",
              "2033-06-13T04:56:01.037Z",
              "allowed_ips",
              List.of("10.0.0.0/8"),
              "usage",
              "api");
      case UPDATE_TOKEN ->
          Map.of(
              "realname",
              "renamed " + n,
              "expire_at",
              "2034-01-01T00:00:00.000Z",
              "permissions",
              List.of("admin"));
      case RENEW_TOKEN -> Map.of("grace_seconds", 60);
      case CREATE_USER ->
          Map.of(
              "email",
              "generated" + n + "@example.com",
              "realname",
              "Generated " + n,
              "password",
              "long-enough-password",
              "permissions",
              List.of("analytic"),
              "clientid",
              Target.TENANT);
      case UPDATE_USER ->
          Map.of(
              "filter",
              Map.of("id", Target.USER),
              "fields",
              Map.of(
                  "realname",
                  "Renamed " + n,
                  "permissions",
                  List.of("analytic"),
                  "enabled",
                  true,
                  "sso",
                  "none",
                  "api_access",
                  false));
      case DELETE_USER -> Map.of("filter", Map.of("id", Target.USER));
      case CREATE_CLIENT ->
          Map.of(
              "name",
              "Generated " + n,
              "vuln_prefix",
              String.format("G%03d", n % 1000),
              "partner_uuid",
              Target.PARTNER_UUID);
      case UPDATE_CLIENT ->
          Map.of("filter", Map.of("id", Target.TENANT), "fields", Map.of("name", "Renamed " + n));
      case LOGIN -> Map.of("email", TestServer.ADMIN_EMAIL, "password", TestServer.ADMIN_PASSWORD);
    };
  }

  private static void check(Write write, Body body) {
    String text = body.write(GeneratedBodiesIT::target);
    String path = write.path.replace("{token}", Long.toString(tokenId));
    Auth auth = write == Write.LOGIN ? Auth.NONE : admin;
    String before = lastState != null ? lastState : rejections.state();
    lastState = null;

    Response r = server.http.send(write.method, path, auth, text, Map.of());

    Statistics.label("answer").collect(r.status() / 100 + "xx");
    assertThat(r.status()).as("%s %s: %s", write, body, r).isLessThan(500);
    assertEnvelope(r);
    if (r.status() >= 400) {
      String after = rejections.state();
      assertThat(after).as("a refused %s changed the database: %s", write, r).isEqualTo(before);
      lastState = after;
    } else {
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertConsistent(write, r);
    }
  }

  private static Object target(Target target) {
    return switch (target) {
      case ADMIN -> admin.userId();
      case USER -> userId;
      case TOKEN -> tokenId;
      case TENANT -> tenantId;
      case PARTNER_UUID -> partnerUuid;
    };
  }

  /** What a success wrote reads back the same; objects the test created are removed again. */
  private static void assertConsistent(Write write, Response r) {
    JsonNode written = r.body();
    switch (write) {
      case CREATE_TOKEN -> {
        ObjectNode expected = (ObjectNode) written.deepCopy();
        expected.remove("secret");
        assertThat(server.http.get("/v2/api_tokens/" + r.id(), admin).body()).isEqualTo(expected);
        assertThat(server.http.delete("/v2/api_tokens/" + r.id(), admin).status()).isEqualTo(200);
      }
      case UPDATE_TOKEN ->
          assertThat(server.http.get("/v2/api_tokens/" + tokenId, admin).body()).isEqualTo(written);
      case RENEW_TOKEN -> {
        Response secret = server.http.get("/v2/api_tokens/" + tokenId + "/secret", admin);
        assertThat(secret.status()).isIn(200, 410);
        if (secret.status() == 200) {
          assertThat(secret.body().path("secret")).isEqualTo(written.path("secret"));
        }
      }
      case CREATE_USER -> {
        // A user made without a password: the one-time link is in the create answer only.
        ObjectNode expected = (ObjectNode) written.deepCopy();
        expected.remove("set_password_url");
        assertThat(user(written)).isEqualTo(expected);
        // The only user of a role in its client is that client's last admin of the role, and stays.
        Response deleted =
            server.http.post(
                "/v1/objects/user/delete", admin, Map.of("filter", Map.of("id", r.id())));
        if (deleted.status() != 200) {
          Rejections.assertField(deleted, "id", "not_allowed");
        }
      }
      case UPDATE_USER -> assertThat(user(written)).isEqualTo(written);
      case DELETE_USER -> {
        assertThat(user(written)).isNull();
        if (r.id() == userId) {
          userId = fixtures.user(fixtures.technicalClient(), "analytic").id();
        }
      }
      case CREATE_CLIENT -> assertThat(client(r.id())).isEqualTo(written);
      case UPDATE_CLIENT -> {
        // The answer is a list of the updated clients: here the one the filter named.
        assertThat(written.size()).isEqualTo(1);
        long id = written.path(0).path("id").asLong();
        assertThat(client(id)).isEqualTo(written.path(0));
        // Back to defaults, so a limit or show_once set by chance does not block the tries that
        // follow.
        Map<String, Object> defaults = new HashMap<>(Map.of("enabled", true, "show_once", false));
        defaults.put("max_tokens", null);
        assertThat(
                server
                    .http
                    .post(
                        "/v1/objects/client/update",
                        admin,
                        Map.of("filter", Map.of("id", id), "fields", defaults))
                    .status())
            .isEqualTo(200);
      }
      case LOGIN -> assertThat(written.path("csrf_token").isTextual()).isTrue();
    }
  }

  private static JsonNode client(long id) {
    return server
        .http
        .post("/v1/objects/client", admin, Map.of("filter", Map.of("id", List.of(id))))
        .body()
        .path(0);
  }

  /** The user as the users list shows it now, or null. */
  private static JsonNode user(JsonNode written) {
    Response list =
        server.http.post(
            "/v1/objects/user",
            admin,
            Map.of(
                "filter",
                Map.of(
                    "clientid",
                    written.path("clientid").asLong(),
                    "id",
                    written.path("id").asLong())));
    assertThat(list.status()).as("%s", list).isEqualTo(200);
    return list.body().size() == 0 ? null : list.body().get(0);
  }
}
