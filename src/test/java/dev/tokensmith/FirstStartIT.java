package dev.tokensmith;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.config.Settings;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default: first start on an empty data folder, then a restart that keeps everything.
 */
class FirstStartIT {
  private static final Pattern PRINTED = Pattern.compile("with password: (\\S+)");

  @TempDir Path dataDir;

  private Settings settings(Map<String, String> extra) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "TOKENSMITH_PORT",
                "0",
                "TOKENSMITH_HOST",
                "127.0.0.1",
                "TOKENSMITH_DATA_DIR",
                dataDir.toString(),
                "TOKENSMITH_PASSWORD_MEMORY_KIB",
                "64",
                "TOKENSMITH_EVENT_LOOPS",
                "1"));
    env.putAll(extra);
    return Settings.from(env);
  }

  private static String captureStdout(ThrowingRunnable work) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static Auth.Session login(Http http, String email, String password) {
    Response r = http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    String cookie = r.headers().allValues("Set-Cookie").get(0);
    return new Auth.Session(
        cookie.substring("tks_session=".length(), cookie.indexOf(';')),
        r.body().path("csrf_token").asText(),
        r.body().path("id").asLong(),
        r.body().path("client_id").asLong());
  }

  @Test
  void
      startWhenDataFolderEmptyThenCreatesGlobalAdministratorWithPrintedPasswordAndKeepsAllOnRestart()
          throws Exception {
    App[] first = new App[1];
    String printed =
        captureStdout(() -> first[0] = new App(settings(Map.of()), Clock.systemUTC()).start());
    Matcher m = PRINTED.matcher(printed);
    assertThat(m.find()).as(printed).isTrue();
    String password = m.group(1);
    SecretLedger.record(password);
    Http http = new Http("http://127.0.0.1:" + first[0].port());
    Auth.Session admin = login(http, "admin@localhost", password);
    Response me = http.get("/v1/user", admin);
    assertThat(me.body().path("role").asText()).isEqualTo("partner_admin");
    assertThat(me.body().path("partner_uuid").asText()).isNotEmpty();
    Response token =
        http.post(
            "/v2/api_tokens",
            admin,
            Map.of("realname", "survives restarts", "permissions", List.of("partner_admin")));
    String secret = token.body().path("secret").asText();
    first[0].close();

    assertThat(Files.exists(dataDir.resolve("master.key"))).isTrue();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("master.key"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("pepper.key"))))
        .isEqualTo("rw-------");

    App[] second = new App[1];
    String again =
        captureStdout(() -> second[0] = new App(settings(Map.of()), Clock.systemUTC()).start());
    try {
      assertThat(again).doesNotContain("with password");
      Http http2 = new Http("http://127.0.0.1:" + second[0].port());
      Auth.Session relogged = login(http2, "admin@localhost", password);
      assertThat(http2.get("/v1/user", Auth.token(secret)).status()).isEqualTo(200);
      assertThat(
              http2
                  .get("/v2/api_tokens/" + token.id() + "/secret", relogged)
                  .body()
                  .path("secret")
                  .asText())
          .isEqualTo(secret);
      assertThat(http2.get("/v2/api_tokens?limit=1000", relogged).body().size()).isEqualTo(1);
    } finally {
      second[0].close();
    }
    String log =
        Files.exists(Path.of("target/test-logs/tokensmith.log"))
            ? Files.readString(Path.of("target/test-logs/tokensmith.log"))
            : "";
    assertThat(log).doesNotContain(password).doesNotContain(secret);
  }

  @Test
  void startWhenDataFolderMissingThenFolderAndEveryFileInItOwnerOnly() throws Exception {
    Path data = dataDir.resolve("data");
    App app =
        new App(
                settings(
                    Map.of(
                        "TOKENSMITH_DATA_DIR",
                        data.toString(),
                        "TOKENSMITH_ADMIN_PASSWORD",
                        "configured-pass-1")),
                Clock.systemUTC())
            .start();
    try {
      List<String> files;
      try (Stream<Path> listed = Files.list(data)) {
        files = listed.map(f -> f.getFileName().toString()).toList();
      }
      assertThat(files).contains("master.key", "pepper.key", "tokensmith.mv.db");
      assertOwnerOnly(data, files);
    } finally {
      app.close();
    }
    assertOwnerOnly(data, List.of("master.key", "pepper.key", "tokensmith.mv.db"));
  }

  @Test
  void startWhenDatabaseFilesReadableByOthersThenOwnerOnly() throws Exception {
    Settings settings = settings(Map.of("TOKENSMITH_ADMIN_PASSWORD", "configured-pass-1"));
    // A database left by an earlier version, its files as the umask made them.
    DriverManager.getConnection(settings.dbUrl(), "", "").close();
    Files.writeString(dataDir.resolve("tokensmith.trace.db"), "an old trace\n");
    for (String file : List.of("tokensmith.mv.db", "tokensmith.trace.db")) {
      Files.setPosixFilePermissions(
          dataDir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
    }

    new App(settings, Clock.systemUTC()).start().close();

    assertOwnerOnly(dataDir, List.of("tokensmith.mv.db", "tokensmith.trace.db"));
  }

  @Test
  void startWhenOwnH2UrlInMissingFolderThenFolderAndDatabaseFileOwnerOnly() throws Exception {
    Path folder = dataDir.resolve("elsewhere").resolve("db");
    String url =
        "jdbc:h2:file:"
            + folder.resolve("custom")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH";

    new App(
            settings(
                Map.of("TOKENSMITH_DB_URL", url, "TOKENSMITH_ADMIN_PASSWORD", "configured-pass-1")),
            Clock.systemUTC())
        .start()
        .close();

    assertOwnerOnly(folder, List.of("custom.mv.db"));
  }

  private static void assertOwnerOnly(Path folder, List<String> files) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .as("%s", folder)
        .isEqualTo("rwx------");
    for (String file : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(file))))
          .as("%s", file)
          .isEqualTo("rw-------");
    }
  }

  @Test
  void startWhenAdminCredentialsConfiguredThenUsedAndNothingPrinted() throws Exception {
    App[] app = new App[1];
    String printed =
        captureStdout(
            () ->
                app[0] =
                    new App(
                            settings(
                                Map.of(
                                    "TOKENSMITH_ADMIN_EMAIL",
                                    "root@corp.example",
                                    "TOKENSMITH_ADMIN_PASSWORD",
                                    "configured-pass-1",
                                    "TOKENSMITH_SECRET_PREFIX",
                                    "corp")),
                            Clock.systemUTC())
                        .start());
    try {
      assertThat(printed).doesNotContain("configured-pass-1").doesNotContain("with password");
      Http http = new Http("http://127.0.0.1:" + app[0].port());
      Auth.Session admin = login(http, "ROOT@corp.example", "configured-pass-1");
      String secret =
          http.post(
                  "/v2/api_tokens",
                  admin,
                  Map.of("realname", "prefixed", "permissions", List.of("partner_admin")))
              .body()
              .path("secret")
              .asText();
      assertThat(secret).startsWith("corp").hasSize(64);
    } finally {
      app[0].close();
    }
  }
}
