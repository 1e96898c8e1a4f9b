package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Passwords in the Console: an administrator hands out a one-time link (shown once), the link's
 * page sets the password, and a user changes their own from the account menu.
 */
@WithServer
class PasswordBrowserIT {
  private static final String NEW_PASSWORD = "swingline-stapler-9";

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
    client = fixtures.tenant("Initrode");
    admin = fixtures.user(client, "admin");
  }

  @Test
  void inviteWhenAdminSendsALinkThenShownOnceAndItsPageSetsThePasswordOnce() {
    Fixtures.TestUser milton = fixtures.user(client, "analytic");
    String link = linkFromUsersPage(milton);
    assertThat(link).startsWith(server.baseUrl() + "/console/set-password?code=");
    browser.logout();

    browser.open(link.substring(server.baseUrl().length()));
    browser.visible(By.id("new-password")).sendKeys(NEW_PASSWORD);
    browser.driver().findElement(By.id("confirm-password")).sendKeys("something-else-1");
    browser.click(By.id("set-password-submit"));
    assertThat(error("confirm_password")).isEqualTo("The two passwords differ.");
    type("new-password", "too-short");
    type("confirm-password", "too-short");
    browser.click(By.id("set-password-submit"));
    browser.until(d -> error("new_password").equals("Use at least 12 characters."));
    browser.screenshot("set-password-page");
    browser.assertNoPolicyViolations();
    type("new-password", NEW_PASSWORD);
    type("confirm-password", NEW_PASSWORD);
    browser.click(By.id("set-password-submit"));

    WebElement email = browser.visible(By.id("login-email"));
    assertThat(email.getAttribute("value")).isEqualTo(milton.email());
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("code=");
    assertThat(browser.driver().findElement(By.cssSelector(".alert.info")).getText())
        .contains("Your password is set");
    browser.driver().findElement(By.id("login-password")).sendKeys(NEW_PASSWORD);
    browser.click(By.id("login-submit"));
    browser.visible(By.cssSelector(".topbar"));

    browser.open(link.substring(server.baseUrl().length()));
    type("new-password", "another-new-password-2");
    type("confirm-password", "another-new-password-2");
    browser.click(By.id("set-password-submit"));
    browser.until(
        d ->
            d.findElement(By.id("set-password-error"))
                .getText()
                .contains("This link has been used already"));
  }

  @Test
  void createUserWhenNoPasswordThenTheLinkIsShownOnce() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    browser.click(By.cssSelector("[data-testid='add-user']"));
    WebElement drawer = browser.dialog("user-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Bob Porter");
    drawer.findElement(By.name("email")).sendKeys("bob.porter@initrode.example");
    browser.submit(drawer);

    WebElement shown = browser.dialog("password-link-dialog");
    String link =
        browser.remember(
            shown
                .findElement(By.cssSelector("input[data-link='set-password']"))
                .getAttribute("value"));
    assertThat(link).contains("/console/set-password?code=");
    assertThat(shown.getText()).contains("Bob Porter").contains("shown only now");
    browser.screenshot("user-created-link");
  }

  @Test
  void changePasswordWhenFromTheAccountMenuThenWrongCurrentRefusedAndTheNewOneLogsIn() {
    Fixtures.TestUser samir = fixtures.user(client, "analytic");
    browser.login(samir.email(), Fixtures.PASSWORD);

    browser.menu("user-menu", "change-password");
    WebElement dialog = browser.dialog("change-password-dialog");
    dialog.findElement(By.name("current_password")).sendKeys("not-my-password");
    dialog.findElement(By.name("new_password")).sendKeys(NEW_PASSWORD);
    dialog.findElement(By.name("confirm_password")).sendKeys(NEW_PASSWORD);
    browser.submit(dialog);
    browser.until(
        d ->
            dialog
                .findElement(By.cssSelector("[data-field='current_password'] .field-error"))
                .getText()
                .equals("This is not your current password."));

    dialog.findElement(By.name("current_password")).sendKeys(Fixtures.PASSWORD);
    dialog.findElement(By.name("new_password")).sendKeys(NEW_PASSWORD);
    dialog.findElement(By.name("confirm_password")).sendKeys(NEW_PASSWORD);
    browser.submit(dialog);
    browser.gone(By.cssSelector("dialog[open][data-testid='change-password-dialog']"));
    browser.until(
        d -> d.findElement(By.cssSelector(".toasts")).getText().contains("Password changed"));

    browser.logout();
    browser.loginHere(samir.email(), NEW_PASSWORD);
    assertThat(
            server
                .http
                .post(
                    "/v1/login",
                    Auth.NONE,
                    Map.of("email", samir.email(), "password", Fixtures.PASSWORD))
                .status())
        .isEqualTo(401);
  }

  private String linkFromUsersPage(Fixtures.TestUser user) {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    browser.rowAction(browser.row("user-row", "User " + user.email()), "invite");
    WebElement shown = browser.dialog("password-link-dialog");
    assertThat(shown.getText()).contains(user.email()).contains("72 hours");
    String link =
        browser.remember(
            shown
                .findElement(By.cssSelector("input[data-link='set-password']"))
                .getAttribute("value"));
    browser.screenshot("password-link-dialog");
    shown.findElement(By.cssSelector(".dialog-foot .btn")).click();
    browser.gone(By.cssSelector("dialog[open][data-testid='password-link-dialog']"));
    return link;
  }

  private static void type(String id, String text) {
    WebElement input = browser.visible(By.id(id));
    input.clear();
    input.sendKeys(text);
  }

  private static String error(String field) {
    return browser
        .driver()
        .findElement(By.cssSelector("[data-field='" + field + "'] .field-error"))
        .getText();
  }
}
