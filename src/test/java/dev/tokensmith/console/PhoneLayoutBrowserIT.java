package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.webhooks.Receiver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Every page at phone width (390 px): nothing wider than the screen, tables as cards, drawers full
 * width.
 */
@WithServer(settings = "TOKENSMITH_WEBHOOK_ALLOW_PRIVATE=true")
class PhoneLayoutBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures.TestUser admin;
  static Receiver receiver;

  @BeforeAll
  static void seed(Fixtures fixtures) {
    browser.base(server.baseUrl());
    admin = fixtures.user(fixtures.tenant("Cyberdyne Systems"), "admin");
    Fixtures.TestUser analyst = fixtures.user(admin.clientId(), "analytic");
    fixtures.token(
        admin.session(), Map.of("realname", "Skynet uplink", "permissions", List.of("admin")));
    fixtures.token(
        analyst.session(),
        Map.of(
            "realname", "T-800 field kit", "permissions", List.of("analytic"), "enabled", false));
    fixtures.sharedToken(admin.session(), List.of("analytic"));
    Response node =
        server.http.post(
            "/v2/node",
            admin.session(),
            Map.of("hostname", "cyberdyne-edge-eu-west-1", "clientid", admin.clientId()));
    assertThat(node.status()).as("%s", node).isEqualTo(200);
    Response registered =
        server.http.post(
            "/v2/node/register",
            Auth.token(node.body().path("token").asText()),
            Map.of("hostname", "t800-factory-floor-host"));
    assertThat(registered.status()).as("%s", registered).isEqualTo(200);
    // A webhook with a delivery that failed once (its error shown) at a real receiver.
    receiver = new Receiver();
    receiver.script("/cyberdyne-siem-endpoint-with-a-long-path", 503);
    Response hook =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of(
                "url",
                receiver.url("/cyberdyne-siem-endpoint-with-a-long-path"),
                "events",
                List.of("token.created", "token.leaked", "user.role_changed", "node.registered"),
                "description",
                "Cyberdyne security information and event management"));
    assertThat(hook.status()).as("%s", hook).isEqualTo(200);
    server.http.post("/v2/webhooks/" + hook.id() + "/ping", admin.session(), Map.of());
    server.app.deliverNotices();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @BeforeEach
  void phone() {
    browser.resize(Browser.PHONE);
  }

  @AfterEach
  void desktop() {
    browser.resize(Browser.DESKTOP);
  }

  private static void assertFitsTheScreen(String page) {
    Long overflow =
        (Long)
            browser.script(
                "const e = document.documentElement; return e.scrollWidth - e.clientWidth;");
    assertThat(overflow).as("%s scrolls sideways", page).isLessThanOrEqualTo(0L);
    List<?> scrolling =
        (List<?>)
            browser.script(
                "return [...document.querySelectorAll('.table-wrap')]"
                    + ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.className);");
    assertThat(scrolling).as("%s has a table wider than the screen", page).isEmpty();
  }

  /**
   * Every visible control (link, button, field) lies within the screen — or within a scroller that
   * brings it into view — and covers no other control.
   */
  private static void assertNoControlOverlapsOrIsCutOff(String page) {
    List<?> problems =
        (List<?>)
            browser.script(
                String.join(
                    "\n",
                    "const width = document.documentElement.clientWidth;",
                    "const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])';",
                    "const shown = e => { const r = e.getBoundingClientRect();",
                    "  const s = getComputedStyle(e);",
                    "  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.opacity !== '0'; };",
                    "// The part of an element its clipping ancestors let show; null when none does.",
                    "const visible = e => { let r = e.getBoundingClientRect();",
                    "  let box = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };",
                    "  for (let p = e.parentElement; p; p = p.parentElement) { const s = getComputedStyle(p);",
                    "    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;",
                    "    const c = p.getBoundingClientRect();",
                    "    box = { left: Math.max(box.left, c.left), right: Math.min(box.right, c.right),",
                    "      top: Math.max(box.top, c.top), bottom: Math.min(box.bottom, c.bottom) }; }",
                    "  return box.right - box.left > 1 && box.bottom - box.top > 1 ? box : null; };",
                    "const scroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {",
                    "  const o = getComputedStyle(p).overflowX; if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) return p; } return null; };",
                    "const name = e => e.tagName.toLowerCase() + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '')",
                    "  + (e.dataset.nav !== undefined ? '[nav=' + e.dataset.nav + ']' : '') + ' \"' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30) + '\"';",
                    "// Behind an open modal dialog nothing can be reached: only the dialog's controls count.",
                    "const scope = document.querySelector('dialog[open]') || document;",
                    "const controls = [...scope.querySelectorAll(sel)].filter(shown)",
                    "  .filter(e => !e.closest('.visually-hidden, .skip-link'));",
                    "const out = [];",
                    "for (const e of controls) { const r = e.getBoundingClientRect();",
                    "  if ((r.left < -1 || r.right > width + 1) && !scroller(e)) out.push('cut off: ' + name(e)); }",
                    "const boxes = controls.map(e => [e, visible(e)]).filter(([, b]) => b);",
                    "for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {",
                    "  const [a, r] = boxes[i], [b, q] = boxes[j];",
                    "  if (a.contains(b) || b.contains(a) || a.closest('label') === b.closest('label') && a.closest('label')) continue;",
                    "  const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);",
                    "  const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);",
                    "  if (w > 1 && h > 1) out.push('overlap: ' + name(a) + ' / ' + name(b)); }",
                    "return out;"));
    assertThat(problems).as("%s at phone width", page).isEmpty();
  }

  @Test
  void everyPageWhenPhoneWidthThenNoControlOverlapsOrIsCutOff() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    for (String page :
        List.of(
            "tokens",
            "users",
            "sso",
            "activity",
            "nodes",
            "webhooks",
            "notifications",
            "api-console")) {
      browser.click(By.cssSelector(".sidebar a[data-nav='" + page + "']"));
      browser.visible(By.cssSelector("main h1"));
      assertNoControlOverlapsOrIsCutOff(page);
    }
    browser.click(By.cssSelector(".sidebar a[data-nav='tokens']"));
    browser.click(By.cssSelector("[data-testid='create-token']"));
    org.openqa.selenium.WebElement drawer = browser.dialog("token-drawer");
    drawer.findElement(By.cssSelector("input[data-mode='custom']")).click();
    browser.until(
        d ->
            (Boolean)
                browser.script(
                    "return document.querySelector('dialog[open]').getAnimations().length === 0;"));
    assertNoControlOverlapsOrIsCutOff("custom permissions");
    // The matrix does not scroll vertically inside the scrolling drawer; sideways, its resource
    // column stays in sight while the last column (Other) is brought into view.
    List<?> matrix =
        (List<?>)
            browser.script(
                String.join(
                    "\n",
                    "const w = document.querySelector('dialog[open] .matrix-wrap');",
                    "const inner = w.scrollHeight - w.clientHeight;",
                    "w.scrollLeft = w.scrollWidth;",
                    "const box = w.getBoundingClientRect();",
                    "const heads = w.querySelectorAll('thead th');",
                    "const last = heads[heads.length - 1].getBoundingClientRect();",
                    "const first = w.querySelector('tbody th').getBoundingClientRect();",
                    "return [inner, last.right <= box.right + 1, first.left >= box.left - 1];"));
    assertThat(matrix.toString()).isEqualTo("[0, true, true]");
    browser.screenshot("phone-custom-matrix");
    drawer.sendKeys(Keys.ESCAPE);
  }

  @Test
  void loginWhenPhoneWidthThenFits() {
    browser.open("/console/");
    browser.visible(By.id("login-email"));
    assertFitsTheScreen("login");
    browser.screenshot("phone-login");
  }

  @Test
  void tokensWhenPhoneWidthThenCardsAndFullWidthDrawer() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.visible(By.cssSelector("[data-testid='token-table']"));
    assertThat(
            browser
                .driver()
                .findElement(By.cssSelector("[data-testid='token-table'] thead"))
                .isDisplayed())
        .isFalse();
    assertFitsTheScreen("tokens");
    browser.screenshot("phone-tokens");

    browser.click(By.cssSelector("[data-testid='create-token']"));
    org.openqa.selenium.WebElement drawer = browser.dialog("token-drawer");
    assertThat(drawer.getSize().getWidth())
        .as("drawer width")
        .isEqualTo(
            ((Long) browser.script("return document.documentElement.clientWidth")).intValue());
    drawer.findElement(By.cssSelector("input[data-mode='custom']")).click();
    browser.screenshot("phone-token-drawer");
    drawer.sendKeys(Keys.ESCAPE);
  }

  @Test
  void usersAndActivityWhenPhoneWidthThenFit() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    browser.visible(By.cssSelector("[data-testid='user-table']"));
    assertFitsTheScreen("users");
    browser.screenshot("phone-users");

    browser.click(By.cssSelector(".sidebar a[data-nav='activity']"));
    browser.visible(By.cssSelector("[data-testid='activity-table']"));
    assertFitsTheScreen("activity");
    browser.screenshot("phone-activity");
  }

  @Test
  void nodesWhenPhoneWidthThenCardsAndFullWidthDrawer() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='nodes']"));
    browser.visible(By.cssSelector("[data-testid='node-table']"));
    assertFitsTheScreen("nodes");
    browser.screenshot("phone-nodes");

    browser.click(By.cssSelector("tr[data-testid='node-row'] button[data-action='open']"));
    org.openqa.selenium.WebElement drawer = browser.dialog("node-drawer");
    browser.visible(By.cssSelector("[data-testid='instance-table']"));
    // Measured once the drawer has slid in.
    browser.until(
        d ->
            (Boolean)
                browser.script(
                    "return document.querySelector('dialog[open]').getAnimations().length === 0;"));
    assertThat(drawer.getSize().getWidth())
        .as("drawer width")
        .isEqualTo(
            ((Long) browser.script("return document.documentElement.clientWidth")).intValue());
    List<?> wide =
        (List<?>)
            browser.script(
                "const d = document.querySelector('dialog[open]');"
                    + "const box = d.getBoundingClientRect();"
                    + "return [...d.querySelectorAll('*')].filter(e => e.getClientRects().length)"
                    + ".filter(e => e.getBoundingClientRect().right > box.right + 1"
                    + " || e.getBoundingClientRect().left < box.left - 1)"
                    + ".map(e => e.tagName + '.' + e.className);");
    assertThat(wide).as("node drawer content or buttons wider than the screen").isEmpty();
    browser.screenshot("phone-node-drawer");
    drawer.sendKeys(Keys.ESCAPE);
  }

  @Test
  void ssoSettingsWhenPhoneWidthThenFit() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='sso']"));
    browser.visible(By.cssSelector("[data-testid='sso-form']"));
    assertFitsTheScreen("single sign-on");
    browser.screenshot("phone-sso");
  }

  @Test
  void webhooksWhenPhoneWidthThenCardsAndFullWidthDrawerWithDeliveries() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='webhooks']"));
    browser.visible(By.cssSelector("[data-testid='webhook-table']"));
    assertFitsTheScreen("webhooks");
    browser.screenshot("phone-webhooks");

    browser.click(By.cssSelector("tr[data-testid='webhook-row'] button[data-action='open']"));
    org.openqa.selenium.WebElement drawer = browser.dialog("webhook-drawer");
    browser.visible(By.cssSelector("[data-testid='delivery-table']"));
    assertThat(drawer.getText()).contains("503");
    browser.until(
        d ->
            (Boolean)
                browser.script(
                    "return document.querySelector('dialog[open]').getAnimations().length === 0;"));
    assertThat(drawer.getSize().getWidth())
        .as("drawer width")
        .isEqualTo(
            ((Long) browser.script("return document.documentElement.clientWidth")).intValue());
    List<?> wide =
        (List<?>)
            browser.script(
                "const d = document.querySelector('dialog[open]');"
                    + "const box = d.getBoundingClientRect();"
                    + "return [...d.querySelectorAll('*')].filter(e => e.getClientRects().length)"
                    + ".filter(e => e.getBoundingClientRect().right > box.right + 1"
                    + " || e.getBoundingClientRect().left < box.left - 1)"
                    + ".map(e => e.tagName + '.' + e.className);");
    assertThat(wide).as("webhook drawer content or buttons wider than the screen").isEmpty();
    browser.screenshot("phone-webhook-drawer");
    drawer.sendKeys(Keys.ESCAPE);

    browser.rowAction(
        browser.row("webhook-row", "Cyberdyne security information and event management"), "edit");
    browser.dialog("webhook-form-dialog");
    browser.until(
        d ->
            (Boolean)
                browser.script(
                    "return document.querySelector('dialog[open]').getAnimations().length === 0;"));
    assertNoControlOverlapsOrIsCutOff("webhook form");
    browser.screenshot("phone-webhook-form");
  }

  @Test
  void notificationsWhenPhoneWidthThenFits() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='notifications']"));
    browser.visible(By.cssSelector("[data-testid='email-status']"));
    assertFitsTheScreen("notifications");
    browser.screenshot("phone-notifications");
  }

  @Test
  void apiConsoleWhenPhoneWidthThenFits() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='api-console']"));
    browser.visible(By.cssSelector(".opblock-tag-section"));
    assertFitsTheScreen("API Console");
    browser.screenshot("phone-api-console");
  }
}
