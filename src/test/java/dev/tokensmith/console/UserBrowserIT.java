package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Settings → Users for an administrator of a tenant. */
@WithServer
class UserBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  long client;
  Fixtures.TestUser admin;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
  }

  @BeforeEach
  void newTenantWithAdmin() {
    client = fixtures.tenant("Initech");
    admin = fixtures.user(client, "admin");
  }

  private void openUsers() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    browser.visible(By.cssSelector("[data-testid='user-table']"));
  }

  @Test
  void disableUserWhenConfirmedThenWarnedAndTheirTokensShowDisabledWithReason() {
    Fixtures.TestUser analyst = fixtures.user(client, "analytic");
    fixtures.token(
        analyst.session(),
        Map.of("realname", "Analyst script", "permissions", List.of("analytic")));
    fixtures.token(
        analyst.session(), Map.of("realname", "Analyst cron", "permissions", List.of("analytic")));
    openUsers();

    browser.rowAction(browser.row("user-row", "User " + analyst.email()), "disable");
    WebElement confirm = browser.dialog("disable-user-dialog");
    browser.until(d -> confirm.getText().contains("their 2 enabled personal tokens"));
    assertThat(confirm.getText()).contains("Their tokens will be disabled");
    browser.screenshot("user-disable-warning");
    browser.submit(confirm);
    browser.until(
        d -> browser.row("user-row", "User " + analyst.email()).getText().contains("Disabled"));

    browser.click(By.cssSelector(".sidebar a[data-nav='tokens']"));
    for (String name : List.of("Analyst script", "Analyst cron")) {
      WebElement row = browser.row("token-row", name);
      assertThat(row.getAttribute("class")).contains("is-disabled");
      assertThat(row.findElement(By.cssSelector("[data-testid='disabled-reason']")).getText())
          .isEqualTo("Owner disabled");
    }
    browser.screenshot("tokens-owner-disabled");
  }

  @Test
  void createUserWhenRoleAboveOwnThenNotSelectableAndAnalystCreated() {
    openUsers();
    browser.click(By.cssSelector("[data-testid='add-user']"));
    WebElement drawer = browser.dialog("user-drawer");
    Select role = new Select(drawer.findElement(By.name("role")));
    assertThat(role.getOptions())
        .filteredOn(o -> o.getAttribute("value").equals("partner_admin"))
        .singleElement()
        .satisfies(o -> assertThat(o.isEnabled()).isFalse());
    drawer.findElement(By.name("realname")).sendKeys("Peter Gibbons");
    drawer.findElement(By.name("email")).sendKeys("peter@initech.example");
    drawer.findElement(By.name("password")).sendKeys("tps-reports-1");
    role.selectByValue("analytic");
    browser.submit(drawer);

    WebElement row = browser.row("user-row", "Peter Gibbons");
    assertThat(row.getText()).contains("peter@initech.example").contains("Enabled");
    assertThat(
            new Select(row.findElement(By.cssSelector("select[data-role='select']")))
                .getFirstSelectedOption()
                .getText())
        .isEqualTo("Analyst");
    browser.screenshot("users-list");
  }

  @Test
  void createUserWhenEmailTakenOrInvalidThenInlineErrors() {
    openUsers();
    browser.click(By.cssSelector("[data-testid='add-user']"));
    WebElement drawer = browser.dialog("user-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Twin");
    drawer.findElement(By.name("email")).sendKeys("not-an-email");
    browser.submit(drawer);
    assertThat(
            browser
                .visible(By.cssSelector("dialog[open] [data-field='email'] .field-error"))
                .getText())
        .isEqualTo("Enter a valid email address.");

    drawer.findElement(By.name("email")).clear();
    drawer.findElement(By.name("email")).sendKeys(admin.email().toUpperCase());
    browser.submit(drawer);
    browser.until(
        d ->
            drawer
                .findElement(By.cssSelector(".alert.error"))
                .getText()
                .contains("already exists"));
  }

  @Test
  void changeRoleWhenLoweredThenConfirmedWithTheTokensItNarrowsAndOwnRoleNotEditable() {
    Fixtures.TestUser other = fixtures.user(client, "admin");
    fixtures.token(other.session(), List.of("admin"));
    fixtures.token(other.session(), List.of("auditor"));
    openUsers();

    assertThat(
            browser.row("user-row", "User " + admin.email()).findElements(By.cssSelector("select")))
        .isEmpty();
    Select role =
        new Select(
            browser
                .row("user-row", "User " + other.email())
                .findElement(By.cssSelector("select[data-role='select']")));
    role.selectByValue("auditor");
    // Cancelled: nothing changes, and the select shows the role the user still has.
    WebElement dialog = browser.dialog("role-dialog");
    browser.until(
        d ->
            dialog
                .findElement(By.cssSelector("[data-testid='narrowed-note']"))
                .getText()
                .startsWith("1 of their tokens holds more than"));
    dialog.findElement(By.cssSelector("button.btn:not([data-role='submit'])")).click();
    browser.until(d -> role.getFirstSelectedOption().getAttribute("value").equals("admin"));
    assertThat(
            server
                .http
                .post(
                    "/v1/objects/user", admin.session(), Map.of("filter", Map.of("id", other.id())))
                .body()
                .get(0)
                .path("role")
                .asText())
        .isEqualTo("admin");

    role.selectByValue("auditor");
    browser.submit(browser.dialog("role-dialog"));

    browser.until(
        d ->
            "auditor"
                .equals(
                    server
                        .http
                        .post(
                            "/v1/objects/user",
                            admin.session(),
                            Map.of("filter", Map.of("id", other.id())))
                        .body()
                        .get(0)
                        .path("role")
                        .asText()));
  }

  @Test
  void deleteUserWhenConfirmedThenGone() {
    Fixtures.TestUser leaving = fixtures.user(client, "analytic");
    openUsers();

    browser.rowAction(browser.row("user-row", "User " + leaving.email()), "delete");
    browser.submit(browser.dialog("delete-user-dialog"));

    browser.until(
        d ->
            d.findElements(
                    By.xpath(
                        "//tr[@data-testid='user-row'][contains(., '" + leaving.email() + "')]"))
                .isEmpty());
    Response list =
        server.http.post(
            "/v1/objects/user", admin.session(), Map.of("filter", Map.of("id", leaving.id())));
    assertThat(list.body()).isEmpty();
  }

  @Test
  void enableUserWhenDisabledThenEnabledButTokensStayDisabled() {
    Fixtures.TestUser analyst = fixtures.user(client, "analytic");
    fixtures.token(analyst.session(), List.of("analytic"));
    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", analyst.id()), "fields", Map.of("enabled", false)));
    openUsers();

    browser.rowAction(browser.row("user-row", "User " + analyst.email()), "enable");

    browser.until(
        d -> browser.row("user-row", "User " + analyst.email()).getText().contains("Enabled"));
    Response tokens = server.http.get("/v2/api_tokens?user_id=" + analyst.id(), admin.session());
    assertThat(tokens.body().get(0).path("disabled_reason").asText()).isEqualTo("owner_disabled");
  }
}
