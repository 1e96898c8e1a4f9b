package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokensmith user reset-password --email <e>}, run as its own process beside a running
 * server: on PostgreSQL it prints a one-time link the server honours once; the embedded database
 * has one owner at a time, so there it says in one line to use the Console or the API.
 */
class ResetPasswordCommandIT {
  private static final Pattern LINK =
      Pattern.compile("/console/set-password\\?code=([A-Za-z0-9_-]{43})");

  @TempDir Path dir;

  @Test
  void resetPasswordWhenServerRunsOnPostgresqlThenPrintsALinkThatSetsThePasswordOnce()
      throws Exception {
    try (TestDatabase database = TestDatabase.postgresqlOnly()) {
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      try (ChildServer server = ChildServer.start(config)) {
        Auth.Session before = server.admin();

        Command run = run(config, "user", "reset-password", "--email", "ADMIN@example.com");

        assertThat(run.exit()).as(run.output()).isZero();
        Matcher link = LINK.matcher(run.output());
        assertThat(link.find()).as(run.output()).isTrue();
        String code = link.group(1);
        assertThat(run.output()).contains(TestServer.ADMIN_EMAIL).contains("72 hours");
        Response set = setPassword(server, code, "reset-by-command-1");
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.body().path("email").asText()).isEqualTo(TestServer.ADMIN_EMAIL);
        assertThat(server.http.get("/v1/user", before).status()).isEqualTo(401);
        assertThat(login(server, "reset-by-command-1").status()).isEqualTo(200);
        assertThat(login(server, TestServer.ADMIN_PASSWORD).status()).isEqualTo(401);
        assertThat(setPassword(server, code, "once-more-password-2").status()).isEqualTo(400);
        assertThat(server.output()).doesNotContain(code);
      }
    }
  }

  @Test
  void resetPasswordWhenNoSuchUserThenSaysSoAndExitsNonZero() throws Exception {
    try (TestDatabase database = TestDatabase.postgresqlOnly()) {
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      try (ChildServer server = ChildServer.start(config)) {
        Command run = run(config, "user", "reset-password", "--email", "nobody@example.com");

        assertThat(run.exit()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("nobody@example.com").doesNotContain("code=");
      }
    }
  }

  @Test
  void resetPasswordWhenEmbeddedDatabaseHeldByTheServerThenOneLineToUseTheConsoleAndNonZeroExit()
      throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    try (ChildServer server = ChildServer.start(config)) {
      Command run = run(config, "user", "reset-password", "--email", TestServer.ADMIN_EMAIL);

      assertThat(run.exit()).as(run.output()).isNotZero();
      assertThat(run.output().lines().toList()).as(run.output()).hasSize(1);
      assertThat(run.output())
          .contains("Console")
          .contains("/v1/objects/user/invite")
          .doesNotContain("Exception");
      assertThat(login(server, TestServer.ADMIN_PASSWORD).status())
          .as("the server is unharmed")
          .isEqualTo(200);
    }
  }

  private record Command(int exit, String output) {}

  // The command in its own JVM, its output in a file of its own.
  private Command run(ChildServer.Config server, String... arguments)
      throws IOException, InterruptedException {
    Path output = dir.resolve("command-" + System.nanoTime() + ".out");
    ChildServer.Config config =
        new ChildServer.Config(
            server.dataDir(), server.dbUrl(), server.dbUser(), output, server.settings());
    Process process = ChildServer.launch(config, arguments);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
    return new Command(process.exitValue(), Files.readString(output).strip());
  }

  private static Response setPassword(ChildServer server, String code, String password) {
    return server.http.post(
        "/v1/user/set_password", Auth.NONE, Map.of("code", code, "new_password", password));
  }

  private static Response login(ChildServer server, String password) {
    return server.http.post(
        "/v1/login", Auth.NONE, Map.of("email", TestServer.ADMIN_EMAIL, "password", password));
  }
}
