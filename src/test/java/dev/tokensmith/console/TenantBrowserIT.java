package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The tenant selector of global users: create a tenant, switch the client the Console works on. */
@WithServer
class TenantBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
  }

  @Test
  void firstScreenWhenTechnicalTenantHasNoTokensThenWelcomesWithTheFirstStepsAndLabelledButtons() {
    // An account with nothing yet: the technical tenant holds no token.
    server
        .http
        .get("/v2/api_tokens", server.admin())
        .body()
        .forEach(
            t ->
                assertThat(
                        server
                            .http
                            .delete("/v2/api_tokens/" + t.path("id").asLong(), server.admin())
                            .status())
                    .isEqualTo(200));
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    WebElement welcome = browser.visible(By.cssSelector("[data-testid='welcome']"));
    assertThat(welcome.getText())
        .contains("Welcome to Tokensmith")
        .contains("partner account's own client")
        .contains("Create a tenant")
        .contains("Make a token");
    assertThat(browser.visible(By.cssSelector("[data-testid='create-tenant']")).getText())
        .isEqualTo("New tenant");
    String who =
        browser.visible(By.cssSelector("[data-testid='user-menu'] .who")).getText().strip();
    String[] lines = who.split("\\R");
    assertThat(lines).doesNotHaveDuplicates();
    browser.screenshot("first-screen");
  }

  @Test
  void createTenantWhenGlobalAdminThenSelectedAndTokensCreatedThere() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-tenant']"));
    WebElement create = browser.dialog("tenant-dialog");
    create.findElement(By.name("name")).sendKeys("Wayne Enterprises");
    create.findElement(By.name("vuln_prefix")).sendKeys("way1");
    browser.submit(create);

    Select tenant =
        new Select(browser.visible(By.cssSelector("select[data-testid='tenant-select']")));
    browser.until(d -> tenant.getFirstSelectedOption().getText().equals("Wayne Enterprises"));
    browser.visible(By.cssSelector("[data-testid='empty']"));
    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Wayne automation");
    browser.submit(drawer);
    browser.remember(
        browser
            .dialog("secret-dialog")
            .findElement(By.cssSelector("[data-secret='new']"))
            .getAttribute("value"));

    long tenantId = Long.parseLong(tenant.getFirstSelectedOption().getAttribute("value"));
    Response tokens = server.http.get("/v2/api_tokens?client_id=" + tenantId, server.admin());
    assertThat(tokens.body()).hasSize(1);
    assertThat(tokens.body().get(0).path("realname").asText()).isEqualTo("Wayne automation");
  }

  @Test
  void createTenantWhenPrefixInvalidThenInlineError() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-tenant']"));
    WebElement create = browser.dialog("tenant-dialog");
    create.findElement(By.name("name")).sendKeys("Bad prefix");
    create.findElement(By.name("vuln_prefix")).sendKeys("A-");
    browser.submit(create);

    assertThat(
            browser
                .visible(By.cssSelector("dialog[open] [data-field='vuln_prefix'] .field-error"))
                .getText())
        .isEqualTo("Use exactly 4 characters: A–Z or 0–9.");
  }

  @Test
  void switchTenantWhenChosenThenPagesShowThatClient() {
    long tenantId = fixtures.tenant("Stark Industries");
    Fixtures.TestUser tony = fixtures.user(tenantId, "admin");
    fixtures.token(tony.session(), List.of("analytic"));
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);

    Select tenant =
        new Select(browser.visible(By.cssSelector("select[data-testid='tenant-select']")));
    browser.until(d -> tenant.getOptions().size() > 1);
    tenant.selectByVisibleText("Stark Industries");

    browser.until(
        d ->
            d.findElement(By.cssSelector("[data-testid='token-count']"))
                .getText()
                .equals("1 token"));
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    assertThat(browser.row("user-row", "User " + tony.email()).isDisplayed()).isTrue();
    browser.screenshot("tenant-switched-users");
  }

  @Test
  void selectorWhenRegularAdminThenOnlyTheirClientNameShown() {
    long tenantId = fixtures.tenant("Oscorp");
    Fixtures.TestUser norman = fixtures.user(tenantId, "admin");

    browser.login(norman.email(), Fixtures.PASSWORD);

    assertThat(browser.visible(By.cssSelector("[data-testid='tenant']")).getText())
        .isEqualTo("Oscorp");
    assertThat(browser.driver().findElements(By.cssSelector("select[data-testid='tenant-select']")))
        .isEmpty();
  }
}
