package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.nodes.NodeCalls.Created;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TcpProxy;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tokensmith node} commands, run as an operator runs them (a separate JVM with {@code
 * dev.tokensmith.Main}) against a real server: registration with a node token or a deployment API
 * token, the owner-only credentials file, syncs, and the one line and exit code 3 once the
 * credential pair is refused.
 */
@UsesDatabase
@WithServer
class NodeClientIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WAIT_SECONDS = 120;

  static TestServer server;
  static Fixtures fixtures;
  static NodeCalls calls;
  static long tenant;
  static TestUser admin;

  @TempDir Path dir;

  @BeforeAll
  static void seed() {
    calls = new NodeCalls(server.http);
    tenant = fixtures.tenant("Node client");
    admin = fixtures.user(tenant, "admin");
  }

  /** A finished run of the command: its exit code and everything it printed (both streams). */
  record Run(int exit, String output) {
    List<String> lines() {
      return output.lines().filter(line -> !line.isBlank()).toList();
    }
  }

  @Test
  void registerAndSyncWhenNodeTokenOrDeploymentTokenThenSyncsUntilTheTokenEnds() throws Exception {
    Created node = calls.node(admin.session(), tenant);
    Path first = dir.resolve("first.json");
    Run registered =
        run(
            Map.of(),
            "register",
            "--url",
            server.baseUrl(),
            "--token",
            node.token(),
            "--hostname",
            "cli-host-1",
            "--credentials",
            first.toString());
    assertThat(registered.exit()).as(registered.output()).isZero();
    JsonNode pair = ownerOnlyPairWithoutToken(first, node.token());
    assertThat(pair.path("node_id").asLong()).isEqualTo(node.id());
    assertThat(registered.output()).doesNotContain(pair.path("secret").asText());

    Run synced = run(Map.of(), "sync", "--credentials", first.toString(), "--once");
    assertThat(synced.exit()).as(synced.output()).isZero();
    assertThat(synced.lines()).hasSize(1);
    assertThat(synced.lines().get(0)).contains("node_id=" + node.id(), "config_version=1");
    JsonNode instance = calls.instances(admin.session(), node.id()).body().get(0);
    assertThat(instance.path("hostname").asText()).isEqualTo("cli-host-1");
    assertThat(instance.path("uuid").asText()).isEqualTo(pair.path("uuid").asText());

    // A deployment token from the environment, the node named by its group (created here).
    Issued deploy =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "cli deploy",
                "permissions",
                List.of("deploy"),
                "usage",
                "node_deployment",
                "shared",
                true));
    String group = NodeCalls.hostname("cli-group");
    Path second = dir.resolve("second.json");
    Run joined =
        run(
            Map.of("TOKENSMITH_NODE_TOKEN", deploy.secret()),
            "register",
            "--url",
            server.baseUrl(),
            "--group",
            group,
            "--credentials",
            second.toString());
    assertThat(joined.exit()).as(joined.output()).isZero();
    JsonNode secondPair = ownerOnlyPairWithoutToken(second, deploy.secret());
    assertThat(joined.output()).doesNotContain(secondPair.path("secret").asText());
    Run secondSynced =
        run(
            Map.of(),
            "sync",
            "--url",
            server.baseUrl(),
            "--credentials",
            second.toString(),
            "--once");
    assertThat(secondSynced.exit()).as(secondSynced.output()).isZero();
    assertThat(secondSynced.lines().get(0))
        .contains("node_id=" + secondPair.path("node_id").asLong());
    assertThat(secondPair.path("node_id").asLong()).isNotEqualTo(node.id());

    Response regenerated =
        server.http.post("/v2/node/" + node.id() + "/token", admin.session(), Map.of());
    assertThat(regenerated.status()).as("%s", regenerated).isEqualTo(200);
    Run refused = run(Map.of(), "sync", "--credentials", first.toString(), "--once");
    assertThat(refused.exit()).as(refused.output()).isEqualTo(3);
    assertThat(refused.lines()).hasSize(1);
    assertThat(refused.lines().get(0)).contains("401", "register again");

    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + deploy.id(), admin.session(), Map.of("enabled", false))
                .status())
        .isEqualTo(200);
    Run ended = run(Map.of(), "sync", "--credentials", second.toString(), "--once");
    assertThat(ended.exit()).as(ended.output()).isEqualTo(3);
    assertThat(ended.lines()).hasSize(1);
    server.assertNoSecretLeaked();
  }

  @Test
  void syncWhenRunningThenRetriesThroughAnOutageAndStopsWithExitThreeOnceRefused()
      throws Exception {
    Created node = calls.node(admin.session(), tenant);
    Path file = dir.resolve("looping.json");
    try (TcpProxy proxy = new TcpProxy(server.app.port())) {
      Run registered =
          run(
              Map.of("TOKENSMITH_NODE_TOKEN", node.token()),
              "register",
              "--url",
              "http://127.0.0.1:" + proxy.port(),
              "--credentials",
              file.toString());
      assertThat(registered.exit()).as(registered.output()).isZero();
      Path output = dir.resolve("looping.out");
      Process looping =
          start(Map.of(), output, "sync", "--credentials", file.toString(), "--every", "1s");
      try {
        awaitOutput(looping, output, text -> text.contains("synced"));
        proxy.cut();
        awaitOutput(looping, output, text -> text.contains("retrying"));
        proxy.restore();
        awaitOutput(
            looping,
            output,
            text -> text.substring(text.lastIndexOf("retrying")).contains("synced"));
        assertThat(
                server
                    .http
                    .post("/v2/node/" + node.id() + "/token", admin.session(), Map.of())
                    .status())
            .isEqualTo(200);
        assertThat(looping.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(looping.exitValue()).isEqualTo(3);
        List<String> lines = Files.readAllLines(output);
        assertThat(lines.get(lines.size() - 1)).contains("401", "register again");
        assertThat(lines.stream().filter(line -> line.contains("401"))).hasSize(1);
      } finally {
        looping.destroyForcibly();
      }
    }
  }

  @Test
  void registerWhenCredentialsFileExistsOrTokenRefusedThenNothingWritten() throws Exception {
    Created node = calls.node(admin.session(), tenant);
    Path file = dir.resolve("kept.json");
    Files.writeString(file, "{}");
    Run kept =
        run(
            Map.of(),
            "register",
            "--url",
            server.baseUrl(),
            "--token",
            node.token(),
            "--credentials",
            file.toString());
    assertThat(kept.exit()).as(kept.output()).isEqualTo(2);
    assertThat(Files.readString(file)).isEqualTo("{}");
    assertThat(calls.instances(admin.session(), node.id()).body().size()).isZero();

    Path other = dir.resolve("other.json");
    Run refused =
        run(
            Map.of(),
            "register",
            "--url",
            server.baseUrl(),
            "--token",
            "x".repeat(64),
            "--credentials",
            other.toString());
    assertThat(refused.exit()).as(refused.output()).isEqualTo(3);
    assertThat(refused.lines()).hasSize(1);
    assertThat(other).doesNotExist();
  }

  @Test
  void registerWhenPlainHttpToAnotherHostThenWarnsThatTheTokenTravelsUnencrypted()
      throws Exception {
    Path file = dir.resolve("far.json");
    // .invalid never resolves: the registration fails, after the warning.
    Run far =
        run(
            Map.of(),
            "register",
            "--url",
            "http://tokens.invalid:9",
            "--token",
            "x".repeat(64),
            "--credentials",
            file.toString());
    assertThat(far.output()).contains("Warning: plain http:// to another host");
    assertThat(far.exit()).isNotZero();
    assertThat(file).doesNotExist();

    Run https =
        run(
            Map.of(),
            "register",
            "--url",
            "https://tokens.invalid:9",
            "--token",
            "x".repeat(64),
            "--credentials",
            file.toString());
    assertThat(https.output()).doesNotContain("Warning");
  }

  private static JsonNode ownerOnlyPairWithoutToken(Path file, String token) throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String text = Files.readString(file);
    assertThat(text).doesNotContain(token);
    JsonNode pair = JSON.readTree(text);
    assertThat(pair.path("uuid").asText()).hasSize(36);
    assertThat(pair.path("secret").asText()).isNotEmpty();
    try (var siblings = Files.list(file.getParent())) {
      assertThat(siblings.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
    return pair;
  }

  private Run run(Map<String, String> environment, String... arguments) throws Exception {
    Path output = Files.createTempFile(dir, "node", ".out");
    Process process = start(environment, output, arguments);
    if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the command did not end: " + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  private static Process start(Map<String, String> environment, Path output, String... arguments)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tokensmith.Main",
                "node"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("TOKENSMITH_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static void awaitOutput(Process process, Path output, Predicate<String> seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String text = read(output);
      if (seen.test(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the command exited " + process.exitValue() + ": " + text);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not seen within " + WAIT_SECONDS + "s: " + read(output));
  }

  private static String read(Path output) {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
