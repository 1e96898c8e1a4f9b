package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Settings → Activity log: what the Console did is recorded, a record opens its diff, the CSV
 * downloads.
 */
@WithServer
class ActivityBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures.TestUser admin;

  @BeforeAll
  static void seed(Fixtures fixtures) {
    browser.base(server.baseUrl());
    admin = fixtures.user(fixtures.tenant("Umbrella"), "admin");
    // What the log will show: a token created and disabled in the Console.
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Audit me");
    browser.submit(drawer);
    browser.remember(
        browser
            .dialog("secret-dialog")
            .findElement(By.cssSelector("[data-secret='new']"))
            .getAttribute("value"));
    browser.submit(browser.dialog("secret-dialog"));
    browser.rowAction(browser.row("token-row", "Audit me"), "disable");
    browser.until(
        d -> browser.row("token-row", "Audit me").getAttribute("class").contains("is-disabled"));
  }

  private static void openActivity() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='activity']"));
    browser.visible(By.cssSelector("[data-testid='activity-table']"));
  }

  private static List<String> actions() {
    @SuppressWarnings("unchecked")
    List<String> actions =
        (List<String>)
            browser.script(
                "return Array.from(document.querySelectorAll(\"tr[data-testid='activity-row']\"),"
                    + " r => r.dataset.action + ' ' + r.dataset.objectType);");
    return actions;
  }

  @Test
  void activityWhenTokenCreatedAndDisabledInTheConsoleThenBothListedFromTheConsole() {
    openActivity();

    assertThat(actions()).contains("create api_token", "disable api_token", "login session");
    WebElement disable = browser.driver().findElement(By.cssSelector("tr[data-action='disable']"));
    assertThat(disable.getText()).contains("Audit me").contains("Console").contains(admin.email());
    browser.screenshot("activity-log");
  }

  @Test
  void filterWhenObjectTypeAndActionChosenThenOnlyMatchingRecords() {
    openActivity();

    new Select(browser.driver().findElement(By.cssSelector("select[data-filter='object_type']")))
        .selectByValue("api_token");
    browser.until(d -> actions().stream().allMatch(a -> a.endsWith("api_token")));
    // Newest first: the token was disabled after it was created.
    assertThat(actions()).containsExactly("disable api_token", "create api_token");
    new Select(browser.driver().findElement(By.cssSelector("select[data-filter='action']")))
        .selectByValue("disable");

    browser.until(d -> actions().equals(List.of("disable api_token")));
  }

  @Test
  void rowWhenOpenedWithTheKeyboardThenShowsOldAndNewValues() {
    openActivity();

    WebElement row = browser.driver().findElement(By.cssSelector("tr[data-action='disable']"));
    row.sendKeys(Keys.ENTER);

    WebElement diff =
        browser.dialog("activity-dialog").findElement(By.cssSelector("[data-testid='diff']"));
    WebElement enabled = diff.findElement(By.xpath(".//tr[th[normalize-space()='enabled']]"));
    assertThat(enabled.findElement(By.cssSelector("td.old")).getText()).isEqualTo("true");
    assertThat(enabled.findElement(By.cssSelector("td.new")).getText()).isEqualTo("false");
    browser.screenshot("activity-diff");
  }

  @Test
  void exportWhenFilteredThenCsvOfThatFilterDownloads() {
    openActivity();
    new Select(browser.driver().findElement(By.cssSelector("select[data-filter='object_type']")))
        .selectByValue("api_token");
    browser.until(
        d ->
            d.findElement(By.cssSelector("[data-testid='export-csv']"))
                .getAttribute("href")
                .contains("object_type=api_token"));

    // How many rows the file will hold is said before the download.
    browser.until(
        d ->
            d.findElement(By.cssSelector("[data-testid='export-count']"))
                .getText()
                .equals("2 records"));
    browser.click(By.cssSelector("[data-testid='export-csv']"));

    String csv = browser.downloaded("activity_log.csv");
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).startsWith("id,time,client_id,object_type");
    assertThat(lines.subList(1, lines.size()))
        .hasSize(2)
        .allMatch(l -> l.contains("\"api_token\""))
        .anyMatch(l -> l.contains("\"disable\""))
        .anyMatch(l -> l.contains("\"create\""));
  }
}
