package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** Logging in and out of the Console with the session. */
@WithServer
class LoginBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
  }

  @Test
  void loginWhenPasswordWrongThenInlineErrorAndNoSession() {
    browser.open("/");
    browser.visible(By.id("login-email")).sendKeys(TestServer.ADMIN_EMAIL);
    browser.driver().findElement(By.id("login-password")).sendKeys("not-the-password");
    browser.click(By.id("login-submit"));

    assertThat(browser.visible(By.id("login-error")).getText())
        .isEqualTo("Wrong email or password.");
    assertThat(browser.driver().findElement(By.id("login-password")).getAttribute("aria-invalid"))
        .isEqualTo("true");
    assertThat(browser.driver().manage().getCookieNamed("tks_session")).isNull();
    browser.screenshot("login-wrong-password");
  }

  @Test
  void loginWhenCredentialsRightThenConsoleWithSettingsAndHttpOnlyCookie() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);

    assertThat(browser.visible(By.cssSelector("main h1")).getText()).isEqualTo("API tokens");
    assertThat(browser.driver().findElements(By.cssSelector(".sidebar a[data-nav] .nav-label")))
        .extracting(e -> e.getText().trim())
        .containsExactly(
            "API tokens",
            "Users",
            "Single sign-on",
            "Activity log",
            "Nodes",
            "Webhooks",
            "Notifications",
            "API Console");
    assertThat(browser.driver().manage().getCookieNamed("tks_session").isHttpOnly()).isTrue();
    assertThat(browser.script("return document.cookie")).isEqualTo("");
    assertThat(browser.script("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
    browser.assertNoPolicyViolations();
  }

  @Test
  void reloadWhenSessionOpenThenAsksForPasswordAgainWithEmailFilledIn() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);

    browser.driver().navigate().refresh();

    browser.until(
        d ->
            TestServer.ADMIN_EMAIL.equals(
                d.findElement(By.id("login-email")).getAttribute("value")));
    assertThat(browser.visible(By.cssSelector(".login-card .alert.info")).getText())
        .contains("Welcome back");
  }

  @Test
  void logoutWhenLoggedInThenBackToLoginAndSessionEnded() {
    browser.login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
    String cookie = browser.driver().manage().getCookieNamed("tks_session").getValue();

    browser.logout();

    assertThat(browser.visible(By.cssSelector(".login-card .alert.info")).getText())
        .isEqualTo("You have logged out.");
    assertThat(
            server
                .http
                .get(
                    "/v1/user",
                    dev.tokensmith.testing.Auth.header("Cookie", "tks_session=" + cookie))
                .status())
        .isEqualTo(401);
  }

  @Test
  void loginWhenAnalystThenOnlyTheirSectionsInTheNavigation() {
    Fixtures.TestUser analyst = fixtures.user(fixtures.technicalClient(), "analytic");

    browser.login(analyst.email(), Fixtures.PASSWORD);

    assertThat(browser.driver().findElements(By.cssSelector(".sidebar a[data-nav] .nav-label")))
        .extracting(e -> e.getText().trim())
        .containsExactly("API tokens", "Nodes", "API Console");
    browser.screenshot("console-analyst-tokens-empty");
  }
}
