package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * An analyst's own tokens in Settings → API tokens: create, read once, the matrix, renew,
 * disable/enable, delete.
 */
@WithServer
class TokenBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  Fixtures.TestUser analyst;

  @BeforeAll
  static void seed() {
    browser.base(server.baseUrl());
  }

  @BeforeEach
  void newAnalyst() {
    analyst = fixtures.user(fixtures.tenant("Acme"), "analytic");
  }

  private void openTokens() {
    browser.login(analyst.email(), Fixtures.PASSWORD);
  }

  private WebElement openCreateDrawer() {
    openTokens();
    browser.click(By.cssSelector("[data-testid='create-token']"));
    return browser.dialog("token-drawer");
  }

  @Test
  void createWhenPresetChosenThenValueShownOnceWithCopyAndItWorks() {
    WebElement drawer = openCreateDrawer();
    drawer.findElement(By.name("realname")).sendKeys("CI pipeline");
    new Select(drawer.findElement(By.name("preset"))).selectByValue("analytic");
    browser.screenshot("token-create-drawer");
    browser.submit(drawer);

    WebElement shown = browser.dialog("secret-dialog");
    String secret =
        browser.remember(
            shown.findElement(By.cssSelector("[data-secret='new']")).getAttribute("value"));
    assertThat(secret).matches("[A-Za-z0-9]{64}");
    assertThat(shown.findElement(By.cssSelector("[data-secret='copy-new']")).getText())
        .isEqualTo("Copy");
    browser.screenshot("token-created-secret");
    browser.submit(shown);
    browser.gone(By.cssSelector("dialog[data-testid='secret-dialog']"));

    WebElement row = browser.row("token-row", "CI pipeline");
    assertThat(row.getText())
        .contains(secret.substring(0, 4) + "..." + secret.substring(60))
        .contains("Analyst")
        .contains("Enabled");
    assertThat(browser.driver().getPageSource()).doesNotContain(secret);
    assertThat(server.http.get("/v1/user", Auth.token(secret)).body().path("email").asText())
        .isEqualTo(analyst.email());
    browser.assertNoPolicyViolations();
  }

  @Test
  void createWhenNameMissingThenInlineErrorFromTheApi() {
    WebElement drawer = openCreateDrawer();
    browser.submit(drawer);

    WebElement error =
        browser.visible(By.cssSelector("dialog[open] [data-field='realname'] .field-error"));
    assertThat(error.getText()).isEqualTo("This field is required.");
    assertThat(drawer.findElement(By.name("realname")).getAttribute("aria-invalid"))
        .isEqualTo("true");
  }

  @Test
  void customMatrixWhenRightsBeyondTheUserThenNotSelectableAndViewImplied() {
    WebElement drawer = openCreateDrawer();
    drawer.findElement(By.name("realname")).sendKeys("Narrow");
    Select preset = new Select(drawer.findElement(By.name("preset")));
    assertThat(preset.getOptions())
        .filteredOn(o -> o.getAttribute("value").equals("admin"))
        .singleElement()
        .satisfies(o -> assertThat(o.isEnabled()).isFalse());
    drawer.findElement(By.cssSelector("input[data-mode='custom']")).click();

    assertThat(box(drawer, "users:view").isEnabled()).isFalse();
    assertThat(box(drawer, "activity_log:view").isEnabled()).isFalse();
    assertThat(box(drawer, "attacks:update").isEnabled()).isTrue();
    box(drawer, "attacks:update").click();
    assertThat(box(drawer, "attacks:view").isSelected()).isTrue();
    assertThat(box(drawer, "attacks:view").isEnabled()).as("view is implied and locked").isFalse();
    browser.screenshot("token-custom-matrix");
    browser.submit(drawer);
    browser.submit(browser.dialog("secret-dialog"));

    Response list = server.http.get("/v2/api_tokens?realname=Narrow", analyst.session());
    assertThat(list.body().get(0).path("permissions"))
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("attacks:view", "attacks:update");
  }

  private static WebElement box(WebElement drawer, String permission) {
    return drawer.findElement(By.cssSelector("input[data-permission='" + permission + "']"));
  }

  @Test
  void renewWhenGracePeriodChosenThenNewValueShownAndBothWork() {
    Fixtures.Issued token =
        fixtures.token(
            analyst.session(),
            Map.of("realname", "Deploy bot", "permissions", List.of("analytic")));
    openTokens();

    browser.rowAction(browser.row("token-row", "Deploy bot"), "renew");
    WebElement renew = browser.dialog("renew-dialog");
    new Select(renew.findElement(By.name("grace_seconds"))).selectByValue("3600");
    browser.submit(renew);

    String renewed =
        browser.remember(
            browser
                .dialog("secret-dialog")
                .findElement(By.cssSelector("[data-secret='new']"))
                .getAttribute("value"));
    assertThat(renewed).matches("[A-Za-z0-9]{64}").isNotEqualTo(token.secret());
    assertThat(server.http.get("/v1/user", Auth.token(renewed)).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/user", Auth.token(token.secret())).status())
        .as("old value in its grace period")
        .isEqualTo(200);
  }

  @Test
  void disableWhenChosenThenRowGreyedAndEnableAsksForANewDate() {
    fixtures.token(
        analyst.session(), Map.of("realname", "Nightly", "permissions", List.of("analytic")));
    openTokens();

    browser.rowAction(browser.row("token-row", "Nightly"), "disable");
    browser.until(
        d -> browser.row("token-row", "Nightly").getAttribute("class").contains("is-disabled"));
    WebElement row = browser.row("token-row", "Nightly");
    assertThat(row.findElement(By.cssSelector("[data-testid='token-status']")).getText())
        .contains("Disabled")
        .contains("Disabled manually");
    assertThat(row.findElement(By.cssSelector("td.primary")).getCssValue("opacity"))
        .isEqualTo("0.55");
    browser.screenshot("token-disabled-row");

    browser.rowAction(row, "enable");
    WebElement enable = browser.dialog("enable-dialog");
    assertThat(enable.getText()).contains("Choose when it should expire");
    LocalDate date = LocalDate.now(ZoneId.systemDefault()).plusDays(30);
    browser.setDate(enable.findElement(By.cssSelector("input[data-expiry='input']")), date);
    browser.submit(enable);

    browser.until(
        d -> !browser.row("token-row", "Nightly").getAttribute("class").contains("is-disabled"));
    Response token = server.http.get("/v2/api_tokens?realname=Nightly", analyst.session());
    assertThat(token.body().get(0).path("enabled").asBoolean()).isTrue();
    assertThat(
            Instant.parse(token.body().get(0).path("expire_at").asText())
                .atZone(ZoneId.systemDefault())
                .toLocalDate())
        .as("the end of the chosen day")
        .isEqualTo(date);
  }

  @Test
  void enableWhenNeverChosenThenEnabledWithoutExpiry() {
    fixtures.token(
        analyst.session(),
        Map.of("realname", "Forever", "permissions", List.of("analytic"), "enabled", false));
    openTokens();

    browser.rowAction(browser.row("token-row", "Forever"), "enable");
    WebElement enable = browser.dialog("enable-dialog");
    enable.findElement(By.cssSelector("input[data-expiry='never']")).click();
    browser.submit(enable);

    browser.until(d -> browser.row("token-row", "Forever").getText().contains("Never"));
    assertThat(browser.row("token-row", "Forever").getText()).contains("Enabled");
  }

  @Test
  void deleteWhenConfirmedThenGoneAndValueFails() {
    Fixtures.Issued token =
        fixtures.token(
            analyst.session(),
            Map.of("realname", "Old script", "permissions", List.of("analytic")));
    openTokens();

    browser.rowAction(browser.row("token-row", "Old script"), "delete");
    WebElement confirm = browser.dialog("delete-dialog");
    assertThat(confirm.getText()).contains("cannot be undone");
    browser.submit(confirm);

    browser.visible(By.cssSelector("[data-testid='empty']"));
    assertThat(server.http.get("/v1/user", Auth.token(token.secret())).status()).isEqualTo(401);
  }

  @Test
  void showSecretWhenOwnerThenRevealedOnRequest() {
    Fixtures.Issued token =
        fixtures.token(
            analyst.session(), Map.of("realname", "Reader", "permissions", List.of("analytic")));
    openTokens();

    browser.rowAction(browser.row("token-row", "Reader"), "edit");
    WebElement drawer = browser.dialog("token-drawer");
    WebElement value = drawer.findElement(By.cssSelector("[data-secret='value']"));
    assertThat(value.getAttribute("value"))
        .isEqualTo(token.secret().substring(0, 4) + "..." + token.secret().substring(60));
    drawer.findElement(By.cssSelector("[data-secret='show']")).click();

    browser.until(d -> token.secret().equals(value.getAttribute("value")));
    assertThat(drawer.findElement(By.cssSelector("[data-secret='copy']")).isDisplayed()).isTrue();
  }

  @Test
  void editWhenAllowedAddressInvalidThenInlineErrorAndSavedOnceFixed() {
    fixtures.token(
        analyst.session(), Map.of("realname", "Office only", "permissions", List.of("analytic")));
    openTokens();

    browser.rowAction(browser.row("token-row", "Office only"), "edit");
    WebElement drawer = browser.dialog("token-drawer");
    WebElement ips = drawer.findElement(By.name("allowed_ips"));
    ips.sendKeys("203.0.113.0/24\nnot-an-address");
    browser.submit(drawer);
    assertThat(
            browser
                .visible(By.cssSelector("dialog[open] [data-field='allowed_ips'] .field-error"))
                .getText())
        .isEqualTo("“not-an-address” is not an IP address or CIDR range.");

    ips.sendKeys(Keys.BACK_SPACE.toString().repeat("not-an-address".length()));
    drawer.findElement(By.name("realname")).sendKeys(" (HQ)");
    browser.submit(drawer);

    browser.row("token-row", "Office only (HQ)");
    Response token = server.http.get("/v2/api_tokens?realname=HQ", analyst.session());
    assertThat(token.body().get(0).path("allowed_ips"))
        .extracting(n -> n.asText())
        .containsExactly("203.0.113.0/24");
  }

  @Test
  void rowMenuWhenUsedWithTheKeyboardThenOpensMovesAndCloses() {
    fixtures.token(
        analyst.session(), Map.of("realname", "Keyboard", "permissions", List.of("analytic")));
    openTokens();
    WebElement button =
        browser
            .row("token-row", "Keyboard")
            .findElement(By.cssSelector("button[aria-haspopup='menu']"));

    button.sendKeys(Keys.ENTER);
    browser.until(d -> "edit".equals(d.switchTo().activeElement().getAttribute("data-action")));
    browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_UP);
    assertThat(browser.driver().switchTo().activeElement().getAttribute("data-action"))
        .isEqualTo("delete");
    browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
    assertThat(browser.driver().findElements(By.cssSelector(".menu"))).isEmpty();
    assertThat(button.getAttribute("aria-expanded")).isEqualTo("false");

    button.sendKeys(Keys.ARROW_DOWN);
    browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    browser.dialog("token-drawer");
    browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
    browser.gone(By.cssSelector("dialog[data-testid='token-drawer']"));
  }
}
