package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
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
 * Who sees which tokens (T2, T4): an admin all of the client's and the shared ones, an analyst only
 * their own.
 */
@WithServer
class TokenVisibilityBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  static Fixtures.TestUser admin;
  static Fixtures.TestUser analyst;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
    long client = fixtures.tenant("Globex");
    admin = fixtures.user(client, "admin");
    analyst = fixtures.user(client, "analytic");
    fixtures.token(
        admin.session(), Map.of("realname", "Admin own", "permissions", List.of("admin")));
    fixtures.token(
        analyst.session(), Map.of("realname", "Analyst own", "permissions", List.of("analytic")));
    fixtures.token(
        admin.session(),
        Map.of("realname", "Shared billing", "permissions", List.of("analytic"), "shared", true));
  }

  private static List<String> names() {
    browser.visible(By.cssSelector("[data-testid='token-table']"));
    return browser.texts("tr[data-testid='token-row'] td.primary strong");
  }

  private static void scope(String value) {
    browser
        .driver()
        .findElement(
            By.cssSelector(
                "label[for='"
                    + browser
                        .driver()
                        .findElement(By.cssSelector("input[data-scope='" + value + "']"))
                        .getAttribute("id")
                    + "']"))
        .click();
  }

  @Test
  void listWhenAdminThenAllTokensOfTheClientWithSharedAndFilters() {
    browser.login(admin.email(), Fixtures.PASSWORD);

    browser.until(
        d ->
            names().stream()
                .sorted()
                .toList()
                .equals(List.of("Admin own", "Analyst own", "Shared billing")));
    assertThat(browser.visible(By.cssSelector("[data-testid='token-count']")).getText())
        .isEqualTo("3 tokens");
    assertThat(browser.row("token-row", "Shared billing").getText()).contains("Shared");
    assertThat(browser.row("token-row", "Analyst own").getText()).contains(analyst.email());
    browser.screenshot("tokens-admin-all");

    scope("shared");
    browser.until(d -> names().equals(List.of("Shared billing")));
    scope("mine");
    browser.until(d -> names().equals(List.of("Admin own")));
  }

  @Test
  void menuWhenAdminOnAnothersPersonalTokenThenNoSecretButSharedOneReadable() {
    browser.login(admin.email(), Fixtures.PASSWORD);

    browser
        .row("token-row", "Analyst own")
        .findElement(By.cssSelector("button[aria-haspopup='menu']"))
        .click();
    List<String> actions =
        browser.driver().findElements(By.cssSelector(".menu [role='menuitem']")).stream()
            .map(e -> e.getAttribute("data-action"))
            .toList();
    assertThat(actions)
        .contains("edit", "disable", "delete")
        .doesNotContain("show", "copy", "renew");
    browser
        .driver()
        .findElement(By.cssSelector(".menu [role='menuitem']"))
        .sendKeys(org.openqa.selenium.Keys.ESCAPE);

    browser.rowAction(browser.row("token-row", "Shared billing"), "show");
    String secret =
        browser.remember(
            browser
                .dialog("secret-dialog")
                .findElement(By.cssSelector("[data-secret='new']"))
                .getAttribute("value"));
    assertThat(secret).matches("[A-Za-z0-9]{64}");
  }

  @Test
  void searchWhenNameTypedThenOnlyMatchingTokens() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    names();

    browser.driver().findElement(By.cssSelector("input[data-filter='search']")).sendKeys("billing");

    browser.until(d -> names().equals(List.of("Shared billing")));
    new Select(browser.driver().findElement(By.cssSelector("select[data-filter='status']")))
        .selectByValue("disabled");
    browser.visible(By.cssSelector("[data-testid='empty']"));
    assertThat(browser.driver().findElement(By.cssSelector("[data-testid='empty']")).getText())
        .contains("No tokens match");
  }

  @Test
  void listWhenAnalystThenOnlyTheirOwnAndNoScopeFilter() {
    browser.login(analyst.email(), Fixtures.PASSWORD);

    browser.until(d -> names().equals(List.of("Analyst own")));
    assertThat(browser.driver().findElements(By.cssSelector("input[data-scope]"))).isEmpty();
    assertThat(browser.driver().getPageSource())
        .doesNotContain("Shared billing")
        .doesNotContain("Admin own");
  }

  @Test
  void createWhenAdminChoosesSharedThenSharedTokenAndOthersNotSelectableAsOwner() {
    long client = fixtures.tenant("Globex East");
    Fixtures.TestUser admin = fixtures.user(client, "admin");
    Fixtures.TestUser analyst = fixtures.user(client, "analytic");
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Shared deploy");
    Select owner = new Select(drawer.findElement(By.name("owner")));
    browser.until(d -> owner.getOptions().size() > 2);
    assertThat(owner.getOptions())
        .filteredOn(o -> o.getText().equals("User " + analyst.email()))
        .singleElement()
        .satisfies(
            o -> assertThat(o.isEnabled()).as("a personal token only by its owner").isFalse());
    // The preset starts at the least powerful one the admin may grant, never at everything.
    Select preset = new Select(drawer.findElement(By.name("preset")));
    String chosen = preset.getFirstSelectedOption().getAttribute("value");
    assertThat(chosen).isNotEqualTo("admin");
    Map<String, Integer> sizes = new HashMap<>();
    server
        .http
        .get("/v2/catalogue", admin.session())
        .body()
        .path("roles")
        .forEach(r -> sizes.put(r.path("id").asText(), r.path("permissions").size()));
    assertThat(preset.getOptions())
        .filteredOn(o -> o.isEnabled() && !o.getAttribute("value").equals("deploy"))
        .allSatisfy(
            o ->
                assertThat(sizes.get(o.getAttribute("value")))
                    .isGreaterThanOrEqualTo(sizes.get(chosen)));
    owner.selectByValue("shared");
    preset.selectByValue("admin");
    browser.submit(drawer);
    browser.remember(
        browser
            .dialog("secret-dialog")
            .findElement(By.cssSelector("[data-secret='new']"))
            .getAttribute("value"));

    Response shared =
        server.http.get("/v2/api_tokens?shared=true&realname=deploy", admin.session());
    assertThat(shared.body().get(0).path("user_id").isNull()).isTrue();
    assertThat(shared.body().get(0).path("source_role").asText()).isEqualTo("admin");
  }
}
