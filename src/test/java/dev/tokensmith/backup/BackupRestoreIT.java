package dev.tokensmith.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokensmith backup} and {@code tokensmith restore} on the embedded database, each run as
 * its own process as an operator would: a backup taken while the server runs, restored into a new
 * data folder with the same key files, serves the same tokens, secrets and activity; the other
 * commands that need the database say in one line why not while the server holds it.
 */
class BackupRestoreIT {
  @TempDir Path dir;

  @Test
  void backupWhileServerRunsThenRestoredCopyVerifiesShowsRenewsAndKeepsTheActivity()
      throws Exception {
    ChildServer.Config original = ChildServer.Config.of(dir.resolve("a"), null);
    Path backup = dir.resolve("backups/tokensmith.zip");
    Files.createDirectories(backup.getParent());
    Token kept;
    Token later;
    try (ChildServer server = ChildServer.start(original)) {
      Auth.Session admin = server.admin();
      kept = create(server, admin, "kept in the backup");
      assertThat(check(server, kept.secret())).isEqualTo(200);

      Command run = run(original, "backup", backup.toString());

      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains(backup.toString()).contains("while the server ran");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
          .as("the backup holds digests, ciphertexts and password hashes")
          .isEqualTo("rw-------");
      assertThat(Files.list(original.dataDir()).map(p -> p.getFileName().toString()))
          .as("nothing left behind in the data folder")
          .noneMatch(name -> name.startsWith(".backup-"));
      // A backup never replaces a file.
      Command again = run(original, "backup", backup.toString());
      assertThat(again.exit()).as(again.output()).isEqualTo(2);

      // The channel answers only with its key, which only the server's user can read.
      AdminChannel channel = AdminChannel.read(original.dataDir()).orElseThrow();
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(original.dataDir().resolve(AdminChannel.FILE))))
          .isEqualTo("rw-------");
      for (String key : new String[] {null, "", "wrong", channel.key() + "x"}) {
        assertThat(askForBackup(channel.port(), key)).as("key %s", key).isEqualTo(401);
      }
      assertThat(Files.list(original.dataDir()).map(p -> p.getFileName().toString()))
          .as("no backup taken without the key")
          .noneMatch(name -> name.startsWith(".backup-"));

