package dev.tokensmith.sso;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSO starts are limited per address (each writes a login under way and may reach the IdP): past
 * the limit, 429 with {@code Retry-After} in the spec's error format, in counters of their own.
 */
@UsesDatabase
@WithServer(settings = "TOKENSMITH_AUTH_FAILURES_PER_MINUTE=5")
class SsoStartLimitIT {
  static final HttpClient BROWSER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  static TestServer server;
  static Fixtures fixtures;
  static MockOAuth2Server idpServer;
  static TestUser admin;

  @BeforeAll
  static void seed() throws Exception {
    SecretLedger.record(SsoIT.IDP_SECRET);
    idpServer = new MockOAuth2Server();
    idpServer.start(InetAddress.getByName("127.0.0.1"), 0);
    long tenant = fixtures.tenant("Sso limited");
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
                SsoIT.IDP_CLIENT,
                "client_secret",
                SsoIT.IDP_SECRET,
                "default_role",
                "analytic",
                "email_domains",
                List.of("limited.example")));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    idpServer.shutdown();
  }

  static HttpResponse<String> start(String email) {
    try {
      return BROWSER.send(
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/sso/start?email=" + email))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void startWhenOverTheLimitOfTheAddressThen429WithRetryAfterUntilTheWindowPasses() {
    server.clock.advance(Duration.ofSeconds(61));
    // Starts for a domain without SSO count too: probing domains costs the same.
    assertThat(start("a@nowhere.example").statusCode()).isEqualTo(404);
    for (int i = 0; i < 4; i++) {
      assertThat(start("a@limited.example").statusCode()).as("start %d", i + 2).isEqualTo(302);
    }

    HttpResponse<String> limited = start("a@limited.example");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).isEqualTo("{\"status\":429,\"body\":\"Too many requests\"}");
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
    assertThat(limited.headers().allValues("Set-Cookie")).isEmpty();
    // A password login from the same address is not held back by SSO starts.
    assertThat(server.http.get("/v1/user", admin.session()).status()).isEqualTo(200);
    assertThat(server.login(admin.email(), Fixtures.PASSWORD)).isNotNull();

    server.clock.advance(Duration.ofSeconds(61));
    assertThat(start("a@limited.example").statusCode()).isEqualTo(302);
  }
}
