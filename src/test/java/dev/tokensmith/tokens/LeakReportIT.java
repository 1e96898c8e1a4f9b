package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.MailServer.Mail;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.webhooks.Receiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leaked-token report: anyone posts secrets they found; each live token among them is disabled
 * at once as leaked, recorded, and its owner told by mail and webhook. The answer is the same 202
 * whatever matched, and reports are limited per address.
 */
@UsesDatabase
class LeakReportIT {
  private static final String REVOKE = "/v2/api_tokens/revoke";
  private static final ObjectMapper JSON = new ObjectMapper();

  static MailServer mail;
  static Receiver receiver;
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() {
    mail = MailServer.start();
    receiver = new Receiver();
    Map<String, String> settings = new HashMap<>(mail.settings());
    settings.put("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", "true");
    settings.put("TOKENSMITH_AUTH_FAILURES_PER_MINUTE", "20");
    server = TestServer.start(settings);
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      try {
        receiver.close();
      } finally {
        mail.close();
      }
    }
  }

  @Test
  void reportWhenSecretOfLiveTokenThenDisabledAsLeakedRecordedMailedAndHookedWithoutSecret()
      throws Exception {
    long tenant = fixtures.tenant("Leaked");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser owner = fixtures.user(tenant, "analytic");
    hook(admin, "/leaked");
    Issued token = fixtures.token(owner.session(), List.of("analytic"));
    assertThat(check(token).status()).as("cached as valid first").isEqualTo(200);
    drain();

    Response reported =
        report(List.of("not a secret", token.secret(), TestSecrets.unknown("tks1")));

    assertThat(reported.status()).as("%s", reported).isEqualTo(202);
    assertThat(reported.body().path("accepted").asInt()).isEqualTo(3);
    assertThat(reported.text()).doesNotContain(token.secret());
    assertThat(check(token).status()).as("refused at once").isEqualTo(401);
    JsonNode got = server.http.get("/v2/api_tokens/" + token.id(), admin.session()).body();
    assertThat(got.path("enabled").asBoolean()).isFalse();
    assertThat(got.path("disabled_reason").asText()).isEqualTo("leaked");
    String hint = got.path("secret_hint").asText();

    List<JsonNode> records = disables(admin, token.id());
    assertThat(records).hasSize(1);
    JsonNode record = records.get(0);
    assertThat(record.path("actor").path("type").asText()).isEqualTo("system");
    assertThat(record.path("source").asText()).isEqualTo("leak_report");
    assertThat(record.path("changes").path("disabled_reason").get(1).asText()).isEqualTo("leaked");
    assertThat(record.toString()).doesNotContain(token.secret());

    server.app.deliverNotices();
    List<Mail> mails = mailsTo(owner);
    assertThat(mails).hasSize(1);
    Mail m = mails.get(0);
    assertThat(m.subject()).contains("reported as leaked");
    assertThat(m.text()).contains(hint).contains("id " + token.id());
    assertThat(m.all()).doesNotContain(token.secret());
    assertThat(TokenSecrets.containsSecret(m.all())).isFalse();
    assertThat(mailsTo(admin)).as("a personal token: its owner only").isEmpty();

    List<String> events = new ArrayList<>();
    for (Receiver.Received r : receiver.received("/leaked")) {
      assertThat(r.body()).doesNotContain(token.secret());
      JsonNode body = JSON.readTree(r.body());
      if (body.path("data").path("id").asLong() == token.id()) {
        events.add(body.path("type").asText());
        assertThat(body.path("data").path("disabled_reason").asText()).isEqualTo("leaked");
      }
    }
    assertThat(events).containsExactlyInAnyOrder("token.disabled", "token.leaked");
    server.assertNoSecretLeaked();
  }

  @Test
  void reportWhenSharedTokenThenEveryEnabledAdministratorIsMailed() {
    long tenant = fixtures.tenant("Leaked shared");
    TestUser first = fixtures.user(tenant, "admin");
    TestUser second = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(tenant, "analytic");
    Issued shared = fixtures.sharedToken(first.session(), List.of("admin"));
    drain();

    assertThat(report(List.of(shared.secret())).status()).isEqualTo(202);

    server.app.deliverNotices();
    assertThat(mailsTo(first, second, analyst))
        .extracting(m -> m.to().get(0))
        .containsExactlyInAnyOrder(first.email(), second.email());
    assertThat(check(shared).status()).isEqualTo(401);
  }

  @Test
  void reportWhenUnknownGarbageOrMalformedValuesThen202AndNothingChanges() {
    long tenant = fixtures.tenant("Not leaked");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(owner.session(), List.of("admin"));
    String secret = token.secret();
    char last = secret.charAt(secret.length() - 1);
    String typo = secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a');
    drain();

    List<Object> garbage =
        Arrays.asList(
            "",
            "x",
            "\u0000\u001f<script>",
            typo,
            secret.toLowerCase(Locale.ROOT),
            " " + secret,
            TestSecrets.unknown("tks1"),
            TestSecrets.unknown("zzzz"),
            42,
            null,
            Map.of("token", "x"),
            List.of(secret.substring(0, 10)));
    Response reported = report(garbage);
    Response empty = report(List.of());

    assertThat(reported.status()).as("%s", reported).isEqualTo(202);
    assertThat(reported.body().path("accepted").asInt()).isEqualTo(garbage.size());
    assertThat(empty.status()).isEqualTo(202);
    assertThat(empty.body().path("accepted").asInt()).isZero();
    assertThat(check(token).status()).isEqualTo(200);
    JsonNode got = server.http.get("/v2/api_tokens/" + token.id(), owner.session()).body();
    assertThat(got.path("enabled").asBoolean()).isTrue();
    assertThat(disables(owner, token.id())).isEmpty();
    server.app.deliverNotices();
    assertThat(mailsTo(owner)).isEmpty();
  }

  @Test
  void reportWhenNotAListOrOverAHundredThen400AndNothingChanges() {
    long tenant = fixtures.tenant("Bad reports");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(owner.session(), List.of("admin"));
    List<String> tooMany = new ArrayList<>();
    tooMany.add(token.secret());
    for (int i = 0; i < LeakReports.MAX_SECRETS; i++) {
      tooMany.add("x" + i);
    }

    Response over = report(tooMany);
    Response missing = report(Map.of());
    Response text = report(Map.of("secrets", token.secret()));

    for (Response r : List.of(over, missing, text)) {
      assertThat(r.status()).as("%s", r).isEqualTo(400);
      assertThat(r.text()).doesNotContain(token.secret());
    }
    assertThat(check(token).status()).isEqualTo(200);
  }

  @Test
  void reportWhenAlreadyDisabledThenKeepsItsFirstReasonAndNoNotice() {
    long tenant = fixtures.tenant("Already off");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(owner.session(), List.of("admin"));
    Response off =
        server.http.put("/v2/api_tokens/" + token.id(), owner.session(), Map.of("enabled", false));
    assertThat(off.status()).as("%s", off).isEqualTo(200);
    JsonNode before = server.http.get("/v2/api_tokens/" + token.id(), owner.session()).body();
    drain();

    assertThat(report(List.of(token.secret(), token.secret())).status()).isEqualTo(202);

    JsonNode after = server.http.get("/v2/api_tokens/" + token.id(), owner.session()).body();
    assertThat(after.path("disabled_reason").asText()).isEqualTo("manual");
    assertThat(after.path("disabled_at")).isEqualTo(before.path("disabled_at"));
    assertThat(disables(owner, token.id())).hasSize(1);
    server.app.deliverNotices();
    assertThat(mailsTo(owner)).isEmpty();
  }

  @Test
  void reportWhenPreviousSecretThenDisabledWithinItsGracePeriodAndIgnoredAfterIt() {
    long tenant = fixtures.tenant("Renewed leak");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued graced = fixtures.token(owner.session(), List.of("admin"));
    Issued ended = fixtures.token(owner.session(), List.of("admin"));
    String gracedOld = renew(owner, graced, 3600);
    String endedOld = renew(owner, ended, 60);
    server.clock.advance(Duration.ofSeconds(61));

    assertThat(report(List.of(gracedOld, endedOld)).status()).isEqualTo(202);

    assertThat(reason(owner, graced)).as("its old value still opened it").isEqualTo("leaked");
    assertThat(reason(owner, ended)).as("its old value opens nothing any more").isEmpty();
  }

  @Test
  void reportWhenOverTheLimitOfTheAddressThen429WithRetryAfter() {
    // A window of its own: reports of the other tests are a minute behind.
    server.clock.advance(Duration.ofSeconds(61));
    long tenant = fixtures.tenant("Limited");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(owner.session(), List.of("admin"));
    for (int i = 0; i < 20; i++) {
      assertThat(report(List.of("x")).status()).as("report %d", i + 1).isEqualTo(202);
    }

    Response limited = report(List.of(token.secret()));

    assertThat(limited.status()).as("%s", limited).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotBlank();
    assertThat(check(token).status()).as("a refused report disables nothing").isEqualTo(200);
    server.clock.advance(Duration.ofSeconds(61));
    assertThat(report(List.of(token.secret())).status()).isEqualTo(202);
    assertThat(check(token).status()).isEqualTo(401);
    server.clock.advance(Duration.ofSeconds(61));
  }

  // ---- helpers --------------------------------------------------------------------------

  private static Response report(Object secrets) {
    Object body = secrets instanceof Map<?, ?> ? secrets : Map.of("secrets", secrets);
    return server.http.post(REVOKE, Auth.NONE, body);
  }

  // Renews the token with a grace period; returns its previous secret.
  private static String renew(TestUser owner, Issued token, int graceSeconds) {
    Response renewed =
        server.http.post(
            "/v2/api_tokens/" + token.id() + "/secret",
            owner.session(),
            Map.of("grace_seconds", graceSeconds));
    assertThat(renewed.status()).as("%s", renewed).isEqualTo(200);
    return token.secret();
  }

  private static String reason(TestUser reader, Issued token) {
    return server
        .http
        .get("/v2/api_tokens/" + token.id(), reader.session())
        .body()
        .path("disabled_reason")
        .asText("");
  }

  private static Response check(Issued token) {
    return server.http.post("/v2/auth/check", token.auth(), Map.of());
  }

  private static void hook(TestUser admin, String path) {
    Response created =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", receiver.url(path), "events", List.of("token.disabled", "token.leaked")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
  }

  private static void drain() {
    server.app.deliverNotices();
    mail.clear();
  }

  private static List<Mail> mailsTo(TestUser... users) {
    List<String> emails = Arrays.stream(users).map(TestUser::email).toList();
    return mail.received().stream().filter(m -> emails.contains(m.to().get(0))).toList();
  }

  private static List<JsonNode> disables(TestUser reader, long tokenId) {
    Response log =
        server.http.get(
            "/v2/activity_log?object_type=api_token&action=disable&limit=1000&client_id="
                + reader.clientId(),
            reader.session());
    assertThat(log.status()).as("%s", log).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    log.body()
        .forEach(
            r -> {
              if (r.path("object_id").asLong() == tokenId) {
                records.add(r);
              }
            });
    return records;
  }
}
