package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.ops.LogFormats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code tokensmith warm-up} (hidden, for the build): starts a server on a new data folder and a
 * free loopback port, sends it the requests of a first minute (readiness, health, a verification,
 * the Console), stops it and removes the folder. The build runs it under {@code
 * -XX:ArchiveClassesAtExit}, so that the class-data archive it writes holds every class a start and
 * its first requests load: a JVM started with that archive maps them instead of loading, verifying
 * and linking each one, which takes a third off the start and about 50 MiB off the resident memory.
 */
@Command(
    name = "warm-up",
    hidden = true,
    description = "Start and stop a throwaway server (the build's class-data archive).")
final class WarmUpCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Override
  public Integer call() throws Exception {
    LogFormats.warningsOnly();
    Path data = Files.createTempDirectory("tokensmith-warm-up");
    try {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.keySet().removeIf(name -> name.startsWith("TOKENSMITH_"));
      env.put("TOKENSMITH_DATA_DIR", data.toString());
      env.put("TOKENSMITH_HOST", "127.0.0.1");
      env.put("TOKENSMITH_PORT", "0");
      env.put("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS", "0");
      // A password of its own: nothing is printed, and the folder goes with it.
      env.put("TOKENSMITH_ADMIN_PASSWORD", password());
      Settings settings = Settings.load(env).settings();
      try (App app = new App(settings, Clock.systemUTC()).start()) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        String base = "http://127.0.0.1:" + app.port();
        send(http, HttpRequest.newBuilder(URI.create(base + "/readyz")).GET());
        send(http, HttpRequest.newBuilder(URI.create(base + "/healthz")).GET());
        send(http, HttpRequest.newBuilder(URI.create(base + "/console/")).GET());
        send(
            http,
            HttpRequest.newBuilder(URI.create(base + "/v2/auth/check"))
                .header("X-WallarmApi-Token", "0".repeat(64))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
      }
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
    return 0;
  }

  private static void send(HttpClient http, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
  }

  private static String password() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
