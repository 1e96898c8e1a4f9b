package dev.tokensmith.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database, as {@link ScaleOutIT} for tokens: a change that ends a
 * node instance's credential pair, made on one instance, is refused by the other, whose memory held
 * the pair as good a moment before. PostgreSQL only, so it runs once, in the first test pass.
 */
class NodeScaleOutIT {
  static TestDatabase database;
  static TestServer a;
  static TestServer b;
  static Fixtures fixtures;
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
    admin = fixtures.user(fixtures.tenant("Scaled nodes"), "admin");
  }

  @AfterAll
  static void stop() {
    try {
      System.out.println("NodeScaleOutIT: slowest propagation " + slowestMillis + " ms");
      a.close();
      b.close();
    } finally {
      database.close();
    }
  }

  private record Pair(String uuid, String secret) {
    Auth auth() {
      return (Auth.Custom)
          (request, changing) ->
              request.header("X-WallarmAPI-UUID", uuid).header("X-WallarmAPI-Secret", secret);
    }
  }

  private record Node(long id, String token) {}

  private static Node node() {
    Response r =
        a.http.post("/v2/node", admin.session(), Map.of("hostname", "scaled-" + UUID.randomUUID()));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return new Node(r.id(), r.body().path("token").asText());
  }

  private static Pair registered(Auth token, String group) {
    Map<String, Object> body =
        group == null
            ? Map.of("hostname", "host")
            : Map.of("hostname", "host", "labels", Map.of("group", group));
    Response r = a.http.post("/v2/node/register", token, body);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return new Pair(r.body().path("uuid").asText(), r.body().path("secret").asText());
  }

  private static int syncOnB(Pair pair) {
    return b.http.post("/v2/node/sync", pair.auth(), Map.of()).status();
  }

  /** Syncs on B until B answers from memory: B holds the pair as good. */
  private static Pair cachedOnB(Pair pair) {
    for (int i = 0; i < 50; i++) {
      long loads = b.app.instances().cacheStats().loads();
      assertThat(syncOnB(pair)).isEqualTo(200);
      if (b.app.instances().cacheStats().loads() == loads) {
        return pair;
      }
    }
    throw new AssertionError("the instance never stayed cached on B");
  }

  /** Waits (bounded) until B refuses the pair; records how long the change took to reach B. */
  private static void assertRefusedOnB(Pair pair) {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(10).toNanos();
    int status = syncOnB(pair);
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      status = syncOnB(pair);
    }
    slowestMillis = Math.max(slowestMillis, (System.nanoTime() - start) / 1_000_000);
    assertThat(status).as("instance %s on B", pair.uuid()).isEqualTo(401);
  }

  @Test
  void regenerateWhenMadeOnOneInstanceThenSyncRefusedByTheOther() {
    Node node = node();
    Pair pair = cachedOnB(registered(Auth.token(node.token()), null));
    Response r = a.http.post("/v2/node/" + node.id() + "/token", admin.session(), Map.of());
    assertThat(r.status()).isEqualTo(200);
    assertRefusedOnB(pair);
  }

  @Test
  void deleteWhenMadeOnOneInstanceThenSyncRefusedByTheOther() {
    Node node = node();
    Pair pair = cachedOnB(registered(Auth.token(node.token()), null));
    assertThat(a.http.delete("/v2/node/" + node.id(), admin.session()).status()).isEqualTo(200);
    assertRefusedOnB(pair);
  }

  @Test
  void apiTokenDisabledWhenOnOneInstanceThenSyncRefusedByTheOther() {
    Issued token = fixtures.token(admin.session(), List.of("admin"));
    Pair pair = cachedOnB(registered(token.auth(), "scaled-group-" + UUID.randomUUID()));
    a.http.put("/v2/api_tokens/" + token.id(), admin.session(), Map.of("enabled", false));
    assertRefusedOnB(pair);
  }
}
