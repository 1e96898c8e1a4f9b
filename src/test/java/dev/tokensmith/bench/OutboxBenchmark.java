package dev.tokensmith.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tokensmith.App;
import dev.tokensmith.config.Settings;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.Response;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Outbox throughput: webhook deliveries per second from one instance's worker to a local HTTP
 * receiver (the JDK's server on 127.0.0.1, answering 204 at once and counting each delivery id).
 * Each round queues {@code deliveries} test deliveries (POST /v2/webhooks/{id}/ping from four
 * client threads; not timed), then times the worker draining them: claim in batches of ten, sign,
 * post, mark. Prints each round and the median, and fails if any delivery id arrived other than
 * exactly once. On the embedded database in a fresh data folder, or on the database of {@code
 * -Doutbox.bench.db=jdbc:postgresql://…} (an empty one). Run: {@code mvn -q -B test-compile
 * exec:exec@outbox-bench} (arguments: deliveries per round, rounds; default 2000 3), after a
 * warm-up round of a quarter of that.
 */
public final class OutboxBenchmark {
  private OutboxBenchmark() {}

  public static void main(String[] args) throws Exception {
    int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    receiver.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String id = exchange.getRequestHeaders().getFirst("X-Tokensmith-Delivery");
          received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.setExecutor(Executors.newFixedThreadPool(4));
    receiver.start();

    Path dir = Files.createTempDirectory("tokensmith-outbox-bench");
    Map<String, String> env = new HashMap<>();
    env.put("TOKENSMITH_PORT", "0");
    env.put("TOKENSMITH_HOST", "127.0.0.1");
    env.put("TOKENSMITH_DATA_DIR", dir.resolve("data").toString());
    env.put("TOKENSMITH_ADMIN_EMAIL", "bench@example.com");
    env.put("TOKENSMITH_ADMIN_PASSWORD", "bench-password-1");
    env.put("TOKENSMITH_PASSWORD_MEMORY_KIB", "64");
    env.put("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", "true");
    // The worker runs when this benchmark says so, and the jobs not at all.
    env.put("TOKENSMITH_OUTBOX_POLL_SECONDS", "3600");
    env.put("TOKENSMITH_JOB_INTERVAL_SECONDS", "3600");
    String db = System.getProperty("outbox.bench.db", "");
    if (!db.isEmpty()) {
      env.put("TOKENSMITH_DB_URL", db);
      env.put("TOKENSMITH_DB_USER", System.getProperty("outbox.bench.user", "postgres"));
    }
    Settings settings = Settings.from(env);
    System.out.println("database: " + settings.dbUrl().replaceAll(";.*", ""));
    App app = new App(settings, Clock.systemUTC()).start();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      Http http = new Http("http://127.0.0.1:" + app.port());
      Auth admin = login(http);
      Response hook =
          http.post(
              "/v2/webhooks",
              admin,
              Map.of(
                  "url",
                  "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                  "events",
                  List.of("token.created")));
      if (hook.status() != 200) {
        throw new IllegalStateException("webhook not created: " + hook);
      }
      long id = hook.id();
      System.out.printf(
          "warm-up: %.0f deliveries/s%n",
          round(app, http, admin, id, clients, Math.max(1, deliveries / 4)));
      List<Double> results = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        double perSecond = round(app, http, admin, id, clients, deliveries);
        results.add(perSecond);
        System.out.printf(
            "round %d: %d deliveries, %.0f deliveries/s%n", r + 1, deliveries, perSecond);
      }
      results.sort(Double::compare);
      long repeated = received.values().stream().filter(n -> n.get() != 1).count();
      System.out.printf(
          "median of %d rounds: %.0f deliveries/s (one worker, %d delivery ids received, %d not"
              + " exactly once)%n",
          rounds, results.get(results.size() / 2), received.size(), repeated);
      if (repeated > 0) {
        throw new IllegalStateException(repeated + " deliveries arrived more than once");
      }
    } finally {
      clients.shutdownNow();
      app.close();
      receiver.stop(0);
    }
  }

  // Queues the pings (untimed), then times the worker until nothing is due.
  private static double round(
      App app, Http http, Auth admin, long hook, ExecutorService clients, int count)
      throws Exception {
    List<Future<?>> queued = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      queued.add(
          clients.submit(
              () -> {
                Response r = http.post("/v2/webhooks/" + hook + "/ping", admin, Map.of());
                if (r.status() != 200) {
                  throw new IllegalStateException("ping failed: " + r);
                }
              }));
    }
    for (Future<?> f : queued) {
      f.get();
    }
    long start = System.nanoTime();
    int attempts = 0;
    for (int n = app.deliverNotices(); n > 0; n = app.deliverNotices()) {
      attempts += n;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (attempts != count) {
      throw new IllegalStateException(attempts + " attempts for " + count + " deliveries");
    }
    return count / seconds;
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
