package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics and the headers every answer carries. */
@UsesDatabase
@WithServer
class OpsIT {
  static TestServer server;

  @Test
  void healthzWhenUpThenOkEnvelope() {
    Response r = server.http.get("/healthz", Auth.NONE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("status").asInt()).isEqualTo(200);
    assertThat(r.json().path("body").asText()).isEqualTo("ok");
    assertThat(r.json().path("version").asText()).isEqualTo(Version.ofBuild().number());
  }

  @Test
  void readyzWhenDatabaseReachableThenReady() {
    assertThat(server.http.get("/readyz", Auth.NONE).status()).isEqualTo(200);
  }

  @Test
  void metricsWhenBadTokensSeenThenCountedByOutcomeWithoutSecrets() {
    String junk = "x".repeat(64);
    server.http.get("/v1/user", Auth.token(junk));
    Response metrics = server.http.get("/metrics", Auth.NONE);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain");
    assertThat(metrics.text())
        .contains("tokensmith_token_verifications_total{result=\"malformed\"}")
        .contains("jvm_memory_used_bytes")
        .contains("tokensmith_build_info{version=\"" + Version.ofBuild().number() + "\"} 1")
        .doesNotContain(junk);
  }

  @Test
  void anyAnswerWhenServedThenCarriesSecurityHeaders() {
    for (String path : new String[] {"/healthz", "/v1/user", "/no/such/path"}) {
      Response r = server.http.get(path, Auth.NONE);
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(r.header("Cache-Control")).isEqualTo("no-store");
      assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
    }
  }

  @Test
  void unknownRouteWhenRequestedThenNotFoundEnvelope() {
    Response r = server.http.get("/v9/nothing", Auth.NONE);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().path("status").asInt()).isEqualTo(404);
    assertThat(r.body().asText()).isEqualTo("Not found");
  }
}
