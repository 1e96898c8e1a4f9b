package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Settings → Nodes: create a node and see its token once, its instances as they register and sync,
 * regenerate the token and delete the node behind a confirmation; viewers see the list without any
 * token or change. And the token form explains what a node deployment token can do.
 */
@WithServer
class NodeBrowserIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

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
    client = fixtures.tenant("Umbrella");
    admin = fixtures.user(client, "admin");
  }

  private static String hostname(String stem) {
    return stem + "-" + SEQUENCE.incrementAndGet();
  }

  private void openNodes(Fixtures.TestUser user) {
    browser.login(user.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='nodes']"));
    browser.visible(By.cssSelector("[data-testid='node-count']"));
  }

  /** A node created through the API by the admin: its id and token. */
  private record Node(long id, String hostname, String token) {}

  private Node node(String hostname) {
    Response r =
        server.http.post(
            "/v2/node", admin.session(), Map.of("hostname", hostname, "clientid", client));
    assertThat(r.status()).as("create node: %s", r).isEqualTo(200);
    return new Node(r.id(), hostname, r.body().path("token").asText());
  }

  /** An instance's credential pair. */
  private record Pair(String uuid, String secret) {
    Auth auth() {
      return (Auth.Custom)
          (request, changing) ->
              request.header("X-WallarmAPI-UUID", uuid).header("X-WallarmAPI-Secret", secret);
    }
  }

  private static Response register(String token, String hostname) {
    return server.http.post("/v2/node/register", Auth.token(token), Map.of("hostname", hostname));
  }

  /** Registers an instance with the node token and syncs it once from {@code ip}. */
  private static Pair registeredAndSynced(String token, String hostname, String ip) {
    Response r = register(token, hostname);
    assertThat(r.status()).as("register: %s", r).isEqualTo(200);
    Pair pair = new Pair(r.body().path("uuid").asText(), r.body().path("secret").asText());
    Response sync = server.http.post("/v2/node/sync", pair.auth(), Map.of("ip", ip));
    assertThat(sync.status()).as("sync: %s", sync).isEqualTo(200);
    // Syncs are written in batches: write this one now.
    server.app.flushUsage();
    return pair;
  }

  private static WebElement openDrawer(String hostname) {
    browser
        .row("node-row", hostname)
        .findElement(By.cssSelector("button[data-action='open']"))
        .click();
    return browser.dialog("node-drawer");
  }

  private static String shownToken() {
    return browser.remember(
        browser
            .dialog("node-token-dialog")
            .findElement(By.cssSelector("[data-secret='new']"))
            .getAttribute("value"));
  }

  private JsonNode listed(String hostname) {
    Response list = server.http.get("/v2/node?filter%5Bclientid%5D=" + client, admin.session());
    for (JsonNode node : list.body()) {
      if (node.path("hostname").asText().equals(hostname)) {
        return node;
      }
    }
    return null;
  }

  @Test
  void createWhenAdminThenTokenShownOnceAndAnInstanceRegisteredWithItShowsActive() {
    openNodes(admin);
    assertThat(browser.visible(By.cssSelector("[data-testid='empty']")).getText())
        .contains("No nodes yet");

    browser.click(By.cssSelector("[data-testid='create-node']"));
    WebElement create = browser.dialog("node-create-dialog");
    assertThat(new Select(create.findElement(By.name("type"))).getFirstSelectedOption().getText())
        .isEqualTo("Cloud node");
    create.findElement(By.name("hostname")).sendKeys("edge-eu-1");
    browser.submit(create);

    WebElement shown = browser.dialog("node-token-dialog");
    String token = shownToken();
    assertThat(token).matches("[A-Za-z0-9]{64}");
    WebElement copy = shown.findElement(By.cssSelector("[data-secret='copy-new']"));
    copy.click();
    browser.until(d -> copy.getText().equals("Copied"));
    browser.screenshot("node-created-token");
    browser.submit(shown);
    browser.gone(By.cssSelector("dialog[data-testid='node-token-dialog']"));

    WebElement row = browser.row("node-row", "edge-eu-1");
    assertThat(row.getText()).contains("Cloud node").contains("0 active / 0").contains("Inactive");
    assertThat(browser.driver().getPageSource()).doesNotContain(token);

    registeredAndSynced(token, "host-19", "203.0.113.7");
    browser.click(By.cssSelector(".sidebar a[data-nav='nodes']"));
    browser.until(d -> browser.row("node-row", "edge-eu-1").getText().contains("1 active / 1"));
    assertThat(
            browser
                .row("node-row", "edge-eu-1")
                .findElement(By.cssSelector("[data-testid='node-status']"))
                .getText())
        .isEqualTo("Active");

    WebElement drawer = openDrawer("edge-eu-1");
    WebElement instance = browser.row("instance-row", "host-19");
    assertThat(instance.getText()).contains("203.0.113.7");
    // The test server's clock stands still, so its "now" is a little behind the browser's.
    assertThat(instance.findElement(By.cssSelector("time")).getText())
        .matches("just now|\\d+ min ago");
    assertThat(instance.findElement(By.cssSelector("[data-testid='registered-with']")).getText())
        .isEqualTo("Node token");
    assertThat(instance.findElement(By.cssSelector("[data-testid='instance-status']")).getText())
        .isEqualTo("Active");
    WebElement value = drawer.findElement(By.cssSelector("[data-secret='value']"));
    assertThat(value.getAttribute("value")).isNotEqualTo(token);
    drawer.findElement(By.cssSelector("[data-secret='show']")).click();
    assertThat(value.getAttribute("value")).isEqualTo(token);
    browser.screenshot("node-drawer");
    browser.assertNoPolicyViolations();
  }

  @Test
  void createWhenNameTakenThenInlineError() {
    node("taken");
    openNodes(admin);
    browser.click(By.cssSelector("[data-testid='create-node']"));
    WebElement create = browser.dialog("node-create-dialog");
    create.findElement(By.name("hostname")).sendKeys("taken");
    browser.submit(create);

    WebElement error =
        browser.visible(By.cssSelector("dialog[open] [data-field='hostname'] .field-error"));
    assertThat(error.getText()).isEqualTo("This client already has a node of this name.");
  }

  @Test
  void createWhenNotAnAdministratorThenNoTokenShownAnywhere() {
    Fixtures.TestUser operator = fixtures.user(client, List.of("nodes:view", "nodes:create"));
    openNodes(operator);
    browser.click(By.cssSelector("[data-testid='create-node']"));
    WebElement create = browser.dialog("node-create-dialog");
    create.findElement(By.name("hostname")).sendKeys("operator-node");
    browser.submit(create);

    WebElement toast = browser.visible(By.cssSelector(".toast"));
    assertThat(toast.getText()).contains("Only an administrator of this client sees its token");
    assertThat(
            browser
                .driver()
                .findElements(By.cssSelector("dialog[data-testid='node-token-dialog']")))
        .isEmpty();
    WebElement drawer = openDrawer("operator-node");
    assertThat(drawer.findElements(By.cssSelector("[data-secret]"))).isEmpty();
    assertThat(drawer.findElements(By.cssSelector("[data-action='regenerate']"))).isEmpty();
    assertThat(drawer.getText()).contains("Only administrators of this client see the node token.");
    String token = listed("operator-node").path("token").asText();
    assertThat(browser.driver().getPageSource()).doesNotContain(token);
  }

  @Test
  void regenerateWhenCancelledThenNothingChangesAndWhenConfirmedTheOldTokenIsRefused() {
    Node node = node(hostname("edge"));
    Pair old = registeredAndSynced(node.token(), "host-a", "198.51.100.4");
    openNodes(admin);

    browser.rowAction(browser.row("node-row", node.hostname()), "regenerate");
    WebElement confirm = browser.dialog("regenerate-dialog");
    assertThat(confirm.getText())
        .contains("registered with the current token stops syncing at once");
    browser.screenshot("node-regenerate-confirm");
    confirm.findElement(By.xpath(".//button[normalize-space()='Cancel']")).click();
    browser.gone(By.cssSelector("dialog[data-testid='regenerate-dialog']"));
    assertThat(listed(node.hostname()).path("token").asText()).isEqualTo(node.token());
    assertThat(server.http.post("/v2/node/sync", old.auth(), Map.of()).status()).isEqualTo(200);

    WebElement drawer = openDrawer(node.hostname());
    drawer.findElement(By.cssSelector("button[data-action='regenerate']")).click();
    browser.submit(browser.dialog("regenerate-dialog"));
    String renewed = shownToken();
    assertThat(renewed).matches("[A-Za-z0-9]{64}").isNotEqualTo(node.token());
    browser.submit(browser.dialog("node-token-dialog"));

    assertThat(register(node.token(), "host-b").status()).as("the old token").isEqualTo(401);
    assertThat(server.http.post("/v2/node/sync", old.auth(), Map.of()).status())
        .as("an instance of the old token")
        .isEqualTo(401);
    assertThat(register(renewed, "host-c").status()).as("the new token").isEqualTo(200);
  }

  @Test
  void deleteWhenConfirmedThenRowGoneAndItsInstancesStop() {
    Node kept = node(hostname("kept"));
    Node node = node(hostname("doomed"));
    Pair instance = registeredAndSynced(node.token(), "host-d", "192.0.2.8");
    openNodes(admin);

    WebElement drawer = openDrawer(node.hostname());
    browser.visible(By.cssSelector("tr[data-testid='instance-row']"));
    drawer.findElement(By.cssSelector("button[data-action='delete']")).click();
    WebElement confirm = browser.dialog("delete-node-dialog");
    assertThat(confirm.getText()).contains("Its instance stops syncing at once");
    browser.submit(confirm);

    browser.gone(
        By.xpath(
            "//tr[@data-testid='node-row'][.//strong[normalize-space()='"
                + node.hostname()
                + "']]"));
    browser.row("node-row", kept.hostname());
    assertThat(listed(node.hostname())).isNull();
    assertThat(server.http.post("/v2/node/sync", instance.auth(), Map.of()).status())
        .isEqualTo(401);
  }

  @Test
  void listWhenViewOnlyRoleThenNodesWithoutTokenOrChanges() {
    Node older = node(hostname("older"));
    Node newer = node(hostname("newer"));
    registeredAndSynced(newer.token(), "host-v", "192.0.2.9");
    for (String role : List.of("auditor", "analytic")) {
      Fixtures.TestUser viewer = fixtures.user(client, role);
      openNodes(viewer);

      browser.row("node-row", older.hostname());
      List<String> names = browser.texts("tr[data-testid='node-row'] td.primary strong");
      assertThat(names).as(role).containsExactly(newer.hostname(), older.hostname());
      assertThat(browser.driver().findElements(By.cssSelector("[data-testid='create-node']")))
          .as(role)
          .isEmpty();
      WebElement row = browser.row("node-row", newer.hostname());
      row.findElement(By.cssSelector("td.actions button[aria-haspopup='menu']")).click();
      List<String> actions =
          browser.driver().findElements(By.cssSelector(".menu [role='menuitem']")).stream()
              .map(e -> e.getAttribute("data-action"))
              .toList();
      assertThat(actions).as(role).containsExactly("details");
      browser.click(By.cssSelector(".menu [role='menuitem'][data-action='details']"));

      WebElement drawer = browser.dialog("node-drawer");
      browser.row("instance-row", "host-v");
      assertThat(drawer.findElements(By.cssSelector("[data-secret]"))).as(role).isEmpty();
      assertThat(drawer.findElements(By.cssSelector("button[data-action]"))).as(role).isEmpty();
      assertThat(browser.driver().getPageSource())
          .as(role)
          .doesNotContain(newer.token())
          .doesNotContain(older.token());
      browser.screenshot("node-drawer-" + role);
      drawer.findElement(By.cssSelector("button[aria-label='Close']")).click();
      browser.logout();
    }
  }

  @Test
  void tokenFormWhenNodeDeploymentChosenThenExplainedAndTheTokenRegistersOnly() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector("[data-testid='create-token']"));
    WebElement drawer = browser.dialog("token-drawer");
    WebElement note = drawer.findElement(By.cssSelector("[data-testid='usage-note']"));
    assertThat(note.getText()).doesNotContain("/v2/node/register");

    new Select(drawer.findElement(By.name("usage"))).selectByValue("node_deployment");
    assertThat(note.getText())
        .contains("only registers node instances")
        .contains("POST /v2/node/register")
        .contains("labels.group names the node, which is created if missing")
        .contains("the verifier included")
        .contains("cannot manage tokens or use the Console");
    browser.screenshot("token-form-node-deployment");
    drawer.findElement(By.name("realname")).sendKeys("Edge rollout");
    browser.submit(drawer);

    WebElement shown = browser.dialog("secret-dialog");
    assertThat(shown.getText()).contains("/v2/node/register").doesNotContain("/v1/user");
    String secret =
        browser.remember(
            shown.findElement(By.cssSelector("[data-secret='new']")).getAttribute("value"));
    browser.submit(shown);
    Response registered =
        server.http.post(
            "/v2/node/register",
            Auth.token(secret),
            Map.of("hostname", "host-t", "labels", Map.of("group", "edge-auto")));
    assertThat(registered.status()).as("%s", registered).isEqualTo(200);
    assertThat(server.http.get("/v1/user", Auth.token(secret)).status()).isEqualTo(401);
    long tokenId =
        server
            .http
            .get("/v2/api_tokens?realname=Edge%20rollout", admin.session())
            .body()
            .get(0)
            .path("id")
            .asLong();

    browser.click(By.cssSelector(".sidebar a[data-nav='nodes']"));
    openDrawer("edge-auto");
    assertThat(
            browser
                .row("instance-row", "host-t")
                .findElement(By.cssSelector("[data-testid='registered-with']"))
                .getText())
        .isEqualTo("API token #" + tokenId);
  }
}
