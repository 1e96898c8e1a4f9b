package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.web.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Master key and pepper rotation beside a running server: verifications run without a pause through
 * the real server while the rotations rewrite in small batches (stopped once and run again), none
 * fails, everything ends on the new versions, and once the old versions are taken out of the key
 * files (the server re-reads them) the tokens still verify and their secrets still show.
 */
@UsesDatabase
class KeyRotationIT {

  private static final int TOKENS = 40;
  private static final int SMALL_BATCH = 7;

  private Path keyDir;
  private Path masterKeyFile;
  private Path pepperFile;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    keyDir = Files.createTempDirectory("tokensmith-keys");
    masterKeyFile = keyDir.resolve("master.key");
    pepperFile = keyDir.resolve("pepper.key");
    server =
        TestServer.start(
            Map.of(
                "TOKENSMITH_MASTER_KEY_FILE", masterKeyFile.toString(),
                "TOKENSMITH_PEPPER_FILE", pepperFile.toString()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void rotateWhenVerificationsRunThenNoneFailsAndTheOldVersionsCanBeRemoved() throws Exception {
    Fixtures fixtures = new Fixtures(server);
    long tenant = fixtures.tenant("Rotated");
    TestUser admin = fixtures.user(tenant, "admin");
    List<Issued> tokens = new ArrayList<>();
    for (int i = 0; i < TOKENS; i++) {
      tokens.add(fixtures.token(admin.session(), List.of("users:view")));
    }
    Database db = server.app.database();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong checks = new AtomicLong();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService load = Executors.newFixedThreadPool(3);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      workers.add(
          load.submit(
              () -> {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
                while (running.get() && System.nanoTime() < deadline) {
                  Issued token = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
                  Response r = check(token);
                  checks.incrementAndGet();
                  if (r.status() != 200) {
                    failures.add(r.status() + " " + r.text());
                  }
                }
              }));
    }
    try {
      // A new pepper in the file: the server takes it within seconds, the rotation waits for it.
      assertThat(Keyring.addPepper(pepperFile, new SecureRandom())).isEqualTo(2);
      assertOwnerOnly(pepperFile);
      Rotation pepper = new Rotation();
      pepper.activeKeys.set(pepper.keys.using(pepper.keys.currentVersion(), 2));
      // Stopped after one batch (once the server holds the new pepper, as the command waits for),
      // then run again: it goes on where it was.
      awaitServerHolds(db, Set.of(1), Set.of(1, 2));
      KeyRotation.Batch first = pepper.rotation.rewriteDigests("token secrets", null);
      assertThat(first.rewritten()).isEqualTo(SMALL_BATCH);
      assertThat(pepper.run.pepper(pepper.keys, Duration.ofSeconds(60))).isTrue();
      assertThat(pepper.output()).contains("token secrets: " + (TOKENS - SMALL_BATCH) + " digests");
      assertThat(pepper.rotation.rewritableLeft()).isZero();
      assertThat(digests(db)).allMatch(d -> TokenSecrets.pepperOf(d) == 2);

      // A new master key: every sealed secret is sealed again under it, in batches.
      assertThat(Keyring.addMasterKey(masterKeyFile, new SecureRandom())).isEqualTo(2);
      assertOwnerOnly(masterKeyFile);
      Rotation master = new Rotation();
      assertThat(master.run.masterKey(master.keys, Duration.ofSeconds(60))).isTrue();
      assertThat(master.output()).contains("token secrets: " + TOKENS + " re-encrypted");
      assertThat(master.rotation.resealLeft()).isZero();
      assertThat(sealed(db)).hasSize(TOKENS).allMatch(v -> v.startsWith("v2:"));
      // Run again: nothing left to do, nothing rewritten.
      Rotation again = new Rotation();
      assertThat(again.run.masterKey(again.keys, Duration.ofSeconds(60))).isTrue();
      assertThat(again.output()).contains("Re-encrypted 0 values");

      // Both old versions are unused now: taken out of the files, the server re-reads them.
      assertThat(Keyring.remove(pepperFile, false, Set.of(1))).isEqualTo(1);
      assertThat(Keyring.remove(masterKeyFile, true, Set.of(1))).isEqualTo(1);
      awaitServerHolds(db, Set.of(2), Set.of(2));
      Thread.sleep(500);
    } finally {
      running.set(false);
      for (Future<?> f : workers) {
        f.get(1, TimeUnit.MINUTES);
      }
      load.shutdown();
    }
    assertThat(failures).as("verifications that failed during the rotations").isEmpty();
    assertThat(checks.get()).isGreaterThan(50);

    for (Issued token : tokens) {
      assertThat(server.http.post("/v2/auth/check", token.auth(), Map.of()).status())
          .isEqualTo(200);
    }
    // A Console session made with the removed pepper has ended: its user signs in again.
    Issued one = tokens.get(3);
    String secretPath = "/v2/api_tokens/" + one.id() + "/secret";
    assertThat(server.http.get(secretPath, admin.session()).status()).isEqualTo(401);
    Auth.Session session = server.login(admin.email(), Fixtures.PASSWORD);
    Response shown = server.http.get(secretPath, session);
    assertThat(shown.text()).contains(one.secret());
    // A token made now is digested with the new pepper and sealed under the new key.
    Issued fresh = fixtures.token(session, List.of("users:view"));
    assertThat(server.http.post("/v2/auth/check", fresh.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(digests(db)).allMatch(d -> TokenSecrets.pepperOf(d) == 2);
    assertThat(sealed(db)).allMatch(v -> v.startsWith("v2:"));
    List<String> recorded =
        db.withHandle(h -> h.createQuery("SELECT name FROM key_checks").mapTo(String.class).list());
    assertThat(recorded).containsExactlyInAnyOrder("pepper_v2", "master_key_v2");
  }

  /** What a rotation command builds: the key files as they are now, over the server's database. */
  private final class Rotation {
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final Keyring keys = Keyring.load(masterKeyFile, pepperFile);
    final ActiveKeys activeKeys = new ActiveKeys(keys);
    final KeyRotation rotation;
    final RotationRun run;

    Rotation() {
      Database db = server.app.database();
      new KeyCheck(db).verify(keys, new KeyCheck.Sources("master", "pepper"));
      TokenSecrets secrets = new TokenSecrets(activeKeys, new SecureRandom(), "tks1");
      rotation = new KeyRotation(db, secrets, Json.mapper(), SMALL_BATCH);
      run =
          new RotationRun(
              db,
              rotation,
              activeKeys,
              new PrintStream(printed, true, StandardCharsets.UTF_8),
              Clock.systemUTC());
    }

    String output() {
      String text = printed.toString(StandardCharsets.UTF_8);
      // Progress never shows a key, a secret or a digest.
      assertThat(text).doesNotContainPattern("[A-Za-z0-9]{40,}");
      return text;
    }
  }

  private static List<String> digests(Database db) {
    return db.withHandle(
        h -> h.createQuery("SELECT digest FROM api_token_secrets").mapTo(String.class).list());
  }

  private static List<String> sealed(Database db) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT secret_sealed FROM api_tokens WHERE secret_sealed IS NOT NULL")
                .mapTo(String.class)
                .list());
  }

  private static void awaitServerHolds(Database db, Set<Integer> keys, Set<Integer> peppers)
      throws InterruptedException {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      List<KeyHolders.Holder> holders = KeyHolders.live(db, Clock.systemUTC());
      if (!holders.isEmpty()
          && holders.stream()
              .allMatch(h -> h.masterKeys().equals(keys) && h.peppers().equals(peppers))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the server did not re-read its key files");
  }

  private static void assertOwnerOnly(Path file) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  // A verification, sent again when the test's HTTP client lost the answer on its own side: under
  // this load the JDK 17 client can close a pooled connection as a request is put on it, when the
  // answer arrives before the connection has left the pool ("connection closed locally"). That is
  // no failed verification, and a check may be asked twice.
  private Response check(Issued token) {
    try {
      return server.http.post("/v2/auth/check", token.auth(), Map.of());
    } catch (IllegalStateException e) {
      if (!closedLocally(e)) {
        throw e;
      }
      return server.http.post("/v2/auth/check", token.auth(), Map.of());
    }
  }

  private static boolean closedLocally(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if ("connection closed locally".equals(cause.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
