package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The client's token policy in the Console (a Global Administrator's "Token policy" dialog, and the
 * token form that follows it), and the token list: descriptions, the IP-restricted badge, the last
 * used address, sorting by the API, and the view kept in the address, at 1280 and 390 px.
 */
@WithServer
class TokenPolicyBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
  }

  private static Response setPolicy(long tenant, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", tenant), "fields", fields));
  }

  @Test
  void tokenFormWhenPolicySetThenNoNeverDefaultPreselectedAndAddressesRequiredForShared() {
    long tenant = fixtures.tenant("Strict");
    assertThat(
            setPolicy(
                    tenant,
                    Map.of(
                        "token_max_lifetime_days", 30,
                        "token_default_lifetime_days", 14,
                        "shared_tokens_require_allowed_ips", true))
                .status())
        .isEqualTo(200);
    Fixtures.TestUser admin = fixtures.user(tenant, "admin");
    browser.resize(Browser.DESKTOP);
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.visible(By.cssSelector("[data-testid='token-count']"));
    browser.until(
        d -> !d.findElement(By.cssSelector("[data-testid='token-count']")).getText().equals("…"));

    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    assertThat(drawer.findElements(By.cssSelector("input[data-expiry='never']"))).isEmpty();
    WebElement date = drawer.findElement(By.cssSelector("input[data-expiry='input']"));
    LocalDate today = LocalDate.now();
    assertThat(date.getAttribute("value")).isEqualTo(today.plusDays(14).toString());
    assertThat(date.getAttribute("max")).isEqualTo(today.plusDays(30).toString());
    assertThat(drawer.getText()).contains("expire within 30 days");

    drawer.findElement(By.name("realname")).sendKeys("Gateway");
    drawer
        .findElement(By.name("description"))
        .sendKeys("Calls from the edge gateway; ask the platform team");
    new Select(drawer.findElement(By.name("owner"))).selectByValue("shared");
    assertThat(drawer.findElement(By.name("allowed_ips")).getAttribute("required")).isNotNull();
    browser.submit(drawer);
    WebElement error =
        browser.visible(By.cssSelector("dialog[open] [data-field='allowed_ips'] .field-error"));
    assertThat(error.getText()).contains("must name the addresses");
    browser.screenshot("token-policy-form-1280");

    drawer.findElement(By.name("allowed_ips")).sendKeys("203.0.113.0/24");
    // The last allowed day: the form keeps it within the maximum.
    browser.setDate(date, today.plusDays(30));
    browser.submit(drawer);
    browser.submit(browser.dialog("secret-dialog"));

    JsonNode created =
        server.http.get("/v2/api_tokens?realname=Gateway", admin.session()).body().get(0);
    assertThat(created.path("shared").asBoolean()).isTrue();
    assertThat(created.path("allowed_ips").get(0).asText()).isEqualTo("203.0.113.0/24");
    assertThat(created.path("description").asText()).startsWith("Calls from the edge gateway");
    assertThat(Instant.parse(created.path("expire_at").asText()))
        .isBefore(Instant.now().plus(Duration.ofDays(30)));
    browser.assertNoPolicyViolations();
  }

  @Test
  void editDrawerWhenTokenPredatesTheMaximumThenRenameKeepsItUndated() {
    long tenant = fixtures.tenant("Tightened");
    Fixtures.TestUser admin = fixtures.user(tenant, "admin");
    Fixtures.Issued old =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "Old script",
                "description",
                "Made before the policy",
                "permissions",
                List.of("analytic")));
    assertThat(server.http.get("/v1/user", old.auth()).status()).isEqualTo(200);
    server.app.flushUsage();
    assertThat(setPolicy(tenant, Map.of("token_max_lifetime_days", 30)).status()).isEqualTo(200);
    browser.resize(Browser.DESKTOP);
    browser.login(admin.email(), Fixtures.PASSWORD);

    browser.rowAction(browser.row("token-row", "Old script"), "edit");
    WebElement drawer = browser.dialog("token-drawer");
    assertThat(drawer.findElement(By.cssSelector("[data-testid='undated-note']")).getText())
        .contains("never expires");
    assertThat(drawer.findElement(By.name("description")).getAttribute("value"))
        .isEqualTo("Made before the policy");
    assertThat(drawer.findElement(By.cssSelector("[data-testid='drawer-last-used']")).getText())
        .contains("from ");
    assertThat(drawer.findElements(By.cssSelector("input[data-expiry='never']"))).isEmpty();
    browser.screenshot("token-edit-under-policy-1280");
    WebElement name = drawer.findElement(By.name("realname"));
    name.clear();
    name.sendKeys("Old script renamed");
    browser.submit(drawer);
    browser.gone(By.cssSelector("dialog[data-testid='token-drawer']"));

    JsonNode saved = server.http.get("/v2/api_tokens/" + old.id(), admin.session()).body();
    assertThat(saved.path("realname").asText()).isEqualTo("Old script renamed");
    assertThat(saved.path("expire_at").isNull()).as("still undated").isTrue();
  }

  @Test
  void tokenPolicyDialogWhenGlobalAdminSavesThenTheClientHasIt() {
    long tenant = fixtures.tenant("Policy set in the Console");
    browser.resize(Browser.DESKTOP);
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    Select clients = new Select(browser.visible(By.id("tenant-select")));
    browser.until(
        d ->
            clients.getOptions().stream()
                .anyMatch(o -> o.getAttribute("value").equals("" + tenant)));
    clients.selectByValue(String.valueOf(tenant));

    browser.click(By.cssSelector("[data-testid='token-policy']"));
    WebElement dialog = browser.dialog("client-settings");
    new Select(dialog.findElement(By.name("token_max_lifetime_days-choice")))
        .selectByValue("custom");
    dialog.findElement(By.name("token_max_lifetime_days")).sendKeys("45");
    new Select(dialog.findElement(By.name("token_default_lifetime_days-choice")))
        .selectByValue("30");
    dialog.findElement(By.name("shared_tokens_require_allowed_ips")).click();
    browser.screenshot("token-policy-dialog-1280");
    browser.submit(dialog);
    browser.gone(By.cssSelector("dialog[data-testid='client-settings']"));

    JsonNode client =
        server
            .http
            .post("/v1/objects/client", server.admin(), Map.of("filter", Map.of("id", tenant)))
            .body()
            .get(0);
    assertThat(client.path("token_max_lifetime_days").asInt()).isEqualTo(45);
    assertThat(client.path("token_default_lifetime_days").asInt()).isEqualTo(30);
    assertThat(client.path("shared_tokens_require_allowed_ips").asBoolean()).isTrue();

    // A default above the maximum comes back as the API's field error.
    browser.click(By.cssSelector("[data-testid='token-policy']"));
    WebElement again = browser.dialog("client-settings");
    new Select(again.findElement(By.name("token_default_lifetime_days-choice")))
        .selectByValue("90");
    browser.submit(again);
    WebElement error =
        browser.visible(
            By.cssSelector("dialog[open] [data-field='token_default_lifetime_days'] .field-error"));
    assertThat(error.getText()).contains("no more than the maximum");
  }

  @Test
  void tokenListWhenSortedAndFilteredThenByTheApiAndKeptInTheAddress() {
    long tenant = fixtures.tenant("Listed");
    Fixtures.TestUser admin = fixtures.user(tenant, "admin");
    Map<String, Object> restricted = new HashMap<>();
    restricted.put("realname", "bravo restricted");
    restricted.put("description", "Nightly export to the data warehouse");
    restricted.put("permissions", List.of("analytic"));
    restricted.put("allowed_ips", List.of("127.0.0.1/32", "::1/128"));
    Fixtures.Issued used = fixtures.token(admin.session(), restricted);
    fixtures.token(
        admin.session(), Map.of("realname", "alpha open", "permissions", List.of("analytic")));
    fixtures.token(
        admin.session(), Map.of("realname", "charlie open", "permissions", List.of("analytic")));
    assertThat(server.http.get("/v1/user", used.auth()).status()).isEqualTo(200);
    server.app.flushUsage();

    browser.resize(Browser.DESKTOP);
    browser.login(admin.email(), Fixtures.PASSWORD);
    WebElement row = browser.row("token-row", "bravo restricted");
    assertThat(row.findElement(By.cssSelector("[data-testid='ip-badge']")).getText())
        .isEqualTo("IP-restricted");
    assertThat(row.findElement(By.cssSelector("[data-testid='token-description']")).getText())
        .isEqualTo("Nightly export to the data warehouse");
    assertThat(row.findElement(By.cssSelector("[data-testid='last-used-ip']")).getText())
        .isNotBlank();
    assertThat(
            browser
                .row("token-row", "alpha open")
                .findElements(By.cssSelector("[data-testid='ip-badge']")))
        .isEmpty();

    browser.click(By.cssSelector("button.sort[data-sort='realname']"));
    browser.until(d -> d.getCurrentUrl().endsWith("#/tokens?sort=realname"));
    browser.until(d -> names().equals(List.of("alpha open", "bravo restricted", "charlie open")));
    browser.click(By.cssSelector("button.sort[data-sort='realname']"));
    browser.until(d -> d.getCurrentUrl().endsWith("#/tokens?sort=realname&desc=1"));
    browser.until(d -> names().equals(List.of("charlie open", "bravo restricted", "alpha open")));
    assertThat(
            browser
                .driver()
                .findElement(By.xpath("//th[.//button[@data-sort='realname']]"))
                .getAttribute("aria-sort"))
        .isEqualTo("descending");
    browser.screenshot("token-list-sorted-1280");

    // A shared address: a fresh page (a reload) comes back to the same view once logged in.
    browser.open("/console/#/tokens?status=enabled&q=open&sort=realname&desc=1");
    browser.driver().navigate().refresh();
    browser.loginHere(admin.email(), Fixtures.PASSWORD);
    browser.until(d -> names().equals(List.of("charlie open", "alpha open")));
    assertThat(
            browser
                .driver()
                .findElement(By.cssSelector("[data-filter='search']"))
                .getAttribute("value"))
        .isEqualTo("open");
    assertThat(
            new Select(browser.driver().findElement(By.cssSelector("[data-filter='status']")))
                .getFirstSelectedOption()
                .getAttribute("value"))
        .isEqualTo("enabled");
    assertThat(browser.driver().getCurrentUrl())
        .endsWith("#/tokens?status=enabled&q=open&sort=realname&desc=1");

    // On a phone the table shows as cards: the sort is a select, the badge and description stay.
    browser.resize(Browser.PHONE);
    browser.open("/console/#/tokens");
    browser.driver().navigate().refresh();
    browser.loginHere(admin.email(), Fixtures.PASSWORD);
    WebElement sort = browser.visible(By.cssSelector("select[data-filter='sort']"));
    new Select(sort).selectByValue("create_at.desc");
    browser.until(d -> d.getCurrentUrl().endsWith("#/tokens?sort=create_at&desc=1"));
    browser.until(d -> names().equals(List.of("charlie open", "alpha open", "bravo restricted")));
    WebElement phoneRow = browser.row("token-row", "bravo restricted");
    assertThat(phoneRow.findElement(By.cssSelector("[data-testid='ip-badge']")).isDisplayed())
        .isTrue();
    assertThat(
            phoneRow.findElement(By.cssSelector("[data-testid='token-description']")).isDisplayed())
        .isTrue();
    Number overflow =
        (Number)
            browser.script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow.intValue()).as("no sideways scrolling at 390 px").isLessThanOrEqualTo(0);
    browser.screenshot("token-list-sorted-390");
    browser.resize(Browser.DESKTOP);
  }

  private static List<String> names() {
    return browser.texts("tr[data-testid='token-row'] td.name strong");
  }
}
