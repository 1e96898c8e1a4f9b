package dev.tokensmith.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks through the real server and a real receiver: signed deliveries written with the change,
 * retried as the clock moves until accepted once, redirects not followed, the deliveries list and
 * its retry, a test delivery, no secret in any payload, and who may manage them.
 */
@UsesDatabase
class WebhookIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static TestServer server;
  static Fixtures fixtures;
  static Receiver receiver;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    server = TestServer.start(Map.of("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", "true"));
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      receiver.close();
    }
  }

  record Hook(long id, String secret, TestUser admin) {}

  @Test
  void createWhenAdminThenSigningSecretShownOnceAndNeverAgain() {
    TestUser admin = fixtures.user(fixtures.tenant("Secret once"), "admin");
    Response created =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", receiver.url("/once"), "events", List.of("token.created")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    String secret = created.body().path("signing_secret").asText();
    assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
    assertThat(created.body().path("enabled").asBoolean()).isTrue();
    assertThat(created.body().path("client_id").asLong()).isEqualTo(admin.clientId());

    Response got = server.http.get("/v2/webhooks/" + created.id(), admin.session());
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body().has("signing_secret")).isFalse();
    Response list = server.http.get("/v2/webhooks", admin.session());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).hasSize(1);
    assertThat(list.text()).doesNotContain(secret);
    assertThat(server.databaseText()).doesNotContain(secret);

    Response rotated =
        server.http.post("/v2/webhooks/" + created.id() + "/secret", admin.session(), Map.of());
    assertThat(rotated.status()).isEqualTo(200);
    assertThat(rotated.body().path("signing_secret").asText())
        .startsWith("whsec_")
        .isNotEqualTo(secret);
  }

  @Test
  void tokenEventsWhenSubscribedThenSignedDeliveryRetriedUntilAcceptedExactlyOnce()
      throws Exception {
    Hook hook =
        hook(
            "Token events", "/tokens", List.of("token.created", "token.disabled", "token.deleted"));
    receiver.script("/tokens", 500, 500);

    Issued token = fixtures.token(hook.admin().session(), List.of("admin"));
    Instant start = server.clock.instant();
    for (int attempt = 1; attempt <= 3; attempt++) {
      server.app.deliverNotices();
      assertThat(receiver.received("/tokens")).as("attempt %d", attempt).hasSize(attempt);
      server.clock.advance(Duration.ofSeconds(61));
    }
    server.app.deliverNotices();
    server.clock.advance(Duration.ofHours(2));
    server.app.deliverNotices();
    List<Receiver.Received> created = receiver.received("/tokens");
    assertThat(created).as("two failures, then one success, then nothing").hasSize(3);
    assertThat(created.stream().map(r -> r.header("X-Tokensmith-Delivery")).distinct())
        .as("one delivery id across the attempts")
        .hasSize(1);
    for (Receiver.Received r : created) {
      verifySignature(r, hook.secret());
      assertThat(r.header("X-Tokensmith-Event")).isEqualTo("token.created");
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
    }
    JsonNode body = JSON.readTree(created.get(0).body());
    assertThat(body.path("id").asText()).isEqualTo(created.get(0).header("X-Tokensmith-Delivery"));
    assertThat(body.path("type").asText()).isEqualTo("token.created");
    assertThat(body.path("client_id").asLong()).isEqualTo(hook.admin().clientId());
    assertThat(Instant.parse(body.path("time").asText()))
        .isEqualTo(start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(body.path("data").path("id").asLong()).isEqualTo(token.id());
    assertThat(body.path("data").path("secret_hint").asText())
        .startsWith(token.secret().substring(0, 4))
        .endsWith(token.secret().substring(60));
    assertThat(created.get(0).body()).doesNotContain(token.secret());
    assertThat(SecretLedger.findIn(created.get(0).body())).isNull();

    Response deliveries =
        server.http.get("/v2/webhooks/" + hook.id() + "/deliveries", hook.admin().session());
    assertThat(deliveries.status()).isEqualTo(200);
    JsonNode first = deliveries.body().get(0);
    assertThat(first.path("event").asText()).isEqualTo("token.created");
    assertThat(first.path("status").asText()).isEqualTo("sent");
    assertThat(first.path("attempts").asInt()).isEqualTo(3);
    assertThat(first.path("last_error").isNull()).isTrue();

    // Renewal is not subscribed to; disable and delete are.
    assertThat(
            server
                .http
                .post("/v2/api_tokens/" + token.id() + "/secret", hook.admin().session(), Map.of())
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .put(
                    "/v2/api_tokens/" + token.id(),
                    hook.admin().session(),
                    Map.of("enabled", false))
                .status())
        .isEqualTo(200);
    assertThat(server.http.delete("/v2/api_tokens/" + token.id(), hook.admin().session()).status())
        .isEqualTo(200);
    server.app.deliverNotices();
    List<String> events =
        receiver.received("/tokens").stream().map(r -> r.header("X-Tokensmith-Event")).toList();
    assertThat(events.subList(0, 3)).containsOnly("token.created");
    // Deliveries due at the same moment go out in no particular order.
    assertThat(events.subList(3, events.size()))
        .containsExactlyInAnyOrder("token.disabled", "token.deleted");
    for (Receiver.Received r : receiver.received("/tokens")) {
      verifySignature(r, hook.secret());
      assertThat(SecretLedger.findIn(r.body())).isNull();
    }
  }

  @Test
  void expiringWhenTokenNearsItsExpiryThenTokenExpiringDelivered() throws Exception {
    Hook hook = hook("Expiring", "/expiring", List.of("token.expiring"));
    Instant expireAt = server.clock.instant().plus(Duration.ofDays(5));
    Issued token =
        fixtures.expiringToken(hook.admin().session(), List.of("admin"), expireAt.toString());
    server.clock.advance(Duration.ofDays(3));
    server.app.runJobs();
    server.app.deliverNotices();
    List<Receiver.Received> got = receiver.received("/expiring");
    assertThat(got).hasSize(1);
    verifySignature(got.get(0), hook.secret());
    JsonNode body = JSON.readTree(got.get(0).body());
    assertThat(body.path("type").asText()).isEqualTo("token.expiring");
    assertThat(body.path("data").path("id").asLong()).isEqualTo(token.id());
    server.app.runJobs();
    server.app.deliverNotices();
    assertThat(receiver.received("/expiring")).as("once per expiry date").hasSize(1);
  }

  @Test
  void userAndNodeEventsWhenSubscribedThenDeliveredWithTheirObjects() throws Exception {
    Hook hook =
        hook(
            "Users and nodes",
            "/people",
            List.of("user.created", "user.disabled", "user.role_changed", "node.registered"));
    TestUser user =
        fixtures.user(hook.admin().session(), hook.admin().clientId(), List.of("analytic"));
    Response changed =
        server.http.post(
            "/v1/objects/user/update",
            hook.admin().session(),
            Map.of(
                "filter",
                Map.of("id", user.id()),
                "fields",
                Map.of("permissions", List.of("auditor"))));
    assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    Response disabled =
        server.http.post(
            "/v1/objects/user/update",
            hook.admin().session(),
            Map.of("filter", Map.of("id", user.id()), "fields", Map.of("enabled", false)));
    assertThat(disabled.status()).as("%s", disabled).isEqualTo(200);
    Issued deploy = fixtures.token(hook.admin().session(), List.of("admin"));
    Response registered =
        server.http.post(
            "/v2/node/register",
            deploy.auth(),
            Map.of("hostname", "host-1", "labels", Map.of("group", "webhook-group")));
    assertThat(registered.status()).as("%s", registered).isEqualTo(200);

    server.app.deliverNotices();
    Map<String, JsonNode> byEvent =
        receiver.received("/people").stream()
            .collect(
                Collectors.toMap(
                    r -> r.header("X-Tokensmith-Event"),
                    r -> {
                      try {
                        verifySignature(r, hook.secret());
                        assertThat(SecretLedger.findIn(r.body())).isNull();
                        return JSON.readTree(r.body()).path("data");
                      } catch (Exception e) {
                        throw new AssertionError(e);
                      }
                    }));
    assertThat(byEvent)
        .containsOnlyKeys("user.created", "user.role_changed", "user.disabled", "node.registered");
    assertThat(byEvent.get("user.created").path("email").asText()).isEqualTo(user.email());
    assertThat(byEvent.get("user.role_changed").path("role").asText()).isEqualTo("auditor");
    assertThat(byEvent.get("user.role_changed").path("previous_role").asText())
        .isEqualTo("analytic");
    assertThat(byEvent.get("user.disabled").path("enabled").asBoolean()).isFalse();
    assertThat(byEvent.get("node.registered").path("instance_uuid").asText())
        .isEqualTo(registered.body().path("uuid").asText());
    assertThat(byEvent.get("node.registered").path("token_id").asLong()).isEqualTo(deploy.id());
  }

  @Test
  void deliveryWhenAnsweredWithRedirectThenNotFollowedAndRetried() {
    Hook hook = hook("Redirect", "/redirect", List.of("token.created"));
    fixtures.token(hook.admin().session(), List.of("admin"));
    server.app.deliverNotices();
    assertThat(receiver.received("/redirect")).hasSize(1);
    assertThat(receiver.received("/target")).as("the redirect is not followed").isEmpty();
    JsonNode delivery =
        server
            .http
            .get("/v2/webhooks/" + hook.id() + "/deliveries", hook.admin().session())
            .body()
            .get(0);
    assertThat(delivery.path("status").asText()).isEqualTo("pending");
    assertThat(delivery.path("last_error").asText()).contains("302").contains("redirect");
    assertThat(delivery.path("next_attempt_at").isTextual()).isTrue();
  }

  @Test
  void retryWhenDeliveryFailedThenSentAgainAndOnlyThen() throws Exception {
    Hook hook = hook("Retry", "/retry", List.of("token.created"));
    Response ping =
        server.http.post("/v2/webhooks/" + hook.id() + "/ping", hook.admin().session(), Map.of());
    assertThat(ping.status()).as("%s", ping).isEqualTo(200);
    String deliveryId = ping.body().path("id").asText();
    assertThat(ping.body().path("event").asText()).isEqualTo("ping");
    String retryPath = "/v2/webhooks/" + hook.id() + "/deliveries/" + deliveryId + "/retry";
    assertThat(server.http.post(retryPath, hook.admin().session(), Map.of()).status())
        .as("a pending delivery is not retried")
        .isEqualTo(409);

    // A disabled webhook's delivery is given up.
    server.http.put("/v2/webhooks/" + hook.id(), hook.admin().session(), Map.of("enabled", false));
    server.app.deliverNotices();
    assertThat(receiver.received("/retry")).isEmpty();
    JsonNode failed =
        server
            .http
            .get("/v2/webhooks/" + hook.id() + "/deliveries", hook.admin().session())
            .body()
            .get(0);
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("last_error").asText()).contains("disabled");

    server.http.put("/v2/webhooks/" + hook.id(), hook.admin().session(), Map.of("enabled", true));
    Response retried = server.http.post(retryPath, hook.admin().session(), Map.of());
    assertThat(retried.status()).as("%s", retried).isEqualTo(200);
    assertThat(retried.body().path("status").asText()).isEqualTo("pending");
    server.app.deliverNotices();
    List<Receiver.Received> got = receiver.received("/retry");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).header("X-Tokensmith-Event")).isEqualTo("ping");
    assertThat(got.get(0).header("X-Tokensmith-Delivery")).isEqualTo(deliveryId);
    verifySignature(got.get(0), hook.secret());
    assertThat(server.http.post(retryPath, hook.admin().session(), Map.of()).status())
        .as("a sent delivery is not retried")
        .isEqualTo(409);
    assertThat(
            server
                .http
                .post(
                    "/v2/webhooks/"
                        + hook.id()
                        + "/deliveries/00000000-0000-0000-0000-000000000000/retry",
                    hook.admin().session(),
                    Map.of())
                .status())
        .isEqualTo(404);
  }

  @Test
  void manageWhenNotAdminOrAnotherClientThenForbiddenOrNotFound() {
    Hook hook = hook("Authorization", "/auth", List.of("token.created"));
    TestUser analyst = fixtures.user(hook.admin().clientId(), "analytic");
    assertThat(server.http.get("/v2/webhooks", analyst.session()).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/webhooks/" + hook.id(), analyst.session()).status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .post(
                    "/v2/webhooks",
                    analyst.session(),
                    Map.of("url", receiver.url("/auth"), "events", List.of("token.created")))
                .status())
        .isEqualTo(403);

    TestUser other = fixtures.otherPartnerAdmin();
    String path = "/v2/webhooks/" + hook.id();
    assertThat(server.http.get(path, other.session()).status()).isEqualTo(404);
    assertThat(server.http.put(path, other.session(), Map.of("enabled", false)).status())
        .isEqualTo(404);
    assertThat(server.http.delete(path, other.session()).status()).isEqualTo(404);
    assertThat(server.http.get(path + "/deliveries", other.session()).status()).isEqualTo(404);
    assertThat(server.http.post(path + "/secret", other.session(), Map.of()).status())
        .isEqualTo(404);
    assertThat(
            server
                .http
                .get("/v2/webhooks?client_id=" + hook.admin().clientId(), other.session())
                .status())
        .isEqualTo(403);
    assertThat(server.http.get(path, hook.admin().session()).body().path("enabled").asBoolean())
        .as("unchanged")
        .isTrue();

    // The partner's Global Administrator manages the tenant's webhooks by naming it.
    Response listed =
        server.http.get("/v2/webhooks?client_id=" + hook.admin().clientId(), server.admin());
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).hasSize(1);
    assertThat(server.http.get(path, server.admin()).status()).isEqualTo(200);
  }

  @Test
  void createWhenInputBadThenFieldErrorAndNothingCreated() {
    TestUser admin = fixtures.user(fixtures.tenant("Bad input"), "admin");
    expectError(admin, Map.of("events", List.of("token.created")), "url", "required");
    expectError(admin, Map.of("url", receiver.url("/x")), "events", "required");
    expectError(
        admin, Map.of("url", receiver.url("/x"), "events", List.of()), "events", "required");
    expectError(
        admin,
        Map.of("url", receiver.url("/x"), "events", List.of("token.exploded")),
        "events",
        "invalid");
    expectError(
        admin, Map.of("url", receiver.url("/x"), "events", List.of("ping")), "events", "invalid");
    expectError(
        admin,
        Map.of("url", "ftp://example.com/x", "events", List.of("token.created")),
        "url",
        "invalid");
    expectError(
        admin,
        Map.of("url", "http://user:pw@127.0.0.1/x", "events", List.of("token.created")),
        "url",
        "invalid");
    expectError(
        admin, Map.of("url", "not a url", "events", List.of("token.created")), "url", "invalid");
    assertThat(server.http.get("/v2/webhooks", admin.session()).body()).isEmpty();
  }

  private static void expectError(
      TestUser admin, Map<String, Object> body, String field, String code) {
    Response r = server.http.post("/v2/webhooks", admin.session(), body);
    assertThat(r.status()).as("%s → %s", body, r).isEqualTo(400);
    assertThat(r.body().path(field).path("error").asText()).as("%s", r).isEqualTo(code);
  }

  private static Hook hook(String tenant, String path, List<String> events) {
    TestUser admin = fixtures.user(fixtures.tenant(tenant), "admin");
    Response created =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", receiver.url(path), "events", events, "description", tenant));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    return new Hook(created.id(), created.body().path("signing_secret").asText(), admin);
  }

  // What a receiver does: HMAC-SHA-256 of "timestamp.body" with the signing secret, compared in
  // constant time.
  private static void verifySignature(Receiver.Received r, String secret) throws Exception {
    String timestamp = r.header("X-Tokensmith-Timestamp");
    assertThat(timestamp).matches("[0-9]{10}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        "sha256="
            + HexFormat.of()
                .formatHex(
                    mac.doFinal((timestamp + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    assertThat(
            MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                r.header("X-Tokensmith-Signature").getBytes(StandardCharsets.US_ASCII)))
        .as("signature of %s", r.header("X-Tokensmith-Delivery"))
        .isTrue();
  }
}
