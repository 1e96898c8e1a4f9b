package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.webhooks.Receiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Settings → Webhooks and Settings → Notifications in a real browser at desktop width, with a real
 * receiver: create a webhook and see its signing secret once, send a test delivery and see it sent
 * (signed, at the receiver), a failing delivery's attempts and error, its retry, edit, enable and
 * disable, rotate and delete behind confirmations naming the webhook; the e-mail status; and who
 * sees the pages.
 */
@WithServer(settings = "TOKENSMITH_WEBHOOK_ALLOW_PRIVATE=true")
class WebhookBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  static Receiver receiver;
  Fixtures.TestUser admin;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
    receiver = new Receiver();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @BeforeEach
  void newTenantWithAdmin() {
    admin = fixtures.user(fixtures.tenant("Initech"), "admin");
  }

  private void openWebhooks() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='webhooks']"));
    browser.visible(By.cssSelector("[data-testid='webhook-count']"));
  }

  /** A webhook created through the API: its id and signing secret. */
  private record Hook(long id, String secret) {}

  private Hook hook(String description, String path) {
    Response r =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of(
                "url",
                receiver.url(path),
                "events",
                List.of("token.created"),
                "description",
                description));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return new Hook(r.id(), browser.remember(r.body().path("signing_secret").asText()));
  }

  private static WebElement openDrawer(String description) {
    browser
        .row("webhook-row", description)
        .findElement(By.cssSelector("button[data-action='open']"))
        .click();
    return browser.dialog("webhook-drawer");
  }

  private static final String DELIVERY =
      "dialog[open][data-testid='webhook-drawer'] tr[data-testid='delivery-row']";

  /**
   * The drawer's (only) delivery as shown, read in one script call: the list re-renders as its data
   * arrives, so a row found first and read afterwards may be gone by then.
   */
  private record Shown(
      String id, String text, String attempts, String error, String status, boolean retry) {}

  @SuppressWarnings("unchecked")
  private static Shown shown() {
    Map<String, Object> row =
        (Map<String, Object>)
            browser.script(
                "const r = document.querySelector(arguments[0]);"
                    + " const c = t => { const e = r.querySelector(`[data-testid='${t}']`);"
                    + " return e ? e.innerText.trim() : ''; };"
                    + " return {id: r.getAttribute('data-delivery-id'), text: r.innerText,"
                    + " attempts: c('delivery-attempts'), error: c('delivery-error'),"
                    + " status: c('delivery-status'),"
                    + " retry: r.querySelector(\"[data-action='retry']\") !== null};",
                DELIVERY);
    return new Shown(
        (String) row.get("id"),
        (String) row.get("text"),
        (String) row.get("attempts"),
        (String) row.get("error"),
        (String) row.get("status"),
        (Boolean) row.get("retry"));
  }

  /** Clicks the drawer's Refresh until its (only) delivery shows {@code status}. */
  private static Shown refreshedUntil(WebElement drawer, String status) {
    drawer.findElement(By.cssSelector("[data-action='refresh']")).click();
    browser.until(
        d -> !drawer.findElements(By.cssSelector("tr[data-status='" + status + "']")).isEmpty());
    return shown();
  }

  @Test
  void createWhenAdminThenSecretShownOnceAndTestDeliveryShownSentAtTheReceiver() throws Exception {
    openWebhooks();
    assertThat(browser.visible(By.cssSelector("[data-testid='empty']")).getText())
        .contains("No webhooks yet");

    browser.click(By.cssSelector("[data-testid='create-webhook']"));
    WebElement form = browser.dialog("webhook-form-dialog");
    form.findElement(By.name("url")).sendKeys(receiver.url("/created"));
    browser.submit(form);
    assertThat(form.findElement(By.cssSelector("[data-field='events'] .field-error")).getText())
        .isEqualTo("Choose at least one event.");
    form.findElement(By.cssSelector("input[data-event='token.created']")).click();
    form.findElement(By.cssSelector("input[data-event='token.leaked']")).click();
    form.findElement(By.name("description")).sendKeys("Security SIEM");
    assertThat(form.findElement(By.name("enabled")).isSelected()).isTrue();
    browser.screenshot("webhook-create");
    browser.submit(form);

    WebElement shown = browser.dialog("webhook-secret-dialog");
    assertThat(shown.getText()).contains("“Security SIEM”").contains("not shown again");
    String secret =
        browser.remember(
            shown.findElement(By.cssSelector("[data-secret='new']")).getAttribute("value"));
    assertThat(secret).startsWith("whsec_");
    WebElement copy = shown.findElement(By.cssSelector("[data-secret='copy-new']"));
    copy.click();
    browser.until(d -> copy.getText().equals("Copied"));
    browser.screenshot("webhook-secret-once");
    browser.submit(shown);
    browser.gone(By.cssSelector("dialog[data-testid='webhook-secret-dialog']"));

    WebElement row = browser.row("webhook-row", "Security SIEM");
    assertThat(row.getText())
        .contains(receiver.url("/created"))
        .contains("token.created, token.leaked")
        .contains("Enabled");
    assertThat(browser.driver().getPageSource()).doesNotContain(secret);

    WebElement drawer = openDrawer("Security SIEM");
    browser.visible(By.cssSelector("[data-testid='no-deliveries']"));
    drawer.findElement(By.cssSelector("[data-action='ping']")).click();
    browser.until(d -> !drawer.findElements(By.cssSelector("tr[data-status='pending']")).isEmpty());
    assertThat(receiver.received("/created")).isEmpty();

    server.app.deliverNotices();
    Shown sent = refreshedUntil(drawer, "sent");
    assertThat(sent.text()).contains("ping");
    assertThat(sent.attempts()).isEqualTo("1");
    assertThat(sent.status()).startsWith("Sent");
    browser.screenshot("webhook-delivery-sent");
    List<Receiver.Received> got = receiver.received("/created");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).header("X-Tokensmith-Delivery")).isEqualTo(sent.id());
    assertThat(got.get(0).header("X-Tokensmith-Event")).isEqualTo("ping");
    assertSigned(got.get(0), secret);
    assertThat(browser.driver().getPageSource()).doesNotContain(secret);
    browser.assertNoPolicyViolations();
  }

  @Test
  void deliveryWhenReceiverFailsThenAttemptsAndErrorShownAndRetrySendsItWithTheSameId() {
    hook("Flaky receiver", "/flaky");
    receiver.script("/flaky", 500);
    openWebhooks();
    browser.rowAction(browser.row("webhook-row", "Flaky receiver"), "ping");
    WebElement drawer = openDrawer("Flaky receiver");
    browser.until(d -> !drawer.findElements(By.cssSelector("tr[data-status='pending']")).isEmpty());

    server.app.deliverNotices();
    refreshedUntil(drawer, "pending");
    browser.until(d -> shown().attempts().equals("1"));
    Shown pending = shown();
    assertThat(pending.error()).contains("500");
    assertThat(pending.status()).contains("Next try");
    assertThat(pending.retry()).isFalse();

    // Disabled (behind a confirmation naming it), its queued delivery is given up at the next try.
    drawer.sendKeys(org.openqa.selenium.Keys.ESCAPE);
    browser.rowAction(browser.row("webhook-row", "Flaky receiver"), "toggle");
    WebElement disable = browser.dialog("webhook-toggle-dialog");
    assertThat(disable.getText()).contains("Disable “Flaky receiver”?");
    browser.submit(disable);
    browser.until(d -> browser.row("webhook-row", "Flaky receiver").getText().contains("Disabled"));
    server.clock.advance(Duration.ofSeconds(61));
    server.app.deliverNotices();

    browser.rowAction(browser.row("webhook-row", "Flaky receiver"), "toggle");
    WebElement enable = browser.dialog("webhook-toggle-dialog");
    assertThat(enable.getText()).contains("Enable “Flaky receiver”?");
    browser.submit(enable);
    browser.until(d -> browser.row("webhook-row", "Flaky receiver").getText().contains("Enabled"));

    WebElement again = openDrawer("Flaky receiver");
    Shown failed = refreshedUntil(again, "failed");
    assertThat(failed.attempts()).isEqualTo("2");
    assertThat(failed.error()).isEqualTo("the webhook is disabled");
    browser.screenshot("webhook-delivery-failed");
    String id = failed.id();
    browser.click(By.cssSelector(DELIVERY + " [data-action='retry']"));
    browser.until(d -> !again.findElements(By.cssSelector("tr[data-status='pending']")).isEmpty());

    server.app.deliverNotices();
    Shown sent = refreshedUntil(again, "sent");
    assertThat(sent.attempts()).isEqualTo("3");
    assertThat(sent.id()).isEqualTo(id);
    List<Receiver.Received> got = receiver.received("/flaky");
    assertThat(got).as("the 500, then the retried delivery").hasSize(2);
    assertThat(got).allMatch(r -> id.equals(r.header("X-Tokensmith-Delivery")));
  }

  @Test
  void editRotateAndDeleteWhenConfirmedThenAppliedAndEachConfirmationNamesTheWebhook() {
    Hook hook = hook("Audit pipeline", "/audit");
    openWebhooks();

    browser.rowAction(browser.row("webhook-row", "Audit pipeline"), "edit");
    WebElement form = browser.dialog("webhook-form-dialog");
    assertThat(form.getText()).contains("Edit “Audit pipeline”");
    assertThat(form.findElement(By.cssSelector("input[data-event='token.created']")).isSelected())
        .isTrue();
    form.findElement(By.cssSelector("input[data-event='user.created']")).click();
    WebElement description = form.findElement(By.name("description"));
    description.clear();
    description.sendKeys("Audit pipeline v2");
    browser.submit(form);
    WebElement row = browser.row("webhook-row", "Audit pipeline v2");
    assertThat(row.getText()).contains("token.created, user.created");
    Response got = server.http.get("/v2/webhooks/" + hook.id(), admin.session());
    assertThat(got.body().path("events").toString()).contains("user.created");

    browser.rowAction(row, "rotate");
    WebElement rotate = browser.dialog("webhook-rotate-dialog");
    assertThat(rotate.getText()).contains("“Audit pipeline v2”").contains("stops at once");
    browser.submit(rotate);
    WebElement shown = browser.dialog("webhook-secret-dialog");
    String rotated =
        browser.remember(
            shown.findElement(By.cssSelector("[data-secret='new']")).getAttribute("value"));
    assertThat(rotated).startsWith("whsec_").isNotEqualTo(hook.secret());
    browser.submit(shown);
    browser.gone(By.cssSelector("dialog[data-testid='webhook-secret-dialog']"));

    browser.rowAction(browser.row("webhook-row", "Audit pipeline v2"), "delete");
    WebElement delete = browser.dialog("webhook-delete-dialog");
    assertThat(delete.getText())
        .contains("Delete “Audit pipeline v2”?")
        .contains(receiver.url("/audit"));
    browser.screenshot("webhook-delete-confirm");
    browser.submit(delete);
    browser.visible(By.cssSelector("[data-testid='empty']"));
    assertThat(server.http.get("/v2/webhooks/" + hook.id(), admin.session()).status())
        .isEqualTo(404);
  }

  @Test
  void notificationsWhenNoSmtpThenEmailOffAndWhatIsLostListed() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='notifications']"));
    WebElement status = browser.visible(By.cssSelector("[data-testid='email-status']"));
    assertThat(status.getAttribute("data-enabled")).isEqualTo("false");
    assertThat(status.getText())
        .contains("E-mail off")
        .contains("TOKENSMITH_SMTP_HOST")
        .contains("Nobody is warned before a token expires")
        .contains("disabled as leaked")
        .contains("shown once in the Console");
    browser.screenshot("notifications-email-off");
  }

  @Test
  void navigationWhenNotAdministratorThenNoWebhooksOrNotifications() {
    Fixtures.TestUser analyst = fixtures.user(admin.clientId(), "analytic");
    browser.login(analyst.email(), Fixtures.PASSWORD);
    browser.visible(By.cssSelector(".sidebar a[data-nav='tokens']"));
    assertThat(browser.driver().findElements(By.cssSelector(".sidebar a[data-nav='webhooks']")))
        .isEmpty();
    assertThat(
            browser.driver().findElements(By.cssSelector(".sidebar a[data-nav='notifications']")))
        .isEmpty();
  }

  private static void assertSigned(Receiver.Received r, String secret) throws Exception {
    String timestamp = r.header("X-Tokensmith-Timestamp");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        "sha256="
            + HexFormat.of()
                .formatHex(
                    mac.doFinal((timestamp + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    assertThat(r.header("X-Tokensmith-Signature")).isEqualTo(expected);
  }
}