      later = create(server, admin, "made after the backup");
      // Restoring over a database is refused, in one line.
      Command over = run(original, "restore", backup.toString());
      assertThat(over.exit()).as(over.output()).isEqualTo(2);
      assertThat(over.output().lines().toList()).hasSize(1);
      assertThat(over.output()).contains("not empty");
      assertThat(server.stop()).isZero();
    }
    assertThat(original.dataDir().resolve(AdminChannel.FILE))
        .as("a stopped server leaves no channel behind")
        .doesNotExist();

    ChildServer.Config restored =
        new ChildServer.Config(
            dir.resolve("b/data"), null, "", dir.resolve("b/server.out"), Map.of());
    Command restore = run(restored, "restore", backup.toString());
    assertThat(restore.exit()).as(restore.output()).isZero();
    assertThat(restore.output()).contains("master.key").contains("pepper.key");
    for (String key : List.of("master.key", "pepper.key")) {
      Files.copy(original.dataDir().resolve(key), restored.dataDir().resolve(key));
    }

    try (ChildServer server = ChildServer.start(restored)) {
      assertThat(check(server, kept.secret())).as("a token of the backup verifies").isEqualTo(200);
      assertThat(check(server, later.secret()))
          .as("a token made after the backup is not in it")
          .isEqualTo(401);
      Auth.Session admin = server.admin();
      Response shown = server.http.get("/v2/api_tokens/" + kept.id() + "/secret", admin);
      assertThat(shown.status()).as("%s", shown).isEqualTo(200);
      assertThat(shown.body().path("secret").asText())
          .as("the stored secret opens with the same master key")
          .isEqualTo(kept.secret());
      Response renewed =
          server.http.post("/v2/api_tokens/" + kept.id() + "/secret", admin, Map.of());
      assertThat(renewed.status()).as("%s", renewed).isEqualTo(200);
      assertThat(check(server, renewed.body().path("secret").asText())).isEqualTo(200);
      Response activity =
          server.http.get("/v2/activity_log?object_type=api_token&action=create", admin);
      assertThat(activity.status()).as("%s", activity).isEqualTo(200);
      assertThat(activity.text()).contains("kept in the backup").contains("\"create\"");
      assertThat(server.stop()).isZero();
    }

    // With no server running, the command opens the database itself.
    Path offline = dir.resolve("backups/offline.zip");
    Command run = run(restored, "backup", offline.toString());
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("with no server running");
    assertThat(offline).isRegularFile();
  }

  @Test
  void commandsAndServersThatOpenTheDatabaseWhenTheServerHoldsItThenOneLineAndExitOne()
      throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    try (ChildServer server = ChildServer.start(config)) {
      Command migrate = run(config, "migrate");

      assertThat(migrate.exit()).as(migrate.output()).isEqualTo(1);
      assertThat(migrate.output().lines().toList()).as(migrate.output()).hasSize(1);
      assertThat(migrate.output())
          .contains("in use by the running server")
          .contains("stop the server")
          .doesNotContain("Exception");
      Command second = run(config);
      assertThat(second.exit()).as(second.output()).isEqualTo(1);
      assertThat(second.output().lines().toList()).as(second.output()).hasSize(1);
      assertThat(second.output())
          .contains("in use by another process")
          .contains("TOKENSMITH_DATA_DIR");

      assertThat(server.http.get("/readyz", Auth.NONE).status())
          .as("the server is unharmed")
          .isEqualTo(200);
    }
  }

  @Test
  void backupWhenAnotherProgramAnswersOnAStaleChannelsPortThenNothingIsMoved() throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    // A server ran once (its keys and database are there), then was killed: its channel file stays,
    // and another program now listens on that port, answering with the master key's path.
    try (ChildServer server = ChildServer.start(config)) {
      assertThat(server.http.get("/readyz", Auth.NONE).status()).isEqualTo(200);
    }
    Path masterKey = config.dataDir().resolve("master.key");
    byte[] key = Files.readAllBytes(masterKey);
    com.sun.net.httpserver.HttpServer impostor =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    impostor.createContext(
        "/backup",
        exchange -> {
          byte[] body =
              ("{\"status\":200,\"body\":{\"file\":\""
                      + masterKey.toString().replace("\\", "\\\\")
                      + "\",\"bytes\":32}}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    impostor.start();
    try {
      new AdminChannel(impostor.getAddress().getPort(), "stale-key").writeTo(config.dataDir());
      Path target = dir.resolve("stolen.zip");

      Command run = run(config, "backup", target.toString());

      assertThat(run.exit()).as(run.output()).isEqualTo(1);
      assertThat(run.output()).contains("nothing was moved");
      assertThat(masterKey).exists();
      assertThat(Files.readAllBytes(masterKey)).isEqualTo(key);
      assertThat(target).doesNotExist();
    } finally {
      impostor.stop(0);
    }
  }

  @Test
  void restoreWhenNotABackupThenOneLineExitTwoAndNothingLeft() throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    Path notABackup = dir.resolve("notes.zip");
    Files.writeString(notABackup, "not a zip file");

    Command run = run(config, "restore", notABackup.toString());

    assertThat(run.exit()).as(run.output()).isEqualTo(2);
    assertThat(run.output().lines().toList()).as(run.output()).hasSize(1);
    assertThat(run.output()).contains("not a backup");
    assertThat(Files.exists(config.dataDir().resolve("tokensmith.mv.db"))).isFalse();
  }

  @Test
  void backupAndRestoreWhenPostgresqlThenOneLineNamingItsOwnTools() throws Exception {
    ChildServer.Config config =
        new ChildServer.Config(
            dir.resolve("data"),
            "jdbc:postgresql://127.0.0.1:1/nowhere",
            "tokensmith",
            dir.resolve("out"),
            Map.of());

    Command backup = run(config, "backup", dir.resolve("b.zip").toString());
    Command restore = run(config, "restore", dir.resolve("b.zip").toString());

    assertThat(backup.exit()).isEqualTo(2);
    assertThat(backup.output()).contains("pg_dump").doesNotContainIgnoringCase("exception");
    assertThat(backup.output().lines().toList()).hasSize(1);
    assertThat(restore.exit()).isEqualTo(2);
    assertThat(restore.output()).contains("pg_restore");
    assertThat(restore.output().lines().toList()).hasSize(1);
  }

  private static int askForBackup(int port, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/backup"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (key != null) {
      request.header(BackupApi.KEY_HEADER, key);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private record Token(long id, String secret) {}

  private static Token create(ChildServer server, Auth.Session admin, String name) {
    Response created =
        server.http.post(
            "/v2/api_tokens",
            admin,
            Map.of("realname", name, "permissions", List.of("partner_admin")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    return new Token(created.id(), created.body().path("secret").asText());
  }

  private static int check(ChildServer server, String secret) {
    return server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).status();
  }

  private record Command(int exit, String output) {}

  // The command in its own JVM, with the server's settings, its output in a file of its own.
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
