package dev.tokensmith.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TcpProxy;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The database goes away and comes back (issue 4, criterion 5): readiness says so, management
 * answers 503, cached tokens keep verifying for at most the cache lifetime, other tokens answer 503
 * (never 401 for a valid one, never 200 for a revoked one), and all recovers by itself.
 */
class DatabaseOutageIT {

  private static int waitFor(int expected, Supplier<Integer> request) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int status = request.get();
    while (status != expected && System.nanoTime() < deadline) {
      status = request.get();
    }
    return status;
  }

  @Test
  void outageWhenDatabaseCutThenCachedTokensServeUnknownOnes503AndAllRecovers() throws Exception {
    try (TestDatabase database = TestDatabase.postgresqlOnly();
        TcpProxy proxy = new TcpProxy(5432)) {
      TestDatabase viaProxy = database;
      try (TestServer server =
          TestServer.startOn(
              viaProxy,
              Map.of(
                  "TOKENSMITH_DB_URL",
                  database.urlVia(proxy.port()),
                  "TOKENSMITH_CACHE_SECONDS",
                  "15",
                  "TOKENSMITH_DB_TIMEOUT_MS",
                  "1000"))) {
        Fixtures fixtures = new Fixtures(server);
        long tenant = fixtures.tenant("Outage");
        TestUser admin = fixtures.user(tenant, "admin");
        Issued cached = fixtures.token(admin.session(), List.of("admin"));
        Issued uncached = fixtures.token(admin.session(), List.of("admin"));
        Issued revoked = fixtures.token(admin.session(), List.of("admin"));
        Supplier<Integer> checkCached =
            () -> server.http.post("/v2/auth/check", cached.auth(), Map.of()).status();
        assertThat(checkCached.get()).isEqualTo(200);
        assertThat(server.http.post("/v2/auth/check", revoked.auth(), Map.of()).status())
            .isEqualTo(200);
        server.http.delete("/v2/api_tokens/" + revoked.id(), admin.session());

        proxy.cut();

        assertThat(waitFor(503, () -> server.http.get("/readyz", Auth.NONE).status()))
            .isEqualTo(503);
        assertThat(checkCached.get()).as("a cached token keeps working").isEqualTo(200);
        Response unknown = server.http.post("/v2/auth/check", uncached.auth(), Map.of());
        assertThat(unknown.status())
            .as("a valid token the cache lacks: %s", unknown)
            .isEqualTo(503);
        assertThat(unknown.json().path("status").asInt()).isEqualTo(503);
        assertThat(server.http.post("/v2/auth/check", revoked.auth(), Map.of()).status())
            .as("a revoked token is never 200")
            .isIn(401, 503);
        Response management = server.http.get("/v2/api_tokens", cached.auth());
        assertThat(management.status()).isEqualTo(503);
        assertThat(management.json().path("status").asInt()).isEqualTo(503);

        server.clock.advance(Duration.ofSeconds(16));
        assertThat(checkCached.get()).as("past the cache lifetime").isEqualTo(503);

        proxy.restore();

        assertThat(waitFor(200, () -> server.http.get("/readyz", Auth.NONE).status()))
            .isEqualTo(200);
        assertThat(waitFor(200, checkCached)).isEqualTo(200);
        assertThat(server.http.post("/v2/auth/check", uncached.auth(), Map.of()).status())
            .isEqualTo(200);
        assertThat(server.http.post("/v2/auth/check", revoked.auth(), Map.of()).status())
            .isEqualTo(401);
        assertThat(server.http.get("/v2/api_tokens", cached.auth()).status()).isEqualTo(200);
      }
    }
  }
}
