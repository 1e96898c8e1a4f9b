package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad setting stops the start with one line that names it and says why: no stack trace, a failing
 * exit code.
 */
class BadSettingIT {
  @TempDir Path dir;

  @Test
  void startWhenSettingIsBadThenOneLineNamingItAndNonZeroExit() throws Exception {
    Path catalogue = dir.resolve("catalogue.yaml");
    java.nio.file.Files.writeString(
        catalogue,
        "resources:\n  - id: invoices\n    actions: [view]\n    roles: {owner: [view]}\n");
    Path routes = dir.resolve("routes.txt");
    java.nio.file.Files.writeString(routes, "GET /invoices/** invoices:view\n");
    for (Map.Entry<String, String> bad :
        List.of(
            Map.entry("TOKENSMITH_PORT", "eighty"),
            Map.entry("TOKENSMITH_SECRET_PREFIX", "toolong"),
            Map.entry("TOKENSMITH_ADMIN_PASSWORD", "eleven-char"),
            Map.entry("TOKENSMITH_ADMIN_PASSWORD", "Unbelievable"),
            Map.entry("TOKENSMITH_PASSWORD_MEMORY_KIB", "4"),
            Map.entry("TOKENSMITH_CATALOGUE_FILE", catalogue.toString()),
            Map.entry("TOKENSMITH_FORWARD_ROUTES_FILE", routes.toString()))) {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx128m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.tokensmith.Main")
              .redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("TOKENSMITH_"));
      builder.environment().put("TOKENSMITH_DATA_DIR", dir.resolve("data").toString());
      builder.environment().put(bad.getKey(), bad.getValue());
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

      assertThat(process.exitValue()).as(output).isNotZero();
      assertThat(output.lines().toList()).as(output).hasSize(1);
      assertThat(output).startsWith(bad.getKey() + " ").doesNotContain("Exception");
      if (bad.getKey().equals("TOKENSMITH_ADMIN_PASSWORD")) {
        assertThat(output).as("the password is never printed").doesNotContain(bad.getValue());
      }
    }
  }
}
