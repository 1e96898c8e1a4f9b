package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose keys are not its database's does not start (it would answer 401 for every valid
 * token): it prints one line naming the key and exits 2, and generates no key of its own.
 */
class WrongKeysIT {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  @Test
  void secondInstanceWhenItsKeysDifferThenOnlyTheOneWithTheRightKeysStarts() throws Exception {
    String pepper = random();
    String v1 = random();
    String v2 = random();
    try (TestDatabase database = TestDatabase.postgresqlOnly()) {
      ChildServer.Config first = ChildServer.Config.of(dir.resolve("first"), database);
      ChildServer.Config second = ChildServer.Config.of(dir.resolve("second"), database);
      String secret;
      try (ChildServer server = ChildServer.start(keys(first, "v1:" + v1, pepper))) {
        secret = newToken(server);
        assertThat(server.stop()).isZero();
      }
      // The first instance's keys rotate: v2 joins v1, and the database records it.
      try (ChildServer server = ChildServer.start(keys(first, "v1:" + v1 + ",v2:" + v2, pepper))) {
        assertThat(check(server, secret)).isEqualTo(200);

        // Started with no keys at all: it used to generate its own and answer 401 to everyone.
        assertRefused(second, "No keys: neither ");
        assertThat(Files.exists(second.dataDir().resolve("master.key"))).isFalse();
        assertThat(Files.exists(second.dataDir().resolve("pepper.key"))).isFalse();
        assertRefused(
            keys(second, "v1:" + v1 + ",v2:" + v2, random()),
            "The pepper (TOKENSMITH_PEPPER) is not the one");
        assertRefused(
            keys(second, "v1:" + random() + ",v2:" + v2, pepper),
            "Master key v1 (TOKENSMITH_MASTER_KEYS) is not the one");
        assertRefused(
            keys(second, "v1:" + v1, pepper),
            "Master key v2 is missing from TOKENSMITH_MASTER_KEYS");

        try (ChildServer other =
            ChildServer.start(keys(second, "v1:" + v1 + ",v2:" + v2, pepper))) {
          assertThat(check(other, secret)).isEqualTo(200);
        }
      }
    }
  }

  @Test
  void dataFolderWhenRestoredWithOtherKeyFilesThenRefusesUntilItsOwnAreBack() throws Exception {
    ChildServer.Config config = ChildServer.Config.of(dir, null);
    Path keyFile = config.dataDir().resolve("master.key");
    Path pepperFile = config.dataDir().resolve("pepper.key");
    String secret;
    try (ChildServer server = ChildServer.start(config)) {
      secret = newToken(server);
      assertThat(server.stop()).isZero();
    }
    byte[] keys = Files.readAllBytes(keyFile);
    byte[] pepper = Files.readAllBytes(pepperFile);

    Files.writeString(pepperFile, random() + "\n");
    assertRefused(config, "The pepper (the pepper file " + pepperFile + ") is not the one");
    Files.write(pepperFile, pepper);
    Files.writeString(keyFile, "v1:" + random() + "\n");
    assertRefused(config, "Master key v1 (the master key file " + keyFile + ") is not the one");
    Files.delete(keyFile);
    assertRefused(config, "Key file " + keyFile + " is missing");
    Files.delete(pepperFile);
    assertRefused(config, "No keys: neither " + keyFile);
    assertThat(Files.exists(keyFile)).isFalse();

    Files.write(keyFile, keys);
    Files.write(pepperFile, pepper);
    try (ChildServer server = ChildServer.start(config)) {
      assertThat(check(server, secret)).isEqualTo(200);
    }
  }

  private static void assertRefused(ChildServer.Config config, String line) throws Exception {
    long offset = Files.exists(config.output()) ? Files.size(config.output()) : 0;
    Process process = ChildServer.launch(config);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the start ends").isTrue();
    String printed = read(config.output(), offset).strip();

    assertThat(process.exitValue()).as(printed).isEqualTo(2);
    assertThat(printed.lines().toList()).as(printed).hasSize(1);
    assertThat(printed).startsWith(line).doesNotContain("Exception");
    for (String value : config.settings().values()) {
      for (String key : value.split(",")) {
        assertThat(printed).doesNotContain(key.substring(key.indexOf(':') + 1));
      }
    }
  }

  private static ChildServer.Config keys(
      ChildServer.Config config, String masterKeys, String pepper) {
    return config.with("TOKENSMITH_MASTER_KEYS", masterKeys).with("TOKENSMITH_PEPPER", pepper);
  }

  private static String newToken(ChildServer server) {
    Response created =
        server.http.post(
            "/v2/api_tokens",
            server.admin(),
            Map.of("realname", "made before", "permissions", List.of("admin")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    return created.body().path("secret").asText();
  }

  private static int check(ChildServer server, String secret) {
    return server.http.post("/v2/auth/check", Auth.token(secret), Map.of()).status();
  }

  private static String read(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int from = (int) Math.min(offset, bytes.length);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
