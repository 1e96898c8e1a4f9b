package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.MailServer.Mail;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The expiry notice: three days before a token expires, an e-mail to its owner (a shared token: to
 * every administrator of its client) and a {@code token.expiring} activity record, once per token
 * per expiry date, never for a token whose whole lifetime is under three days. The test clock
 * moves; the background jobs run when the test says.
 */
@UsesDatabase
class ExpiryNoticeIT {
  static MailServer mail;
  static TestDatabase database;
  static Map<String, String> settings;
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() {
    mail = MailServer.start();
    database = TestDatabase.create();
    settings = new HashMap<>(database.keys());
    settings.putAll(mail.settings());
    server = TestServer.startOn(database, settings);
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      try {
        database.close();
      } finally {
        mail.close();
      }
    }
  }

  @Test
  void warnWhenThreeDaysBeforeExpiryThenOwnerMailedOnceWithoutSecretAndActivityRecorded() {
    long tenant = fixtures.tenant("Expiring");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser owner = fixtures.user(tenant, "analytic");
    Issued token = token(session(owner), "deploy <prod>", Duration.ofDays(10), false);
    String hint =
        server
            .http
            .get("/v2/api_tokens/" + token.id(), session(owner))
            .body()
            .path("secret_hint")
            .asText();

    assertThat(run(owner)).as("ten days ahead").isEmpty();
    server.clock.advance(Duration.ofDays(7).minusMinutes(1));
    assertThat(run(owner)).as("a minute more than three days ahead").isEmpty();
    server.clock.advance(Duration.ofMinutes(2));

    List<Mail> mails = run(owner);

    assertThat(mails).hasSize(1);
    Mail m = mails.get(0);
    assertThat(m.to()).containsExactly(owner.email());
    assertThat(m.subject()).startsWith("API token \"deploy <prod>\" expires on ").endsWith(" UTC");
    assertThat(m.text()).contains(hint).contains("id " + token.id()).contains("personal");
    assertThat(m.html()).contains("deploy &lt;prod&gt;").doesNotContain("deploy <prod>");
    assertThat(m.all()).doesNotContain(token.secret());
    assertThat(TokenSecrets.containsSecret(m.all())).isFalse();
    List<JsonNode> records = expiring(admin, token.id());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).path("actor").path("type").asText()).isEqualTo("system");
    assertThat(records.get(0).path("object_type").asText()).isEqualTo("api_token");

    server.clock.advance(Duration.ofHours(1));
    assertThat(run(owner)).as("once per expiry date").isEmpty();
    server.clock.advance(Duration.ofDays(1));
    assertThat(run(owner)).as("once per expiry date").isEmpty();
    assertThat(expiring(admin, token.id())).hasSize(1);
  }

  @Test
  void warnWhenExpiryMovedThenTheNewDateGetsANoticeOfItsOwn() {
    long tenant = fixtures.tenant("Moved expiry");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = token(session(owner), "moved", Duration.ofDays(5), false);
    server.clock.advance(Duration.ofDays(2).plusMinutes(1));
    assertThat(run(owner)).hasSize(1);

    Response moved =
        server.http.put(
            "/v2/api_tokens/" + token.id(),
            session(owner),
            Map.of("expire_at", IsoTime.format(server.clock.instant().plus(Duration.ofDays(5)))));
    assertThat(moved.status()).as("%s", moved).isEqualTo(200);
    assertThat(run(owner)).as("five days ahead").isEmpty();
    server.clock.advance(Duration.ofDays(2).plusMinutes(1));

    assertThat(run(owner)).as("the new date").hasSize(1);
    assertThat(run(owner)).isEmpty();
    assertThat(expiring(owner, token.id())).hasSize(2);
  }

  @Test
  void warnWhenLifetimeUnderThreeDaysOrTokenDisabledThenNone() {
    long tenant = fixtures.tenant("Short lived");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued shortLived = token(session(owner), "short", Duration.ofDays(3).minusMinutes(1), false);
    Issued disabled = token(session(owner), "disabled", Duration.ofDays(4), false);
    Response off =
        server.http.put(
            "/v2/api_tokens/" + disabled.id(), session(owner), Map.of("enabled", false));
    assertThat(off.status()).as("%s", off).isEqualTo(200);

    for (int hours = 0; hours < 72; hours += 12) {
      assertThat(run(owner)).as("%d hours on", hours).isEmpty();
      server.clock.advance(Duration.ofHours(12));
    }
    assertThat(expiring(owner, shortLived.id())).isEmpty();
    assertThat(expiring(owner, disabled.id())).isEmpty();
  }

  @Test
  void warnWhenLifetimeExactlyThreeDaysThenWarnedAtOnce() {
    long tenant = fixtures.tenant("Three days");
    TestUser owner = fixtures.user(tenant, "admin");
    token(session(owner), "three days", Duration.ofDays(3), false);

    assertThat(run(owner)).hasSize(1);
  }

  @Test
  void warnWhenSharedTokenThenEveryEnabledAdministratorOfItsClientAndNoOneElse() {
    long tenant = fixtures.tenant("Shared expiry");
    TestUser first = fixtures.user(tenant, "admin");
    TestUser second = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(tenant, "analytic");
    TestUser gone = fixtures.user(tenant, "admin");
    Response off =
        server.http.post(
            "/v1/objects/user/update",
            session(first),
            Map.of("filter", Map.of("id", gone.id()), "fields", Map.of("enabled", false)));
    assertThat(off.status()).as("%s", off).isEqualTo(200);
    Issued shared = token(session(first), "shared deploy", Duration.ofDays(4), true);
    server.clock.advance(Duration.ofDays(1).plusMinutes(1));

    List<Mail> mails = run(first, second, analyst, gone);

    assertThat(mails)
        .extracting(m -> m.to().get(0))
        .containsExactlyInAnyOrder(first.email(), second.email());
    assertThat(mails).allMatch(m -> m.text().contains("shared"));
    assertThat(mails).extracting(Mail::deliveryId).doesNotHaveDuplicates();
    assertThat(expiring(first, shared.id())).hasSize(1);
    assertThat(run(first, second, analyst, gone)).isEmpty();
  }

  @Test
  void warnWhenAnotherInstanceRunsTheJobsAfterwardsThenNoSecondNotice() {
    long tenant = fixtures.tenant("Two instances");
    TestUser owner = fixtures.user(tenant, "admin");
    Issued token = token(session(owner), "seen twice", Duration.ofDays(4), false);
    server.clock.advance(Duration.ofDays(1).plusMinutes(1));
    assertThat(run(owner)).hasSize(1);

    mail.clear();
    try (TestServer other = TestServer.startOn(database, settings)) {
      other.clock.set(server.clock.instant());
      other.app.runJobs();
      other.app.deliverNotices();
      server.app.deliverNotices();
    }

    assertThat(mine(owner)).as("the second instance warned no one again").isEmpty();
    assertThat(expiring(owner, token.id())).hasSize(1);
  }

  // ---- helpers --------------------------------------------------------------------------

  // A session at the test clock's time (the clock moves days: older sessions have ended).
  private static Auth.Session session(TestUser user) {
    return server.login(user.email(), Fixtures.PASSWORD);
  }

  private static Issued token(Auth owner, String name, Duration lifetime, boolean shared) {
    Map<String, Object> body = new HashMap<>();
    body.put("realname", name);
    body.put("permissions", List.of(shared ? "admin" : "analytic"));
    body.put("expire_at", IsoTime.format(server.clock.instant().plus(lifetime)));
    if (shared) {
      body.put("shared", true);
    }
    return fixtures.token(owner, body);
  }

  /** Runs the background jobs and sends the notices due; the mails to these users since then. */
  private static List<Mail> run(TestUser... users) {
    mail.clear();
    server.app.runJobs();
    server.app.deliverNotices();
    return mine(users);
  }

  private static List<Mail> mine(TestUser... users) {
    Set<String> emails = new java.util.HashSet<>();
    for (TestUser user : users) {
      emails.add(user.email());
    }
    List<Mail> mails = new ArrayList<>();
    for (Mail m : mail.received()) {
      if (emails.contains(m.to().get(0))) {
        mails.add(m);
      }
    }
    return mails;
  }

  private static List<JsonNode> expiring(TestUser reader, long tokenId) {
    Response log =
        server.http.get(
            "/v2/activity_log?object_type=api_token&action=expiring&limit=1000&client_id="
                + reader.clientId(),
            session(reader));
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
