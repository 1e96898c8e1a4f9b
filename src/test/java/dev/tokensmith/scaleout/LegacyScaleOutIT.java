package dev.tokensmith.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.LegacyPairs;
import dev.tokensmith.testing.LegacyPairs.Pair;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database: a legacy pair cached as valid on B stops working there
 * within a second of its end on A (4.5), and a UUID B refused before its import on A works on B
 * right after it.
 */
class LegacyScaleOutIT {
  static TestDatabase database;
  static TestServer a;
  static TestServer b;
  static Fixtures fixtures;
  static long tenant;

  @BeforeAll
  static void start() {
    database = TestDatabase.postgresqlOnly();
    Map<String, String> shared = database.keys();
    a = TestServer.startOn(database, shared);
    b = TestServer.startOn(database, shared);
    fixtures = new Fixtures(a);
    tenant = fixtures.tenant("Legacy scaled");
  }

  @AfterAll
  static void stop() {
    try {
      a.close();
      b.close();
    } finally {
      database.close();
    }
  }

  private static int checkOnB(Pair pair) {
    return b.http.post("/v2/auth/check", pair.auth(), Map.of()).status();
  }

  private static long importOnA(TestUser user, Pair pair) {
    Response r =
        a.http.post(
            "/v2/user/" + user.id() + "/legacy_credentials",
            a.admin(),
            Map.of("uuid", pair.uuid(), "secret", pair.secret()));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.id();
  }

  /** Polls B for up to a second; the answer it settles on. */
  private static int settledOnB(Pair pair, int expected) {
    long deadline = System.nanoTime() + 1_000_000_000L;
    int status = checkOnB(pair);
    while (status != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      status = checkOnB(pair);
    }
    return status;
  }

  @Test
  void renewOnAWhenPairCachedOnBThenRefusedOnBWithinASecond() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    long id = importOnA(user, pair);
    assertThat(settledOnB(pair, 200)).isEqualTo(200);
    assertThat(checkOnB(pair)).isEqualTo(200);

    Response renewed = a.http.post("/v2/api_tokens/" + id + "/secret", user.session(), Map.of());
    assertThat(renewed.status()).isEqualTo(200);

    assertThat(settledOnB(pair, 401)).isEqualTo(401);
  }

  @Test
  void deleteOnAWhenPairCachedOnBThenRefusedOnBWithinASecond() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    long id = importOnA(user, pair);
    assertThat(settledOnB(pair, 200)).isEqualTo(200);

    assertThat(a.http.delete("/v2/api_tokens/" + id, a.admin()).status()).isEqualTo(200);

    assertThat(settledOnB(pair, 401)).isEqualTo(401);
  }

  @Test
  void importOnAWhenBRefusedTheUuidBeforeThenWorksOnBWithinASecond() {
    TestUser user = fixtures.user(tenant, "analytic");
    Pair pair = LegacyPairs.next();
    assertThat(checkOnB(pair)).isEqualTo(401);
    assertThat(checkOnB(pair)).isEqualTo(401);

    importOnA(user, pair);

    assertThat(settledOnB(pair, 200)).isEqualTo(200);
  }
}
