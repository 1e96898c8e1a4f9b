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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes silent (packets dropped, connections neither answered nor reset) while the server
 * is busy: every request that needs the database gives up after the database timeout and answers
 * 503 (cached tokens keep answering from memory), background work gives up too, and once the
 * network heals everything works again, including the change feed, which noticed the silence and so
 * drops every cache entry when it is back (a change may have been missed meanwhile).
 */
class DatabasePartitionIT {
  private static final int TIMEOUT_MILLIS = 1000;
  private static final long BOUND_MILLIS = TIMEOUT_MILLIS + 1000;

  /** What one request (or background call) answered and how long it took. */
  private record Outcome(String what, int status, int envelopeStatus, long millis) {
    @Override
    public String toString() {
      return what + " -> " + status + " in " + millis + " ms";
    }
  }

  private record Call(String what, Supplier<Response> request) {}

  @Test
  void partitionWhenDatabaseSilentThenEveryRequestAnswersWithinTimeoutAndAllRecovers()
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try (TestDatabase database = TestDatabase.postgresqlOnly();
        TcpProxy proxy = new TcpProxy(5432);
        TestServer server =
            TestServer.startOn(
                database,
                Map.of(
                    "TOKENSMITH_DB_URL",
                    database.urlVia(proxy.port()),
                    "TOKENSMITH_DB_TIMEOUT_MS",
                    Integer.toString(TIMEOUT_MILLIS)))) {
      Fixtures fixtures = new Fixtures(server);
      long tenant = fixtures.tenant("Partition");
      TestUser admin = fixtures.user(tenant, "admin");
      Issued cached = fixtures.token(admin.session(), List.of("admin"));
      Issued missedChange = fixtures.token(admin.session(), List.of("admin"));
      Issued notified = fixtures.token(admin.session(), List.of("admin"));
      List<Issued> uncached = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        uncached.add(fixtures.token(admin.session(), List.of("admin")));
      }
      for (Issued token : List.of(cached, missedChange, notified)) {
        assertThat(check(server, token)).isEqualTo(200);
      }
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(new Call("token list", () -> server.http.get("/v2/api_tokens", cached.auth())));
      }
      calls.add(
          new Call(
              "token view",
              () -> server.http.get("/v2/api_tokens/" + notified.id(), cached.auth())));
      calls.add(
          new Call(
              "token create",
              () ->
                  server.http.post(
                      "/v2/api_tokens",
                      cached.auth(),
                      Map.of("realname", "during partition", "permissions", List.of("admin")))));
      calls.add(new Call("session list", () -> server.http.get("/v2/api_tokens", admin.session())));
      calls.add(
          new Call(
              "login",
              () ->
                  server.http.post(
                      "/v1/login",
                      Auth.NONE,
                      Map.of("email", admin.email(), "password", Fixtures.PASSWORD))));
      for (Issued token : uncached) {
        calls.add(
            new Call(
                "uncached check",
                () -> server.http.post("/v2/auth/check", token.auth(), Map.of())));
      }
      calls.add(
          new Call(
              "cached check", () -> server.http.post("/v2/auth/check", cached.auth(), Map.of())));
      // Busy connections: every pooled one has just been used, so the pool hands them out
      // unchecked.
      List<Call> warmUp = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        warmUp.addAll(calls.subList(0, 3));
      }
      for (Future<Outcome> f : submit(pool, warmUp)) {
        assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }

      proxy.blackhole();
      long partitionedAt = System.nanoTime();
      List<Future<Outcome>> answers = new ArrayList<>();
      try {
        answers.addAll(submit(pool, calls));
        answers.add(
            pool.submit(
                () ->
                    timed(
                        "scheduler round",
                        () -> {
                          server.app.runJobs();
                          return 0;
                        })));
        answers.add(
            pool.submit(
                () ->
                    timed(
                        "usage flush",
                        () -> {
                          server.app.flushUsage();
                          return 0;
                        })));
        deleteDirectly(database, missedChange.id(), false);
        // Long enough for the change feed to notice the silence, then give the old code a chance to
        // finish.
        sleepUntil(partitionedAt + Duration.ofMillis(BOUND_MILLIS + 1500).toNanos());
      } finally {
        proxy.restore();
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> answer : answers) {
        outcomes.add(answer.get(40, TimeUnit.SECONDS));
      }

      assertThat(outcomes)
          .as("every call answers within the database timeout + 1 s")
          .allSatisfy(
              o -> assertThat(o.millis()).as(o.toString()).isLessThanOrEqualTo(BOUND_MILLIS));
      assertThat(outcomes)
          .filteredOn(o -> o.what().equals("cached check"))
          .extracting(Outcome::status)
          .containsExactly(200);
      assertThat(outcomes)
          .filteredOn(o -> !o.what().equals("cached check") && o.status() > 0)
          .allSatisfy(o -> assertThat(o.status()).as(o.toString()).isEqualTo(503))
          .allSatisfy(o -> assertThat(o.envelopeStatus()).as(o.toString()).isEqualTo(503));

      assertThat(waitFor(200, () -> server.http.get("/readyz", Auth.NONE).status())).isEqualTo(200);
      assertThat(waitFor(200, () -> server.http.get("/v2/api_tokens", cached.auth()).status()))
          .isEqualTo(200);
      assertThat(check(server, uncached.get(0))).isEqualTo(200);
      assertThat(waitFor(401, () -> check(server, missedChange)))
          .as("the change feed reconnected and dropped what it may have missed")
          .isEqualTo(401);
      assertThat(check(server, notified)).isEqualTo(200);
      deleteDirectly(database, notified.id(), true);
      assertThat(waitFor(401, () -> check(server, notified)))
          .as("the change feed listens again")
          .isEqualTo(401);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int check(TestServer server, Issued token) {
    return server.http.post("/v2/auth/check", token.auth(), Map.of()).status();
  }

  private static List<Future<Outcome>> submit(ExecutorService pool, List<Call> calls) {
    List<Future<Outcome>> futures = new ArrayList<>();
    for (Call call : calls) {
      futures.add(
          pool.submit(
              () -> {
                long start = System.nanoTime();
                Response response = call.request().get();
                return new Outcome(
                    call.what(),
                    response.status(),
                    response.json().path("status").asInt(),
                    (System.nanoTime() - start) / 1_000_000);
              }));
    }
    return futures;
  }

  /** Runs background work; status 0 whether it finished or gave up with an exception. */
  private static Outcome timed(String what, Supplier<Integer> work) {
    long start = System.nanoTime();
    try {
      work.get();
    } catch (RuntimeException e) {
      // giving up is what is expected; hanging is not
    }
    return new Outcome(what, 0, 0, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Deletes a token behind the server's back, announcing it on the change feed's channel or not.
   */
  private static void deleteDirectly(TestDatabase database, long tokenId, boolean notify)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        PreparedStatement delete = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?");
        PreparedStatement announce =
            c.prepareStatement("SELECT pg_notify('tokensmith_changes', ?)")) {
      delete.setLong(1, tokenId);
      assertThat(delete.executeUpdate()).isEqualTo(1);
      if (notify) {
        announce.setString(1, "T:" + tokenId);
        announce.execute();
      }
    }
  }

  private static int waitFor(int expected, Supplier<Integer> request) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = request.get();
    while (status != expected && System.nanoTime() < deadline) {
      sleepUntil(System.nanoTime() + Duration.ofMillis(100).toNanos());
      status = request.get();
    }
    return status;
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
