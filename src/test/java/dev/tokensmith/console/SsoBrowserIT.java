package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.LegacyPairs;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Single sign-on in a real browser at desktop width: the login page's "Continue with SSO", the IdP,
 * the callback and the Console logged in; the SSO settings page; the users' sign-in and API access;
 * a legacy token on the tokens page.
 */
@WithServer
class SsoBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  static MockOAuth2Server idpServer;
  static long tenant;
  static Fixtures.TestUser admin;

  @BeforeAll
  static void seed() throws Exception {
    browser.base(server.baseUrl());
    idpServer = new MockOAuth2Server();
    idpServer.start(InetAddress.getByName("127.0.0.1"), 0);
    tenant = fixtures.tenant("Sso browser");
    admin = fixtures.user(tenant, "admin");
    Response r =
        server.http.put(
            "/v2/sso?client_id=" + tenant,
            admin.session(),
            Map.of(
                "enabled",
                true,
                "issuer",
                idpServer.issuerUrl("idp").toString(),
                "client_id",
                "tokensmith",
                "provisioning",
                true,
                "email_domains",
                List.of("sso-browser.example")));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    idpServer.shutdown();
  }

  @Test
  void ssoWhenIdpVouchesThenConsoleOpensAndTheTokenLeavesTheAddress() {
    String email = "jane@sso-browser.example";
    idpServer.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "idp",
            "jane",
            "JWT",
            List.of("tokensmith"),
            Map.of("email", email, "tokensmith_role", "admin"),
            600));

    browser.driver().get(server.baseUrl() + "/v1/sso/start?email=" + email);

    assertThat(browser.visible(By.cssSelector("main h1")).getText()).isEqualTo("API tokens");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("sso_csrf");
    assertThat(browser.driver().manage().getCookieNamed("tks_session").isHttpOnly()).isTrue();
    // A change goes through: logging out is a POST, which needs the CSRF token taken from the
    // landing address.
    String cookie = browser.driver().manage().getCookieNamed("tks_session").getValue();
    assertThat(server.http.get("/v1/user", new Auth.Session(cookie, "", 0, 0)).status())
        .isEqualTo(200);
    browser.logout();
    assertThat(server.http.get("/v1/user", new Auth.Session(cookie, "", 0, 0)).status())
        .isEqualTo(401);
  }

  @Test
  void ssoWhenTheUserSignsInOnTheIdpsLoginPageThenTheConsoleOpensOnTheTokensPage()
      throws Exception {
    // An IdP that asks the user to sign in on its own page (the mock's login form: a user name
    // and the claims to vouch for), for a client of its own.
    MockOAuth2Server interactive = new MockOAuth2Server(new OAuth2Config(true, null, null));
    interactive.start(InetAddress.getByName("127.0.0.1"), 0);
    try {
      long formTenant = fixtures.tenant("Sso login form");
      Fixtures.TestUser formAdmin = fixtures.user(formTenant, "admin");
      Response r =
          server.http.put(
              "/v2/sso?client_id=" + formTenant,
              formAdmin.session(),
              Map.of(
                  "enabled",
                  true,
                  "issuer",
                  interactive.issuerUrl("idp").toString(),
                  "client_id",
                  "tokensmith",
                  "provisioning",
                  true,
                  "email_domains",
                  List.of("sso-form.example")));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      String email = "form@sso-form.example";
      browser.open("/console/");
      browser.visible(By.id("login-email")).sendKeys(email);
      browser.visible(By.id("login-sso")).click();

      // The IdP's own sign-in page.
      WebElement username = browser.visible(By.name("username"));
      assertThat(browser.driver().getCurrentUrl())
          .startsWith(interactive.authorizationEndpointUrl("idp").toString());
      username.sendKeys("form-user");
      browser
          .driver()
          .findElement(By.name("claims"))
          .sendKeys("{\"email\": \"" + email + "\", \"tokensmith_role\": \"admin\"}");
      browser.screenshot("sso-idp-login-form");
      browser.driver().findElement(By.cssSelector("input[type='submit']")).click();

      assertThat(browser.visible(By.cssSelector("main h1")).getText()).isEqualTo("API tokens");
      assertThat(browser.driver().getCurrentUrl())
          .startsWith(server.baseUrl() + "/console/")
          .doesNotContain("sso_csrf");
      // Provisioned with the role the IdP's page vouched for.
      Response found =
          server.http.post(
              "/v1/objects/user", formAdmin.session(), Map.of("filter", Map.of("email", email)));
      assertThat(found.body().path(0).path("role").asText()).as("%s", found).isEqualTo("admin");
      assertThat(found.body().path(0).path("sso").asText()).isEqualTo("sso");
      browser.logout();
    } finally {
      interactive.shutdown();
    }
  }

  static void enqueueLogin(String email, String role) {
    idpServer.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "idp",
            email,
            "JWT",
            List.of("tokensmith"),
            Map.of("email", email, "tokensmith_role", role),
            600));
  }

  static Response updateUser(long id, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", id), "fields", fields));
  }

  @Test
  void loginPageWhenTheEmailsDomainHasSsoThenContinueWithSsoOpensTheConsole() {
    browser.open("/console/");
    WebElement email = browser.visible(By.id("login-email"));
    email.sendKeys("someone@elsewhere.example");
    // Once the page has asked, a domain without SSO offers nothing.
    browser.until(
        d ->
            (Boolean)
                browser.script(
                    "return performance.getEntriesByType('resource')"
                        + ".some(e => e.name.includes('/v1/sso/domain'));"));
    assertThat(browser.driver().findElement(By.id("login-sso")).isDisplayed()).isFalse();
    email.clear();
    email.sendKeys("sam@sso-browser.example");

    WebElement sso = browser.visible(By.id("login-sso"));
    assertThat(sso.getText()).isEqualTo("Continue with SSO");
    browser.screenshot("sso-login-choice");
    enqueueLogin("sam@sso-browser.example", "admin");
    sso.click();

    assertThat(browser.visible(By.cssSelector("main h1")).getText()).isEqualTo("API tokens");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("sso_csrf");
    browser.logout();
  }

  @Test
  void loginPageWhenSsoUserTypesTheirPasswordThenSameMessageAsAWrongPassword() {
    Fixtures.TestUser user = fixtures.user(tenant, "analytic");
    assertThat(updateUser(user.id(), Map.of("sso", "sso")).status()).isEqualTo(200);
    browser.open("/console/");
    browser.visible(By.id("login-email")).sendKeys(user.email());
    browser.driver().findElement(By.id("login-password")).sendKeys(Fixtures.PASSWORD);
    browser.click(By.id("login-submit"));
    String refused = browser.visible(By.id("login-error")).getText();

    browser.script("document.getElementById('login-error').textContent = '';");
    browser.driver().findElement(By.id("login-password")).sendKeys("wrong-password-1");
    browser.click(By.id("login-submit"));
    browser.until(d -> !d.findElement(By.id("login-error")).getText().isEmpty());

    assertThat(refused).isEqualTo("Wrong email or password.");
    assertThat(browser.driver().findElement(By.id("login-error")).getText()).isEqualTo(refused);
  }

  @Test
  void settingsPageWhenAdminThenShowsTestsAndSavesTheSettingsWithTheSecretWriteOnly() {
    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='sso']"));
    WebElement form = browser.visible(By.cssSelector("[data-testid='sso-form']"));
    WebElement issuer = form.findElement(By.name("issuer"));
    assertThat(issuer.getAttribute("value")).isEqualTo(idpServer.issuerUrl("idp").toString());
    assertThat(form.findElement(By.name("client_secret")).getAttribute("value")).isEmpty();
    assertThat(browser.visible(By.cssSelector("[data-testid='sso-redirect-uri']")).getText())
        .isEqualTo(server.baseUrl() + "/v1/sso/callback");

    browser.click(By.cssSelector("[data-testid='sso-test']"));
    browser.until(
        d ->
            d.findElement(By.cssSelector("[data-testid='sso-test-result']"))
                .getText()
                .contains("The IdP answered."));
    String secret = "browser-idp-secret-0123456789";
    SecretLedger.record(secret);
    form.findElement(By.name("client_secret")).sendKeys(secret);
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("default_role")))
        .selectByValue("analytic");
    browser.screenshot("sso-settings");
    browser.click(By.cssSelector("[data-testid='sso-save']"));
    browser.visible(By.cssSelector(".toast"));

    Response saved = server.http.get("/v2/sso?client_id=" + tenant, admin.session());
    assertThat(saved.body().path("client_secret_set").asBoolean()).isTrue();
    assertThat(saved.body().path("default_role").asText()).isEqualTo("analytic");
    assertThat(saved.body().path("provisioning").asBoolean()).isTrue();
    assertThat(
            browser
                .visible(By.cssSelector("[data-testid='sso-form'] input[name='client_secret']"))
                .getAttribute("value"))
        .as("never shown back")
        .isEmpty();
    // Strict warns before it is saved.
    browser.click(By.cssSelector("[data-testid='sso-form'] input[name='strict']"));
    assertThat(browser.visible(By.cssSelector("[data-testid='strict-note']")).getText())
        .contains("nobody can go back to a password");
    browser.logout();
  }

  @Test
  void usersPageWhenApiAccessRevokedThenWarnedAndTheirTokensDisabledAndIdpUsersKept() {
    Fixtures.TestUser sso = fixtures.user(tenant, "admin");
    var token = fixtures.token(sso.session(), List.of("admin"));
    assertThat(updateUser(sso.id(), Map.of("sso", "sso", "api_access", true)).status())
        .isEqualTo(200);
    Fixtures.TestUser password = fixtures.user(tenant, "analytic");
    // A user the IdP created: kept from disabling and deleting here while it provisions.
    enqueueLogin("provisioned@sso-browser.example", "analytic");
    browser.driver().get(server.baseUrl() + "/v1/sso/start?email=provisioned@sso-browser.example");
    browser.visible(By.cssSelector("main h1"));
    browser.logout();

    browser.login(admin.email(), Fixtures.PASSWORD);
    browser.click(By.cssSelector(".sidebar a[data-nav='users']"));
    browser.visible(By.cssSelector("[data-testid='user-table']"));
    WebElement ssoRow = browser.row("user-row", "User " + sso.email());
    assertThat(ssoRow.findElement(By.cssSelector("[data-testid='sign-in']")).getText())
        .contains("SSO")
        .contains("API access");
    WebElement provisioned = browser.row("user-row", "provisioned@sso-browser.example");
    assertThat(provisioned.findElement(By.cssSelector("[data-testid='sign-in']")).getText())
        .contains("Provisioned");
    provisioned.findElement(By.cssSelector("td.actions button[aria-haspopup='menu']")).click();
    assertThat(browser.visible(By.cssSelector(".menu [data-testid='idp-owned']")).getText())
        .contains("identity provider");
    assertThat(
            browser
                .driver()
                .findElements(
                    By.cssSelector(".menu [data-action='disable'], .menu [data-action='delete']")))
        .isEmpty();
    browser.screenshot("sso-users-idp-owned");
    provisioned.findElement(By.cssSelector("td.actions button[aria-haspopup='menu']")).click();

    browser.rowAction(browser.row("user-row", "User " + password.email()), "sso-on");
    WebElement move = browser.dialog("sso-user-dialog");
    assertThat(move.getText()).contains("All their tokens will be disabled now");
    move.sendKeys(org.openqa.selenium.Keys.ESCAPE);
    browser.gone(By.cssSelector("dialog[open]"));

    browser.rowAction(browser.row("user-row", "User " + sso.email()), "api-revoke");
    WebElement confirm = browser.dialog("revoke-api-dialog");
    assertThat(confirm.getText())
        .contains("Their tokens will be disabled")
        .contains("does not re-enable them");
    browser.screenshot("sso-users-revoke-api-access");
    browser.submit(confirm);
    browser.gone(By.cssSelector("dialog[open]"));

    Response read = server.http.get("/v2/api_tokens/" + token.id(), admin.session());
    assertThat(read.body().path("enabled").asBoolean()).as("%s", read).isFalse();
    assertThat(read.body().path("disabled_reason").asText()).isEqualTo("api_access_revoked");
    browser.until(
        d ->
            browser
                .row("user-row", "User " + sso.email())
                .findElement(By.cssSelector("[data-testid='sign-in']"))
                .getText()
                .equals("SSO"));
    browser.logout();
  }

  @Test
  void tokensPageWhenLegacyTokenThenMarkedItsPairShownNoMatrixAndRenewWarns() {
    Fixtures.TestUser owner = fixtures.user(tenant, "admin");
    LegacyPairs.Pair pair = LegacyPairs.next();
    Response imported =
        server.http.post(
            "/v2/user/" + owner.id() + "/legacy_credentials",
            admin.session(),
            Map.of("uuid", pair.uuid(), "secret", pair.secret()));
    assertThat(imported.status()).as("%s", imported).isEqualTo(200);
    SecretLedger.record(imported.body().path("secret").asText());
    browser.login(owner.email(), Fixtures.PASSWORD);

    WebElement row = browser.row("token-row", "Backward-compatible token");
    assertThat(row.findElement(By.cssSelector("[data-testid='legacy-badge']")).getText())
        .isEqualTo("Legacy");
    browser.rowAction("token-row", "Backward-compatible token", "edit");
    WebElement drawer = browser.dialog("token-drawer");
    assertThat(drawer.findElement(By.cssSelector("[data-testid='legacy-pair']")).getText())
        .contains("Still works");
    assertThat(drawer.findElements(By.cssSelector("input[data-mode='custom']"))).isEmpty();
    browser.screenshot("sso-legacy-token-drawer");
    drawer.sendKeys(org.openqa.selenium.Keys.ESCAPE);
    browser.gone(By.cssSelector("dialog[open]"));

    browser.rowAction("token-row", "Backward-compatible token", "renew");
    WebElement renew = browser.dialog("renew-dialog");
    assertThat(renew.findElement(By.cssSelector("[data-testid='legacy-renew-note']")).getText())
        .contains("The old credential pair will stop");
    browser.screenshot("sso-legacy-renew-warning");
    browser.submit(renew);
    WebElement shown = browser.dialog("secret-dialog");
    SecretLedger.record(
        shown.findElement(By.cssSelector("input[data-secret='new']")).getAttribute("value"));
    browser.submit(shown);

    assertThat(server.http.get("/v1/user", pair.auth()).status()).isEqualTo(401);
    // The list reloads after the renewal; the row is found again if that closes its menu.
    browser.rowAction("token-row", "Backward-compatible token", "edit");
    assertThat(
            browser
                .dialog("token-drawer")
                .findElement(By.cssSelector("[data-testid='legacy-pair']"))
                .getText())
        .contains("Ended");
  }
}
