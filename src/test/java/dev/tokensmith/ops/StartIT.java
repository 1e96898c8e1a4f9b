package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.testing.ChildServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a start of the real command tells the operator: unknown settings, the version. */
class StartIT {
  @TempDir Path dir;

  @Test
  void startWhenSettingMisspeltThenWarnsNamingTheClosestSetting() {
    ChildServer.Config config = ChildServer.Config.of(dir, null).with("TOKENSMITH_PROT", "8080");
    try (ChildServer server = ChildServer.start(config)) {
      assertThat(server.output())
          .contains("TOKENSMITH_PROT is not a Tokensmith setting and is ignored")
          .contains("did you mean TOKENSMITH_PORT?");
    }
  }

  @Test
  void startWhenLogFormatJsonThenTheWarningIsOneJsonObject() throws Exception {
    ChildServer.Config config =
        ChildServer.Config.of(dir, null)
            .with("TOKENSMITH_PROT", "8080")
            .with("TOKENSMITH_LOG_FORMAT", "json");
    Process process = ChildServer.launch(config);
    try {
      String line = null;
      for (int i = 0; i < 600 && line == null; i++) {
        line =
            Files.exists(config.output())
                ? Files.readString(config.output())
                    .lines()
                    .filter(l -> l.contains("TOKENSMITH_PROT"))
                    .findFirst()
                    .orElse(null)
                : null;
        if (line == null) {
          assertThat(process.isAlive()).as(Files.readString(config.output())).isTrue();
          Thread.sleep(100);
        }
      }
      assertThat(line).as("the warning").isNotNull();
      JsonNode json = new ObjectMapper().readTree(line);
      assertThat(json.path("level").asText()).isEqualTo("WARN");
      assertThat(json.path("formattedMessage").asText())
          .isEqualTo(
              "TOKENSMITH_PROT is not a Tokensmith setting and is ignored; did you mean"
                  + " TOKENSMITH_PORT?");
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void versionWhenAskedThenPrintsTheBuildsVersionAndExits() throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    Process process = ChildServer.launch(config, "--version");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(config.output()).strip();

    assertThat(process.exitValue()).isZero();
    assertThat(output).isEqualTo("tokensmith " + Version.ofBuild().number());
    assertThat(Version.ofBuild().number()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(Files.exists(config.dataDir())).as("nothing started").isFalse();
  }
}
