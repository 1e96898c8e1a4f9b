package dev.tokensmith.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database: every kind of change made on one is refused by the
 * other, whose cache held the token as valid a moment before. PostgreSQL only (that is where
 * several instances share a database), so it runs once, in the first test pass.
 */
class ScaleOutIT {
  static TestDatabase database;
  static TestServer a;
  static TestServer b;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static long slowestMillis;

  @BeforeAll
  static void start() {
    database = TestDatabase.postgresqlOnly();
    // Every instance shares the database's master key and pepper, as the README's scale-out section
    // says.
    Map<String, String> shared = database.keys();
    a = TestServer.startOn(database, shared);
    b = TestServer.startOn(database, shared);
    fixtures = new Fixtures(a);
    tenant = fixtures.tenant("Scaled");
    admin = fixtures.user(tenant, "admin");
  }

  @AfterAll
  static void stop() {
    try {
      System.out.println("ScaleOutIT: slowest propagation " + slowestMillis + " ms");
      a.close();
      b.close();
    } finally {
      database.close();
    }
  }

  private static int checkOnB(Issued token) {
    return b.http.post("/v2/auth/check", token.auth(), Map.of()).status();
  }

  /** Waits (bounded) until B refuses the token; records how long the change took to reach B. */
  private static void assertRefusedOnB(Issued token, Supplier<Integer> check) {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(10).toNanos();
    int status = check.get();
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      status = check.get();
    }
    slowestMillis = Math.max(slowestMillis, (System.nanoTime() - start) / 1_000_000);
    assertThat(status).as("token %d on instance B", token.id()).isEqualTo(401);
  }

  private Issued cachedOnB(TestUser owner, List<String> permissions) {
    Issued token = fixtures.token(owner.session(), permissions);
    assertThat(checkOnB(token)).isEqualTo(200);
    assertThat(checkOnB(token)).isEqualTo(200);
    return token;
  }

  @Test
  void disableWhenMadeOnOneInstanceThenRefusedByTheOther() {
    Issued t = cachedOnB(admin, List.of("admin"));
    a.http.put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false));
    assertRefusedOnB(t, () -> checkOnB(t));
  }

  @Test
  void deleteWhenMadeOnOneInstanceThenRefusedByTheOther() {
    Issued t = cachedOnB(admin, List.of("admin"));
    a.http.delete("/v2/api_tokens/" + t.id(), admin.session());
    assertRefusedOnB(t, () -> checkOnB(t));
  }

  @Test
  void renewWhenMadeOnOneInstanceThenOldValueRefusedByTheOther() {
    Issued t = cachedOnB(admin, List.of("admin"));
    String next =
        a.http
            .post("/v2/api_tokens/" + t.id() + "/secret", admin.session(), Map.of())
            .body()
            .path("secret")
            .asText();
    assertRefusedOnB(t, () -> checkOnB(t));
    assertThat(checkOnB(new Issued(t.id(), next))).isEqualTo(200);
  }

  @Test
  void expiryWhenReachedThenRefusedByEveryInstance() {
    Issued t =
        fixtures.expiringToken(
            admin.session(),
            List.of("admin"),
            IsoTime.format(b.clock.instant().plus(Duration.ofMinutes(1))));
    assertThat(checkOnB(t)).isEqualTo(200);
    b.clock.advance(Duration.ofMinutes(1));
    assertRefusedOnB(t, () -> checkOnB(t));
  }

  @Test
  void userDisabledWhenOnOneInstanceThenTokensRefusedByTheOther() {
    TestUser user = fixtures.user(tenant, "analytic");
    Issued t = cachedOnB(user, List.of("analytic"));
    a.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", user.id()), "fields", Map.of("enabled", false)));
    assertRefusedOnB(t, () -> checkOnB(t));
  }

  @Test
  void roleLoweredWhenOnOneInstanceThenPermissionRefusedByTheOther() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued t = fixtures.token(user.session(), List.of("admin"));
    Supplier<Integer> usersCreate =
        () ->
            b.http.post("/v2/auth/check", t.auth(), Map.of("permission", "users:create")).status();
    assertThat(usersCreate.get()).isEqualTo(200);
    a.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of(
            "filter",
            Map.of("id", user.id()),
            "fields",
            Map.of("permissions", List.of("analytic"))));
    long start = System.nanoTime();
    int status = usersCreate.get();
    while (status == 200 && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
      status = usersCreate.get();
    }
    slowestMillis = Math.max(slowestMillis, (System.nanoTime() - start) / 1_000_000);
    assertThat(status).isEqualTo(403);
    assertThat(checkOnB(t)).isEqualTo(200);
  }

  @Test
  void clientDeactivatedWhenOnOneInstanceThenTokensRefusedByTheOther() {
    long other = fixtures.tenant("Deactivated");
    TestUser owner = fixtures.user(other, "admin");
    Issued t = cachedOnB(owner, List.of("admin"));
    a.http.post(
        "/v1/objects/client/update",
        a.admin(),
        Map.of("filter", Map.of("id", other), "fields", Map.of("enabled", false)));
    assertRefusedOnB(t, () -> checkOnB(t));
    Auth session = b.admin();
    assertThat(session).isNotNull();
  }
}
