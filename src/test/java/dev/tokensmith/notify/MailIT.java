package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.MailServer.Mail;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * E-mail over SMTP to a real mail server (GreenMail): with e-mail on, one-time links go to the user
 * by mail through the outbox instead of being shown, the mail's link sets the password, and no mail
 * carries a secret.
 */
@UsesDatabase
class MailIT {
  private static final Pattern LINK =
      Pattern.compile(
          Pattern.quote(MailServer.PUBLIC_URL)
              + "/console/set-password\\?code=([A-Za-z0-9_-]{43})");
  private static final String NEW_PASSWORD = "a-mailed-password-2";

  static MailServer mail;
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() {
    mail = MailServer.start();
    server = TestServer.start(mail.settings());
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      mail.close();
    }
  }

  @BeforeEach
  void emptyMailbox() {
    server.app.deliverNotices();
    mail.clear();
  }

  @Test
  void inviteWhenEmailOnThenLinkIsMailedNotShownAndItSetsThePassword() {
    long tenant = fixtures.tenant("Mailed");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    // A token of the admin: its secret must appear in no mail.
    fixtures.token(admin.session(), List.of("admin"));

    Response invited =
        server.http.post(
            "/v1/objects/user/invite", admin.session(), Map.of("filter", Map.of("id", user.id())));

    assertThat(invited.status()).as("%s", invited).isEqualTo(200);
    assertThat(invited.body().has("set_password_url")).as("mailed, not shown").isFalse();
    assertThat(mail.received()).as("nothing before the worker runs").isEmpty();

    assertThat(server.app.deliverNotices()).isEqualTo(1);

    List<Mail> mails = mail.received();
    assertThat(mails).hasSize(1);
    Mail m = mails.get(0);
    assertThat(m.to()).containsExactly(user.email());
    assertThat(m.from()).isEqualTo(MailServer.FROM);
    assertThat(m.subject()).isEqualTo("Set your Tokensmith password");
    assertThat(m.deliveryId()).matches("[0-9a-f-]{36}");
    assertThat(m.text()).contains(user.email()).contains(m.deliveryId());
    assertThat(m.html())
        .contains("href=\"" + MailServer.PUBLIC_URL + "/console/set-password?code=");
    String code = code(m.text());
    assertThat(m.html()).contains(code);
    SecretLedger.record(code);
    assertThat(TokenSecrets.containsSecret(m.all())).as("a token's secret in the mail").isFalse();
    assertThat(SecretLedger.findIn(m.all().replace(code, ""))).isNull();

    Response set =
        server.http.post(
            "/v1/user/set_password", Auth.NONE, Map.of("code", code, "new_password", NEW_PASSWORD));
    assertThat(set.status()).as("%s", set).isEqualTo(200);
    assertThat(login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(401);
    assertThat(server.app.outbox().find(m.deliveryId()).orElseThrow().status())
        .isEqualTo(Notice.Status.SENT);
    // Nothing left to send: the notice went once.
    assertThat(server.app.deliverNotices()).isZero();
    assertThat(mail.received()).hasSize(1);
  }

  @Test
  void createWithoutPasswordWhenEmailOnThenInvitationIsMailed() {
    long tenant = fixtures.tenant("Mailed create");
    TestUser admin = fixtures.user(tenant, "admin");
    String email = "invited" + System.nanoTime() + "@example.com";
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    body.put("realname", "Invited <One>");
    body.put("permissions", List.of("analytic"));
    body.put("clientid", tenant);

    Response created = server.http.post("/v1/objects/user/create", admin.session(), body);

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().has("set_password_url")).isFalse();
    server.app.deliverNotices();
    List<Mail> mails = mail.received();
    assertThat(mails).hasSize(1);
    assertThat(mails.get(0).to()).containsExactly(email);
    assertThat(mails.get(0).text()).contains("Hello Invited <One>,");
    assertThat(mails.get(0).html()).contains("Hello Invited &lt;One&gt;,");
    String code = code(mails.get(0).text());
    SecretLedger.record(code);
    Response set =
        server.http.post(
            "/v1/user/set_password", Auth.NONE, Map.of("code", code, "new_password", NEW_PASSWORD));
    assertThat(set.status()).as("%s", set).isEqualTo(200);
    assertThat(login(email, NEW_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void inviteWhenRefusedThenNoMailIsQueued() {
    long tenant = fixtures.tenant("Refused invite");
    TestUser analyst = fixtures.user(tenant, "analytic");
    TestUser other = fixtures.user(tenant, "analytic");

    Response refused =
        server.http.post(
            "/v1/objects/user/invite",
            analyst.session(),
            Map.of("filter", Map.of("id", other.id())));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(server.app.deliverNotices()).as("a refused change queues nothing").isZero();
    assertThat(mail.received()).isEmpty();
  }

  @Test
  void notificationsWhenAdminThenEmailIsOnWithItsSender() {
    long tenant = fixtures.tenant("Status");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(tenant, "analytic");

    Response status = server.http.get("/v2/notifications", admin.session());

    assertThat(status.status()).as("%s", status).isEqualTo(200);
    assertThat(status.body().path("email").path("enabled").asBoolean()).isTrue();
    assertThat(status.body().path("email").path("from").asText()).isEqualTo(MailServer.FROM);
    assertThat(status.text()).doesNotContain("127.0.0.1");
    assertThat(server.http.get("/v2/notifications", analyst.session()).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/notifications", Auth.NONE).status()).isEqualTo(401);
  }

  @Test
  void backgroundWorkerWhenPollingThenSendsWithoutBeingAsked() {
    try (TestServer polling =
        TestServer.start(merged(mail.settings(), Map.of("TOKENSMITH_OUTBOX_POLL_SECONDS", "1")))) {
      Fixtures f = new Fixtures(polling);
      long tenant = f.tenant("Polling");
      TestUser admin = f.user(tenant, "admin");
      TestUser user = f.user(admin.session(), tenant, List.of("analytic"));

      polling.http.post(
          "/v1/objects/user/invite", admin.session(), Map.of("filter", Map.of("id", user.id())));

      assertThat(mail.await(1, 10_000)).as("mailed within 10 s").isTrue();
      Mail m = mail.received().get(0);
      assertThat(m.to()).containsExactly(user.email());
      SecretLedger.record(code(m.text()));
    }
  }

  private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }

  private static String code(String text) {
    Matcher m = LINK.matcher(text);
    assertThat(m.find()).as("a set-password link in: %s", text).isTrue();
    return m.group(1);
  }

  private static Response login(String email, String password) {
    return server.http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
  }
}
