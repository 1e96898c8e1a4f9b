package dev.tokensmith.bench;

import dev.tokensmith.App;
import dev.tokensmith.config.Settings;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acknowledged writes per second on the embedded default database (a file in a fresh data folder,
 * the URL exactly as a user gets it): token renames over HTTP from a few client threads, each one a
 * transaction with its activity record. Prints the median of the rounds. Run: {@code mvn -q -B
 * test-compile exec:exec@write-bench} (arguments: threads, seconds per round, rounds; default 4 10
 * 3), after a warm-up of twice a round. {@code -Dwrite.bench.url=";WRITE_DELAY=500"} appends
 * settings to the embedded database's URL (H2's own default delay, to compare the cost); {@code
 * -Dwrite.bench.db=jdbc:postgresql://…} runs it on PostgreSQL instead (an empty database).
 */
public final class WriteBenchmark {
  private WriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("tokensmith-write-bench");
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "TOKENSMITH_PORT",
                "0",
                "TOKENSMITH_HOST",
                "127.0.0.1",
                "TOKENSMITH_DATA_DIR",
                dir.resolve("data").toString(),
                "TOKENSMITH_ADMIN_EMAIL",
                "bench@example.com",
                "TOKENSMITH_ADMIN_PASSWORD",
                "bench-password-1",
                "TOKENSMITH_PASSWORD_MEMORY_KIB",
                "64"));
    String extra = System.getProperty("write.bench.url", "");
    if (!extra.isEmpty()) {
      env.put(
          "TOKENSMITH_DB_URL", Settings.from(env).dbUrl().replace(";WRITE_DELAY=0", "") + extra);
    }
    String db = System.getProperty("write.bench.db", "");
    if (!db.isEmpty()) {
      env.put("TOKENSMITH_DB_URL", db);
      env.put("TOKENSMITH_DB_USER", System.getProperty("write.bench.user", "postgres"));
    }
    Settings settings = Settings.from(env);
    System.out.println("database: " + settings.dbUrl().replaceAll("[?;].*", ""));
    App app = new App(settings, Clock.systemUTC()).start();
    try {
      Http http = new Http("http://127.0.0.1:" + app.port());
      Auth admin = login(http);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < threads * 10; i++) {
        ids.add(
            http.post(
                    "/v2/api_tokens",
                    admin,
                    Map.of("realname", "bench " + i, "permissions", List.of("partner_admin")))
                .id());
      }
      System.out.printf("warm-up: %.0f writes/s%n", round(http, admin, ids, threads, 2 * seconds));
      List<Double> results = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        double perSecond = round(http, admin, ids, threads, seconds);
        results.add(perSecond);
        System.out.printf("round %d: %.0f writes/s%n", r + 1, perSecond);
      }
      results.sort(Double::compare);
      System.out.printf(
          "median of %d rounds (%d threads, %d s each): %.0f writes/s%n",
          rounds, threads, seconds, results.get(results.size() / 2));
    } finally {
      app.close();
    }
  }

  private static double round(Http http, Auth admin, List<Long> ids, int threads, int seconds)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Long> own = ids.subList(t * 10, t * 10 + 10);
      Thread worker =
          new Thread(
              () -> {
                long n = 0;
                while (!stop.get()) {
                  long id = own.get((int) (n % own.size()));
                  Response r =
                      http.put("/v2/api_tokens/" + id, admin, Map.of("realname", "renamed " + n++));
                  if (r.status() != 200) {
                    throw new IllegalStateException("rename failed: " + r);
                  }
                  writes.incrementAndGet();
                }
              });
      worker.start();
      workers.add(worker);
    }
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    return writes.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static Auth login(Http http) {
    Response r =
        http.post(
            "/v1/login",
            Auth.NONE,
            Map.of("email", "bench@example.com", "password", "bench-password-1"));
    String cookie =
        r.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("tks_session="))
            .findFirst()
            .orElseThrow();
    return new Auth.Session(
        cookie.substring("tks_session=".length(), cookie.indexOf(';')),
        r.body().path("csrf_token").asText(),
        r.body().path("id").asLong(),
        r.body().path("client_id").asLong());
  }
}
