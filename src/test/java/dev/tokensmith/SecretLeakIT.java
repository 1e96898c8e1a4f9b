package dev.tokensmith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Secrets stay secret. Every test server of the suite checks on close that no secret handed out so
 * far is in its database in plain text or in the log, and the HTTP client fails on any error body
 * carrying one; this class drives the paths most likely to leak and proves the check itself can
 * fail.
 */
@UsesDatabase
@WithServer
class SecretLeakIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void errorsWhenSecretPastedIntoAnyFieldThenNeverEchoed() {
    Issued t = fixtures.token(server.admin(), List.of("partner_admin"));
    Response wrongField =
        server.http.post(
            "/v2/api_tokens",
            server.admin(),
            Map.of("realname", "x", "permissions", List.of(t.secret())));
    assertThat(wrongField.status()).isEqualTo(400);
    assertThat(wrongField.text()).doesNotContain(t.secret()).contains("secret removed");
    Response email =
        server.http.post("/v1/login", Auth.NONE, Map.of("email", t.secret(), "password", "x"));
    assertThat(email.text()).doesNotContain(t.secret());
    Response longName =
        server.http.post(
            "/v2/api_tokens",
            server.admin(),
            Map.of("realname", "x".repeat(300) + t.secret(), "permissions", List.of("admin")));
    assertThat(longName.text()).doesNotContain(t.secret());
  }

  @Test
  void activityWhenCreateRenewReadAndDeleteThenOnlyHintsRecorded() {
    Issued t = fixtures.token(server.admin(), List.of("partner_admin"));
    server.http.get("/v2/api_tokens/" + t.id() + "/secret", server.admin());
    Response renewed =
        server.http.post(
            "/v2/api_tokens/" + t.id() + "/secret", server.admin(), Map.of("grace_seconds", 5));
    String next = renewed.body().path("secret").asText();
    server.http.delete("/v2/api_tokens/" + t.id(), server.admin());
    String activity = server.http.get("/v2/activity_log?limit=1000", server.admin()).text();
    assertThat(activity)
        .doesNotContain(t.secret())
        .doesNotContain(next)
        .contains(next.substring(0, 4) + "...");
    String csv = server.http.get("/v2/activity_log.csv?limit=1000", server.admin()).text();
    assertThat(csv).doesNotContain(t.secret()).doesNotContain(next);
    server.assertNoSecretLeaked();
  }

  @Test
  void databaseWhenTokensStoredThenNoPlainSecretAnywhere() {
    Issued t = fixtures.token(server.admin(), List.of("partner_admin"));
    assertThat(server.databaseText()).doesNotContain(t.secret());
    assertThat(SecretLedger.size()).isGreaterThan(0);
  }

  @Test
  void leakCheckWhenSecretLoggedThenFails() {
    // The check must be able to fail: plant a secret in the log and watch it trip.
    Issued planted = fixtures.token(server.admin(), List.of("partner_admin"));
    LoggerFactory.getLogger("dev.tokensmith.test").info("planted {}", planted.secret());
    assertThatThrownBy(server::assertNoSecretLeaked).hasMessageContaining("a secret in the log");
    // Defuse it again so the rest of the suite is judged on its own: the planted value is
    // forgotten.
    SecretLedger.forget(planted.secret());
    server.http.delete("/v2/api_tokens/" + planted.id(), server.admin());
  }
}
