package dev.tokensmith.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Without {@code TOKENSMITH_WEBHOOK_ALLOW_PRIVATE}, a webhook URL whose host is or resolves to an
 * internal address is refused when written (400 on {@code url}), nothing is created, and an update
 * to one is refused the same way.
 */
class WebhookAddressIT {
  static TestServer server;
  static TestUser admin;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    Fixtures fixtures = new Fixtures(server);
    admin = fixtures.user(fixtures.tenant("Addresses"), "admin");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://2130706433/hook"
      })
  void createWhenUrlReachesAnInternalAddressThenInvalidAndNothingCreated(String url) {
    Response r =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", url, "events", List.of("token.created")));
    assertThat(r.status()).as("%s → %s", url, r).isEqualTo(400);
    assertThat(r.body().path("url").path("error").asText()).isEqualTo("invalid");
    assertThat(server.http.get("/v2/webhooks", admin.session()).body()).isEmpty();
  }

  @Test
  void updateWhenUrlReachesLoopbackThenInvalidAndUnchanged() {
    // A public address by number: no name lookup in the test.
    Response created =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", "https://93.184.215.14/hook", "events", List.of("token.created")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    String path = "/v2/webhooks/" + created.id();
    Response updated =
        server.http.put(path, admin.session(), Map.of("url", "http://127.0.0.1:9/hook"));
    assertThat(updated.status()).isEqualTo(400);
    assertThat(updated.body().path("url").path("error").asText()).isEqualTo("invalid");
    assertThat(server.http.get(path, admin.session()).body().path("url").asText())
        .isEqualTo("https://93.184.215.14/hook");
    assertThat(server.http.delete(path, admin.session()).status()).isEqualTo(200);
  }
}
