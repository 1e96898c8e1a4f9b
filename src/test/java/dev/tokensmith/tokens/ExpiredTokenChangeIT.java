package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token whose expiry has passed is disabled (T5) from that moment, whether or not the expiry job
 * has run yet: a change that does not ask to enable it (T6, T7) leaves it disabled.
 */
@UsesDatabase
@WithServer
class ExpiredTokenChangeIT {
  static TestServer server;
  static Fixtures fixtures;
  static TestUser admin;

  @BeforeAll
  static void seed() {
    admin = fixtures.user(fixtures.tenant("Expired changes"), "admin");
  }

  private static String inFuture(Duration duration) {
    return IsoTime.format(server.clock.instant().plus(duration));
  }

  private static int use(Issued token) {
    return server.http.get("/v1/user", token.auth()).status();
  }

  @Test
  void newExpiryWhenTokenAlreadyExpiredButNotYetDisabledByTheJobThenItStaysDisabled() {
    Issued t =
        fixtures.expiringToken(admin.session(), List.of("admin"), inFuture(Duration.ofMinutes(5)));
    server.clock.advance(Duration.ofMinutes(6));
    assertThat(use(t)).isEqualTo(401);
    // The expiry job has not run: the row still says enabled, the API already says disabled
    // (expired).
    Response put =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("expire_at", inFuture(Duration.ofDays(30))));
    assertThat(put.status()).as("%s", put).isEqualTo(200);
    assertThat(put.body().path("enabled").asBoolean()).as("the answer").isFalse();
    Response seen = server.http.get("/v2/api_tokens/" + t.id(), admin.session());
    assertThat(seen.body().path("enabled").asBoolean()).as("a later read: %s", seen).isFalse();
    assertThat(use(t)).as("an expired token revived without enabled: true").isEqualTo(401);
  }

  @Test
  void renameWhenTokenAlreadyExpiredThenAJobRunAndANewExpiryLeaveItDisabled() {
    Issued t =
        fixtures.expiringToken(admin.session(), List.of("admin"), inFuture(Duration.ofMinutes(5)));
    server.clock.advance(Duration.ofMinutes(6));
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("realname", "renamed"))
                .status())
        .isEqualTo(200);
    server.app.runJobs();
    assertThat(
            server
                .http
                .put(
                    "/v2/api_tokens/" + t.id(),
                    admin.session(),
                    Map.of("expire_at", inFuture(Duration.ofDays(30))))
                .status())
        .isEqualTo(200);
    assertThat(use(t)).isEqualTo(401);
    Response back =
        server.http.put(
            "/v2/api_tokens/" + t.id(),
            admin.session(),
            Map.of("enabled", true, "expire_at", inFuture(Duration.ofDays(30))));
    assertThat(back.status()).as("%s", back).isEqualTo(200);
    assertThat(use(t)).isEqualTo(200);
  }
}
