package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The API Console (/api-console): the OpenAPI document, "Try it out" with the Console session, no
 * token pasted.
 */
@WithServer
class ApiConsoleBrowserIT {
  private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([A-Za-z0-9]{64})\"");

  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures.TestUser analyst;

  @BeforeAll
  static void seed(Fixtures fixtures) {
    browser.base(server.baseUrl());
    analyst = fixtures.user(fixtures.tenant("Hooli"), "analytic");
  }

  /** The operation block of one method and path, expanded and switched to "Try it out". */
  private static WebElement tryItOut(String method, String path) {
    WebElement block =
        browser.visible(
            By.xpath(
                "//div[contains(@class,'opblock-"
                    + method
                    + "')]"
                    + "[.//*[contains(@class,'opblock-summary-path')][@data-path='"
                    + path
                    + "']]"));
    block.findElement(By.cssSelector(".opblock-summary-control")).click();
    browser.click(
        By.xpath(
            "//div[contains(@class,'opblock-"
                + method
                + "')][.//*[@data-path='"
                + path
                + "']]"
                + "//button[contains(@class,'try-out__btn')]"));
    return block;
  }

  private static String execute(WebElement block) {
    block.findElement(By.cssSelector("button.execute")).click();
    WebElement status =
        browser.visible(
            By.cssSelector(".opblock.is-open .live-responses-table tbody .response-col_status"));
    browser.until(d -> !status.getText().isBlank());
    WebElement response =
        block.findElement(By.cssSelector(".live-responses-table .response-col_description pre"));
    browser.script("arguments[0].scrollIntoView({block: 'center'})", response);
    String body = response.getText();
    return status.getText().trim() + "\n" + body;
  }

  @Test
  void tryItOutWhenPostV1UserThenRunsWithTheConsoleSession() {
    browser.login(analyst.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='api-console']"));
    assertThat(browser.driver().getCurrentUrl()).endsWith("/api-console");

    WebElement block = tryItOut("post", "/v1/user");
    String answer = execute(block);

    assertThat(answer).startsWith("200").contains(analyst.email());
    // The command to copy runs outside the Console: with the caller's own token, never the session.
    String curl =
        block.findElement(By.cssSelector(".request-snippets pre, .curl-command pre")).getText();
    assertThat(curl)
        .contains("X-WallarmApi-Token: <your token>")
        .contains("/v1/user")
        .doesNotContain("X-CSRF-Token")
        .doesNotContain("tks_session");
    // The session authorizes every request: swagger-ui's "Authorize" is not offered.
    assertThat(browser.driver().findElements(By.cssSelector(".swagger-ui .auth-wrapper button")))
        .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
    assertThat(browser.script("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
    browser.screenshot("api-console-post-user");
    browser.assertNoPolicyViolations();
  }

  @Test
  void tryItOutWhenPostV2ApiTokensThenTokenCreatedWithoutPastingOne() {
    browser.open("/api-console");
    browser.loginHere(analyst.email(), Fixtures.PASSWORD);

    WebElement block = tryItOut("post", "/v2/api_tokens");
    assertThat(block.findElement(By.cssSelector("textarea.body-param__text")).getAttribute("value"))
        .as("the documented example body")
        .contains("\"realname\": \"CI pipeline\"");
    String answer = execute(block);

    Matcher secret = SECRET.matcher(answer);
    assertThat(secret.find()).as("a secret in %s", answer).isTrue();
    browser.remember(secret.group(1));
    assertThat(answer).startsWith("200");
    Response listed = server.http.get("/v2/api_tokens?realname=CI%20pipeline", analyst.session());
    assertThat(listed.body().get(0).path("user_id").asLong()).isEqualTo(analyst.id());
  }

  @Test
  void apiConsoleWhenOpenedDirectlyThenAsksForLoginFirstAndListsEveryArea() {
    browser.open("/api-console");
    browser.visible(By.id("login-email"));
    browser.loginHere(analyst.email(), Fixtures.PASSWORD);

    browser.visible(By.cssSelector(".opblock-tag-section"));
    assertThat(
            browser.driver().findElements(By.cssSelector(".opblock-tag")).stream()
                .map(e -> e.getAttribute("data-tag"))
                .toList())
        .containsExactly(
            "Session",
            "Users",
            "API tokens",
            "Clients",
            "Activity log",
            "Verifier",
            "Operations",
            "Nodes",
            "Notices",
            "Webhooks",
            "SSO");
    browser.assertNoPolicyViolations();
  }
}
