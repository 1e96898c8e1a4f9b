package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** A single sign-on in a real browser: start, the IdP, the callback, and the Console logged in. */
@WithServer
class SsoBrowserIT {
  @RegisterExtension static Browser browser = new Browser();
  static TestServer server;
  static Fixtures fixtures;
  static MockOAuth2Server idpServer;

  @BeforeAll
  static void seed() throws Exception {
    browser.base(server.baseUrl());
    idpServer = new MockOAuth2Server();
    idpServer.start(InetAddress.getByName("127.0.0.1"), 0);
    long tenant = fixtures.tenant("Sso browser");
    Response r =
        server.http.put(
            "/v2/sso?client_id=" + tenant,
            fixtures.user(tenant, "admin").session(),
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
}
