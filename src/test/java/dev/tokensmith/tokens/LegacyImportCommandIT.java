package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.LegacyPairs;
import dev.tokensmith.testing.LegacyPairs.Pair;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokensmith legacy import <file.csv>}, run as its own process beside a running server: on
 * PostgreSQL it imports good rows, reports every row, and a second run changes nothing; on the
 * embedded database it says in one line what to do instead. It never prints a secret.
 */
class LegacyImportCommandIT {
  @TempDir Path dir;

  @Test
  void importWhenServerRunsOnPostgresqlThenEachRowReportedAndASecondRunChangesNothing()
      throws Exception {
    try (TestDatabase database = TestDatabase.postgresqlOnly()) {
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      try (ChildServer server = ChildServer.start(config)) {
        Auth.Session admin = server.admin();
        String alice = user(server, admin, "alice");
        String bob = user(server, admin, "bob");
        Pair a = LegacyPairs.next();
        Pair b = LegacyPairs.next();
        String badSecret = LegacyPairs.secret();
        Path csv = dir.resolve("creds.csv");
        Files.write(
            csv,
            List.of(
                "email,uuid,secret",
                alice + "," + a.uuid() + "," + a.secret(),
                bob.toUpperCase() + ", " + b.uuid() + " ," + b.secret(),
                "nobody@example.com," + LegacyPairs.next().uuid() + "," + LegacyPairs.secret(),
                alice + ",NOT-A-UUID," + badSecret,
                bob + "," + LegacyPairs.next().uuid() + "," + badSecret.substring(3),
                a.secret() + "," + a.uuid(),
                ""));

        Command first = run(config, "legacy", "import", csv.toString());

        assertThat(first.exit()).as(first.output()).isEqualTo(1);
        List<String> lines = first.output().lines().toList();
        assertThat(lines).as(first.output()).hasSize(7);
        assertThat(lines.get(0)).isEqualTo("line 2: " + alice + " imported");
        assertThat(lines.get(1)).isEqualTo("line 3: " + bob.toUpperCase() + " imported");
        assertThat(lines.get(2)).startsWith("line 4: nobody@example.com unknown e-mail");
        assertThat(lines.get(3)).startsWith("line 5: " + alice + " invalid");
        assertThat(lines.get(4)).startsWith("line 6: " + bob + " invalid");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("line 7: invalid"));
        assertNoSecret(first.output(), a, b, badSecret);
        assertThat(check(server, a)).isEqualTo(200);
        assertThat(check(server, b)).isEqualTo(200);

        Command second = run(config, "legacy", "import", csv.toString());

        List<String> again = second.output().lines().toList();
        assertThat(again.get(0)).isEqualTo("line 2: " + alice + " already imported");
        assertThat(again.get(1)).isEqualTo("line 3: " + bob.toUpperCase() + " already imported");
        assertNoSecret(second.output(), a, b, badSecret);
        Response tokens = server.http.get("/v2/api_tokens?limit=1000", admin);
        long legacy = 0;
        for (var token : tokens.body()) {
          legacy += token.path("legacy").asBoolean() ? 1 : 0;
        }
        assertThat(legacy)
            .as("one backward-compatible token per user, after two runs")
            .isEqualTo(2);
        assertThat(server.output()).doesNotContain(a.secret()).doesNotContain(b.secret());
      }
    }
  }

  @Test
  void importWhenEmbeddedDatabaseHeldByTheServerThenOneLineSaysWhatToDo() throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    try (ChildServer server = ChildServer.start(config)) {
      Path csv = dir.resolve("creds.csv");
      Pair a = LegacyPairs.next();
      Files.write(csv, List.of("someone@example.com," + a.uuid() + "," + a.secret()));

      Command run = run(config, "legacy", "import", csv.toString());

      assertThat(run.exit()).as(run.output()).isNotZero();
      assertThat(run.output().lines().toList()).as(run.output()).hasSize(1);
      assertThat(run.output())
          .contains("stop the server")
          .contains("/v2/user/{id}/legacy_credentials")
          .doesNotContain("Exception")
          .doesNotContain(a.secret());
    }
  }

  private static void assertNoSecret(String output, Pair a, Pair b, String other) {
    assertThat(output)
        .doesNotContain(a.secret())
        .doesNotContain(b.secret())
        .doesNotContain(other)
        .doesNotContain(other.substring(3));
  }

  private static int check(ChildServer server, Pair pair) {
    return server.http.post("/v2/auth/check", pair.auth(), Map.of()).status();
  }

  private static String user(ChildServer server, Auth admin, String name) {
    String email = name + System.nanoTime() + "@example.com";
    Response r =
        server.http.post(
            "/v1/objects/user/create",
            admin,
            Map.of(
                "email",
                email,
                "realname",
                name,
                "password",
                "a-long-password-1",
                "permissions",
                List.of("analytic")));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return email;
  }

  private record Command(int exit, String output) {}

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
}
