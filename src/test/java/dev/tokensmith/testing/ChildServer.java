package dev.tokensmith.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Tokensmith server in its own JVM ({@code dev.tokensmith.Main}, the test class path), for
 * tests that kill or stop the process: SIGKILL through {@link #kill()}, SIGTERM through {@link
 * #stop()}. Its console output is appended to one file across restarts; its log goes to the suite's
 * log file like every other server's.
 */
public final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Console: http://localhost:(\\d+)/");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path output;
  private final int port;
  public final Http http;

  private ChildServer(Process process, Path output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
    this.http = new Http("http://127.0.0.1:" + port);
  }

  /**
   * The settings of a child server: its data folder and, unless {@code dbUrl} is null (then the
   * embedded default database in the data folder), the database.
   */
  public record Config(
      Path dataDir, String dbUrl, String dbUser, Path output, Map<String, String> settings) {

    /** The embedded default in {@code dir}/data, or the PostgreSQL schema in the PostgreSQL run. */
    public static Config of(Path dir, TestDatabase postgresqlOrNull) {
      return postgresqlOrNull == null
          ? new Config(dir.resolve("data"), null, "", dir.resolve("server.out"), Map.of())
          : new Config(
              dir.resolve("data"),
              postgresqlOrNull.url(),
              postgresqlOrNull.user(),
              dir.resolve("server.out"),
              Map.of());
    }

    /** The same with one more setting ({@code TOKENSMITH_…}) in the child's environment. */
    public Config with(String name, String value) {
      Map<String, String> more = new java.util.HashMap<>(settings);
      more.put(name, value);
      return new Config(dataDir, dbUrl, dbUser, output, Map.copyOf(more));
    }

    /** The environment the child gets (the same as {@code Settings.from} reads in a test). */
    public Map<String, String> environment() {
      Map<String, String> env =
          new java.util.HashMap<>(
              Map.of(
                  "TOKENSMITH_PORT", "0",
                  "TOKENSMITH_HOST", "127.0.0.1",
                  "TOKENSMITH_DATA_DIR", dataDir.toString(),
                  "TOKENSMITH_ADMIN_EMAIL", TestServer.ADMIN_EMAIL,
                  "TOKENSMITH_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD,
                  "TOKENSMITH_PASSWORD_MEMORY_KIB", "64",
                  "TOKENSMITH_EVENT_LOOPS", "1",
                  "TOKENSMITH_JOB_INTERVAL_SECONDS", "3600",
                  "TOKENSMITH_SHUTDOWN_DRAIN_SECONDS", "0",
                  "TOKENSMITH_AUTH_FAILURES_PER_MINUTE", "1000000"));
      if (dbUrl != null) {
        env.put("TOKENSMITH_DB_URL", dbUrl);
        env.put("TOKENSMITH_DB_USER", dbUser);
      }
      env.putAll(settings);
      return env;
    }
  }

  /** Starts a child server and waits until it prints its URL (fails with its output if it dies). */
  public static ChildServer start(Config config) {
    try {
      long offset = Files.exists(config.output()) ? Files.size(config.output()) : 0;
      Process process = launch(config);
      return new ChildServer(process, config.output(), awaitPort(process, config.output(), offset));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code dev.tokensmith.Main} with {@code arguments} (none: the server) in a child JVM,
   * its console output appended to the config's file, and returns at once.
   */
  public static Process launch(Config config, String... arguments) {
    try {
      Files.createDirectories(config.output().getParent());
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.tokensmith.Main"));
      command.addAll(List.of(arguments));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(config.output().toFile()));
      builder.environment().keySet().removeIf(name -> name.startsWith("TOKENSMITH_"));
      builder.environment().putAll(config.environment());
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int awaitPort(Process process, Path output, long offset) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String printed = read(output, offset);
      Matcher m = LISTENING.matcher(printed);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the server exited with " + process.exitValue() + ":\n" + printed);
      }
      sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "the server did not start within " + START_TIMEOUT + ":\n" + read(output, offset));
  }

  private static String read(Path output, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(output);
    return new String(
        bytes,
        (int) Math.min(offset, bytes.length),
        (int) Math.max(0, bytes.length - offset),
        StandardCharsets.UTF_8);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Logs in as the first Global Administrator. */
  public Auth.Session admin() {
    Response r =
        http.post(
            "/v1/login",
            Auth.NONE,
            Map.of("email", TestServer.ADMIN_EMAIL, "password", TestServer.ADMIN_PASSWORD));
    assertThat(r.status()).as("login: %s", r).isEqualTo(200);
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

  /**
   * SIGKILL (on Linux {@code destroyForcibly} is {@code kill -9}): no shutdown hook, nothing
   * flushed.
   */
  public void kill() {
    process.destroyForcibly();
    await(process, Duration.ofSeconds(30));
  }

  /** SIGTERM; waits for the process to end and returns its exit code. */
  public int stop() {
    process.destroy();
    await(process, Duration.ofSeconds(30));
    return process.exitValue();
  }

  /** Everything the child printed so far (all its runs). */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void await(Process process, Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("the server did not end within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
