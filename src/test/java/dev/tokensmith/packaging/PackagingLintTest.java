package dev.tokensmith.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaging files that no machine of the project can build or run (the container image, the
 * compose file, the Kubernetes manifests, the systemd unit) are linted here: yamllint, shellcheck
 * and nginx where they are installed (under {@code CI=true} they must be: .ci/run installs them),
 * and the rules that tie them to Tokensmith's settings (a stop gets at least the drain delay plus
 * the shutdown time, probes on the health endpoints, never root).
 */
class PackagingLintTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> YAML_FILES =
      List.of("docker-compose.yml", "packaging/kubernetes", ".yamllint.yaml");
  private static final List<String> SHELL_SCRIPTS =
      List.of(
          "packaging/bin/tokensmith",
          "packaging/compose-env.sh",
          ".ci/run",
          "bench/start.sh",
          "bench/roles.sh",
          "bench/ready.sh",
          "bench/profile.sh",
          "bench/async-profiler.sh");

  @TempDir Path dir;

  @Test
  void yamlFilesWhenLintedStrictlyThenClean() throws Exception {
    requireTool("yamllint", "apt-get install yamllint");
    List<String> command = new ArrayList<>(List.of("yamllint", "--strict", "-c", ".yamllint.yaml"));
    command.addAll(YAML_FILES);
    Run run = run(command);
    assertThat(run.exit()).as(run.output()).isZero();
  }

  @Test
  void shellScriptsWhenCheckedThenClean() throws Exception {
    requireTool("shellcheck", "apt-get install shellcheck");
    List<String> command = new ArrayList<>(List.of("shellcheck"));
    command.addAll(SHELL_SCRIPTS);
    Run run = run(command);
    assertThat(run.exit()).as(run.output()).isZero();
  }

  @Test
  void nginxConfigWhenTestedByNginxThenValid() throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(nginx) && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("nginx is required under CI=true (.ci/run installs it)");
    }
    assumeTrue(Files.isExecutable(nginx), "nginx is not installed; skipping its config test");
    // The compose service names resolve in compose only: the same file with local addresses.
    String config =
        Files.readString(Path.of("packaging/nginx/tokensmith.conf"))
            .replace("tokensmith-1:8080", "127.0.0.1:18081")
            .replace("tokensmith-2:8080", "127.0.0.1:18082");
    Files.writeString(dir.resolve("tokensmith.conf"), config);
    Files.writeString(
        dir.resolve("nginx.conf"),
        "pid "
            + dir.resolve("nginx.pid")
            + ";\nerror_log "
            + dir.resolve("error.log")
            + ";\nevents {}\nhttp {\n  access_log off;\n  include "
            + dir.resolve("tokensmith.conf")
            + ";\n}\n");
    Run run =
        run(
            List.of(
                nginx.toString(),
                "-t",
                "-q",
                "-p",
                dir.toString(),
                "-c",
                dir.resolve("nginx.conf").toString()));
    assertThat(run.exit()).as(run.output()).isZero();
  }

  @Test
  void dockerfileWhenReadThenBuildsOnAJdkAndRunsOnAJreAsNonRootWithAHealthCheck()
      throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(stages).as("multi-stage").hasSize(2);
    assertThat(stages.get(0)).contains("maven").contains("17").endsWith(" AS build");
    assertThat(stages.get(1)).contains("17-jre");
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user.substring(5).split(":")[0]).isNotIn("root", "0");
    String text = String.join("\n", lines);
    assertThat(text)
        .contains("HEALTHCHECK")
        .contains("/healthz")
        .contains("-XX:MaxRAMPercentage=")
        .contains("VOLUME [\"/data\"]")
        .contains("TOKENSMITH_DATA_DIR=/data")
        .contains("-Djava.io.tmpdir=/tmp")
        .contains("ENTRYPOINT [\"/opt/tokensmith/bin/tokensmith\"]");
  }

  @Test
  void systemdUnitWhenReadThenHardenedAndWaitsForTheWholeStop() throws Exception {
    Path unit = Path.of("packaging/systemd/tokensmith.service");
    Map<String, List<String>> keys = unitKeys(Files.readAllLines(unit));
    Map<String, String> env = new LinkedHashMap<>();
    for (String assignment : keys.get("Environment")) {
      String[] pair = assignment.replace("\"", "").split("=", 2);
      env.put(pair[0], pair[1]);
    }
    int drain = Integer.parseInt(env.get("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS"));
    int shutdown = Integer.parseInt(env.get("TOKENSMITH_SHUTDOWN_SECONDS"));
    assertThat(Integer.parseInt(one(keys, "TimeoutStopSec")))
        .as("TimeoutStopSec covers the drain delay and the shutdown time, with a margin")
        .isGreaterThanOrEqualTo(drain + shutdown + 10);
    assertThat(one(keys, "User")).isNotIn("root", "0");
    assertThat(one(keys, "NoNewPrivileges")).isEqualTo("yes");
    assertThat(one(keys, "ProtectSystem")).isEqualTo("strict");
    assertThat(one(keys, "ReadWritePaths")).isEqualTo(env.get("TOKENSMITH_DATA_DIR"));
    assertThat(one(keys, "ExecStart")).isEqualTo("/opt/tokensmith/bin/tokensmith");
    assertThat(one(keys, "RestartPreventExitStatus")).as("a bad setting").isEqualTo("2");
    assertThat(keys).doesNotContainKey("MemoryDenyWriteExecute");

    // systemd's own check where it is installed (not a package .ci/run installs): with a command
    // that exists here, every key must be one systemd knows.
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (Files.isExecutable(analyze)) {
      Path copy = dir.resolve("tokensmith.service");
      Files.writeString(
          copy, Files.readString(unit).replace("/opt/tokensmith/bin/tokensmith", "/bin/true"));
      Run run = run(List.of(analyze.toString(), "verify", copy.toString()));
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).as("systemd-analyze verify").isEmpty();
    }
  }

  @Test
  void kubernetesManifestsWhenReadThenProbesOnHealthAndAStopLongerThanDrainAndShutdown()
      throws IOException {
    Path k8s = Path.of("packaging/kubernetes");
    JsonNode settings = YAML.readTree(k8s.resolve("configmap.yaml").toFile()).path("data");
    JsonNode pod = YAML.readTree(k8s.resolve("deployment.yaml").toFile()).path("spec");
    assertThat(pod.path("replicas").asInt()).isGreaterThanOrEqualTo(2);
    pod = pod.path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    int drain = settings.path("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS").asInt();
    int shutdown = settings.path("TOKENSMITH_SHUTDOWN_SECONDS").asInt();
    assertThat(pod.path("terminationGracePeriodSeconds").asInt())
        .isGreaterThanOrEqualTo(drain + shutdown + 10);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    List<String> mounts =
        container.path("volumeMounts").findValuesAsText("mountPath").stream().sorted().toList();
    assertThat(mounts).containsExactly("/data", "/tmp");
    JsonNode budget = YAML.readTree(k8s.resolve("poddisruptionbudget.yaml").toFile());
    assertThat(budget.path("kind").asText()).isEqualTo("PodDisruptionBudget");
    assertThat(budget.path("spec").path("selector"))
        .isEqualTo(
            YAML.readTree(k8s.resolve("deployment.yaml").toFile()).path("spec").path("selector"));
    JsonNode secret = YAML.readTree(k8s.resolve("secret.yaml").toFile()).path("stringData");
    assertThat(secret.has("TOKENSMITH_MASTER_KEYS") && secret.has("TOKENSMITH_PEPPER")).isTrue();
  }

  @Test
  void composeFileWhenReadThenTwoInstancesBehindNginxOnPostgresqlWithTheWholeStop()
      throws IOException {
    JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("postgres", "tokensmith-1", "tokensmith-2", "nginx");
    for (String name : List.of("tokensmith-1", "tokensmith-2")) {
      JsonNode instance = merged(services.path(name), compose.path("x-tokensmith"));
      JsonNode env = instance.path("environment");
      assertThat(env.path("TOKENSMITH_DB_URL").asText()).startsWith("jdbc:postgresql://postgres:");
      assertThat(instance.path("read_only").asBoolean()).as(name).isTrue();
      int grace = Integer.parseInt(instance.path("stop_grace_period").asText().replace("s", ""));
      assertThat(grace)
          .isGreaterThanOrEqualTo(
              env.path("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS").asInt()
                  + env.path("TOKENSMITH_SHUTDOWN_SECONDS").asInt()
                  + 10);
    }
    assertThat(Files.readString(Path.of("packaging/nginx/tokensmith.conf")))
        .contains("server tokensmith-1:8080")
        .contains("server tokensmith-2:8080");
  }

  // YAML's merge key (<<: *tokensmith), which Jackson leaves to its reader: the shared settings
  // with
  // the service's own over them.
  private static JsonNode merged(JsonNode service, JsonNode shared) {
    assertThat(service.has("<<")).as("the service merges the shared settings").isTrue();
    com.fasterxml.jackson.databind.node.ObjectNode merged = shared.deepCopy();
    service.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
    merged.remove("<<");
    return merged;
  }

  private static Map<String, List<String>> unitKeys(List<String> lines) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String line : lines) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#") || text.startsWith("[")) {
        continue;
      }
      String[] pair = text.split("=", 2);
      keys.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
    }
    return keys;
  }

  private static String one(Map<String, List<String>> keys, String name) {
    assertThat(keys.get(name)).as(name).hasSize(1);
    return keys.get(name).get(0);
  }

  // A tool the lint needs: skipped with a message where it is missing, except under CI=true.
  private static void requireTool(String tool, String install) throws Exception {
    boolean present = run(List.of("sh", "-c", "command -v " + tool)).exit() == 0;
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(tool + " is required under CI=true (.ci/run installs it)");
    }
    assumeTrue(present, tool + " is not installed (" + install + "); skipping its lint");
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
    return new Run(process.exitValue(), output.strip());
  }
}
