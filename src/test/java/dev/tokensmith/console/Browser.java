package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.SecretLedger;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's, driven by /usr/bin/chromedriver) per test class, registered as a
 * static {@code @RegisterExtension}. A failing test leaves its screenshot, page source and browser
 * console under {@code target/screenshots/}. Without chromedriver the class is skipped with a
 * message, except under CI=true, where that fails.
 */
final class Browser implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  /** Desktop size, and the phone width the layout is checked at. */
  static final Dimension DESKTOP = new Dimension(1280, 900);

  static final Dimension PHONE = new Dimension(390, 844);

  private ChromeDriver driver;
  private WebDriverWait wait;
  private Path profile;
  private Path downloads;
  private String baseUrl;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    if (!present) {
      String message =
          "browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + ": missing under CI=true");
      }
      Assumptions.abort(message + "; skipped");
    }
    profile = Files.createTempDirectory("tokensmith-chromium");
    downloads = Files.createTempDirectory("tokensmith-downloads");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--lang=en-US",
        "--user-data-dir=" + profile,
        "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
    Map<String, Object> prefs = new HashMap<>();
    prefs.put("download.default_directory", downloads.toString());
    prefs.put("download.prompt_for_download", false);
    options.setExperimentalOption("prefs", prefs);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(DESKTOP);
    // The Console re-renders a table after each change, so an element found a moment ago may be
    // replaced.
    wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .pollingEvery(Duration.ofMillis(50));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (driver != null) {
      driver.quit();
    }
    delete(profile);
    delete(downloads);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (driver == null) {
      return;
    }
    String name =
        context.getRequiredTestClass().getSimpleName()
            + "-"
            + context.getRequiredTestMethod().getName();
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(),
          SCREENSHOTS.resolve(name + ".png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(SCREENSHOTS.resolve(name + ".html"), driver.getPageSource());
      Files.writeString(
          SCREENSHOTS.resolve(name + ".console.txt"),
          consoleLog().stream().map(LogEntry::toString).collect(Collectors.joining("\n")));
    } catch (IOException | RuntimeException e) {
      System.err.println("could not save the failure screenshot of " + name + ": " + e);
    }
  }

  /** The browser's console since the last call. */
  List<LogEntry> consoleLog() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  ChromeDriver driver() {
    return driver;
  }

  void base(String url) {
    this.baseUrl = url;
  }

  /** Loads a page of the server (a fresh page: the Console's in-memory session is gone). */
  void open(String path) {
    driver.get(baseUrl + path);
  }

  /** Opens the Console and logs in; waits for the app's top bar. */
  void login(String email, String password) {
    open("/console/");
    loginHere(email, password);
  }

  void loginHere(String email, String password) {
    WebElement emailField = visible(By.id("login-email"));
    emailField.clear();
    emailField.sendKeys(email);
    driver.findElement(By.id("login-password")).sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
    visible(By.cssSelector(".topbar"));
  }

  WebElement visible(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void gone(By by) {
    wait.until(ExpectedConditions.invisibilityOfElementLocated(by));
  }

  void until(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    wait.until(condition::apply);
  }

  void click(By by) {
    wait.until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /**
   * Sets a date input. Typing into Chrome's date picker depends on the locale's field order, so set
   * it directly.
   */
  void setDate(WebElement input, LocalDate date) {
    script(
        "arguments[0].focus(); arguments[0].value = arguments[1];"
            + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            + "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        input,
        date.toString());
  }

  /**
   * The rendered text of every element the CSS selector matches, read in one script call: a list
   * that re-renders between finding its rows and reading them (its data arriving a second time)
   * cannot leave a stale element behind.
   */
  @SuppressWarnings("unchecked")
  List<String> texts(String cssSelector) {
    return (List<String>)
        script(
            "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim());",
            cssSelector);
  }

  /** The open dialog with this data-testid. */
  WebElement dialog(String testId) {
    return visible(By.cssSelector("dialog[open][data-testid='" + testId + "']"));
  }

  void submit(WebElement dialog) {
    dialog.findElement(By.cssSelector("[data-role='submit']")).click();
  }

  /** The table row (data-testid) whose first cell shows this name. */
  WebElement row(String testId, String name) {
    By by =
        By.xpath(
            "//tr[@data-testid='"
                + testId
                + "'][.//td[1]//strong[normalize-space()='"
                + name
                + "']]");
    return visible(by);
  }

  /**
   * Opens a row's action menu and picks an item. A list that re-renders itself just after the click
   * (its data arriving a second time) closes the menu it opened: the button is clicked again while
   * the row stands.
   */
  void rowAction(WebElement row, String action) {
    By item = By.cssSelector(".menu [role='menuitem'][data-action='" + action + "']");
    for (int attempt = 1; ; attempt++) {
      row.findElement(By.cssSelector("td.actions button[aria-haspopup='menu']")).click();
      try {
        click(item);
        return;
      } catch (org.openqa.selenium.TimeoutException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /**
   * The same for the row named {@code name}, found afresh on each try: for a list that re-renders
   * itself (a reload after a change) while its menu opens, which closes the menu.
   */
  void rowAction(String testId, String name, String action) {
    for (int attempt = 1; ; attempt++) {
      try {
        rowAction(row(testId, name), action);
        return;
      } catch (org.openqa.selenium.TimeoutException
          | org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Picks the item of a menu button found by its data-testid. */
  void menu(String buttonTestId, String action) {
    click(By.cssSelector("[data-testid='" + buttonTestId + "']"));
    click(By.cssSelector(".menu [role='menuitem'][data-action='" + action + "']"));
  }

  void logout() {
    menu("user-menu", "logout");
    visible(By.id("login-email"));
  }

  /** A secret shown by the Console, remembered so the server's leak check covers it too. */
  String remember(String secret) {
    SecretLedger.record(secret);
    return secret;
  }

  void resize(Dimension size) {
    driver.manage().window().setSize(size);
  }

  /** Saves a screenshot to look at (target/screenshots/NAME.png), failure or not. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files the browser downloaded so far. */
  Path downloads() {
    return downloads;
  }

  String downloaded(String fileName) {
    Path file = downloads.resolve(fileName);
    until(d -> Files.exists(file) && !Files.exists(downloads.resolve(fileName + ".crdownload")));
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails when the page broke its Content-Security-Policy (an inline script or style, a foreign
   * load).
   */
  void assertNoPolicyViolations() {
    List<String> violations =
        consoleLog().stream()
            .map(LogEntry::getMessage)
            .filter(
                m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
            .toList();
    assertThat(violations).as("CSP violations in the browser console").isEmpty();
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }
}
