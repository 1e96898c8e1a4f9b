package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The custom permissions matrix of an operator's catalogue: its own actions, however many, and no
 * others.
 */
class OwnCatalogueBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  @AutoClose static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() throws IOException {
    Path file = Files.createTempFile("catalogue", ".yaml");
    Files.writeString(
        file,
        """
        resources:
          - id: invoices
            actions: [view, create, void, refund]
            roles:
              admin: [view, create, void, refund]
              analytic: [view, void, refund]
        """);
    file.toFile().deleteOnExit();
    server = TestServer.start(Map.of("TOKENSMITH_CATALOGUE_FILE", file.toString()));
    fixtures = new Fixtures(server);
    browser.base(server.baseUrl());
  }

  @Test
  void customMatrixWhenResourceHasSeveralOwnActionsThenEachIsABoxAndNoneItLacks() {
    Fixtures.TestUser analyst = fixtures.user(fixtures.tenant("Billing"), "analytic");
    browser.login(analyst.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    drawer.findElement(By.name("realname")).sendKeys("Refunds");
    drawer.findElement(By.cssSelector("input[data-mode='custom']")).click();

    assertThat(drawer.findElements(By.cssSelector("input[data-permission='invoices:update']")))
        .isEmpty();
    assertThat(drawer.findElements(By.cssSelector("input[data-permission='invoices:delete']")))
        .isEmpty();
    assertThat(box(drawer, "invoices:create").isEnabled()).isFalse();
    WebElement refund = box(drawer, "invoices:refund");
    assertThat(refund.getAttribute("aria-label")).isEqualTo("Invoices: refund");
    refund.click();
    assertThat(box(drawer, "invoices:view").isSelected()).as("view is implied").isTrue();
    browser.submit(drawer);
    browser.submit(browser.dialog("secret-dialog"));

    Response list = server.http.get("/v2/api_tokens?realname=Refunds", analyst.session());
    assertThat(list.body().get(0).path("permissions"))
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("invoices:view", "invoices:refund");
  }

  private static WebElement box(WebElement drawer, String permission) {
    return drawer.findElement(By.cssSelector("input[data-permission='" + permission + "']"));
  }
}
