package dev.tokensmith.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive {@code mvn package} builds, used as an operator would: unpacked, the server
 * started by its launcher {@code bin/tokensmith} on a random port with a data folder of its own,
 * ready, reporting the archive's version, and stopped by SIGTERM with exit code 0. Run by failsafe
 * after {@code package} (the archive must exist).
 */
class ReleasePackageIT {
  private static final Pattern LISTENING = Pattern.compile("Console: http://localhost:(\\d+)/");
  private static final Pattern ARCHIVE = Pattern.compile("tokensmith-(.+)\\.tar\\.gz");

  @TempDir Path dir;

  @Test
  void archiveWhenUnpackedThenItsLauncherStartsTheServerAndSigtermStopsItWithExitZero()
      throws Exception {
    Path archive = archive();
    Matcher name = ARCHIVE.matcher(archive.getFileName().toString());
    assertThat(name.matches()).isTrue();
    String version = name.group(1);
    Run untar = run(List.of("tar", "-xzf", archive.toString(), "-C", dir.toString()));
    assertThat(untar.exit()).as(untar.output()).isZero();
    Path home = dir.resolve("tokensmith-" + version);
    Path launcher = home.resolve("bin/tokensmith");
    assertThat(Files.isExecutable(launcher)).as("bin/tokensmith is executable").isTrue();
    assertThat(home.resolve("lib/tokensmith.jar")).isRegularFile();
    assertThat(home.resolve("systemd/tokensmith.service")).isRegularFile();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();

    Run printed = run(List.of(launcher.toString(), "--version"));
    assertThat(printed.exit()).as(printed.output()).isZero();
    assertThat(printed.output()).isEqualTo("tokensmith " + version);

    Path output = dir.resolve("server.out");
    Process server = start(launcher, dir.resolve("data"), output);
    try {
      int port = awaitPort(server, output);
      Http http = new Http("http://127.0.0.1:" + port);
      awaitReady(http);
      Response health = http.get("/healthz", Auth.NONE);
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().path("version").asText()).isEqualTo(version);
      assertThat(dir.resolve("data/tokensmith.mv.db")).isRegularFile();

      // The launcher became the JVM (exec): the signal reaches Tokensmith itself.
      server.destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server stops").isTrue();
      assertThat(server.exitValue()).as(Files.readString(output)).isZero();
    } finally {
      server.destroyForcibly();
    }
  }

  // target/tokensmith-<version>.tar.gz, which `mvn package` built before this test.
  private static Path archive() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> archives =
          files.filter(f -> ARCHIVE.matcher(f.getFileName().toString()).matches()).toList();
      assertThat(archives).as("target/tokensmith-<version>.tar.gz (mvn package)").hasSize(1);
      return archives.get(0);
    }
  }

  private Process start(Path launcher, Path data, Path output) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(launcher.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("TOKENSMITH_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    builder.environment().put("TOKENSMITH_PORT", "0");
    builder.environment().put("TOKENSMITH_HOST", "127.0.0.1");
    builder.environment().put("TOKENSMITH_DATA_DIR", data.toString());
    builder.environment().put("TOKENSMITH_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
    builder.environment().put("TOKENSMITH_PASSWORD_MEMORY_KIB", "64");
    builder.environment().put("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS", "0");
    return builder.start();
  }

  private static int awaitPort(Process server, Path output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String printed = Files.readString(output);
      Matcher m = LISTENING.matcher(printed);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(server.isAlive()).as("the server runs: %s", printed).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("no start within 60 s: " + Files.readString(output));
  }

  private static void awaitReady(Http http) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (http.get("/readyz", Auth.NONE).status() == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/readyz never answered 200");
  }

  private record Run(int exit, String output) {}

  private Run run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output.strip());
  }
}
