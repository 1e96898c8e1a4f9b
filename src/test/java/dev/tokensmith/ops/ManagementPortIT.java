package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import org.junit.jupiter.api.Test;

/** TOKENSMITH_MANAGEMENT_PORT moves /metrics off the API's port; health answers on both. */
@UsesDatabase
@WithServer(settings = "TOKENSMITH_MANAGEMENT_PORT=0")
class ManagementPortIT {
  static TestServer server;

  @Test
  void metricsWhenManagementPortSetThenServedThereAndNotOnTheApiPort() {
    int port = server.app.managementPort().orElseThrow();
    assertThat(port).isNotEqualTo(server.app.port());
    Http management = new Http("http://127.0.0.1:" + port);

    assertThat(server.http.get("/healthz", Auth.NONE).status()).isEqualTo(200);
    assertThat(server.http.get("/metrics", Auth.NONE).status()).isEqualTo(404);

    var metrics = management.get("/metrics", Auth.NONE);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text())
        .contains("# HELP tokensmith_build_info")
        .contains("route=\"/healthz\"");
    assertThat(management.get("/healthz", Auth.NONE).status()).isEqualTo(200);
    assertThat(management.get("/readyz", Auth.NONE).status()).isEqualTo(200);
    assertThat(management.get("/healthz", Auth.NONE).header("X-Request-Id")).isNotBlank();
    assertThat(management.get("/v1/user", server.admin()).status())
        .as("no API on the management port")
        .isEqualTo(404);
  }
}
