package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database's check values against an instance's keys: recorded on first use, compared on every
 * start, new master key versions added, a missing or different key refused.
 */
@UsesDatabase
class KeyCheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String pepper = random();
  private final String v1 = random();
  private final String v2 = random();

  private TestDatabase database;
  private Database db;
  private KeyCheck check;

  @BeforeEach
  void open() {
    database = TestDatabase.create();
    db = database.migrated();
    check = new KeyCheck(db);
  }

  @AfterEach
  void close() {
    db.close();
    database.close();
  }

  @Test
  void verifyWhenDatabaseNewThenRecordsAndTheSameKeysPassAgain() {
    assertThat(check.databaseIsNew()).isTrue();
    check.verify(keys("v1:" + v1, pepper), SOURCES);
    assertThat(check.databaseIsNew()).isFalse();
    check.verify(keys("v1:" + v1, pepper), SOURCES);
  }

  @Test
  void verifyWhenPepperDiffersThenRefusedNamingThePepperAndNoKey() {
    check.verify(keys("v1:" + v1, pepper), SOURCES);
    String other = random();

    assertThatThrownBy(() -> check.verify(keys("v1:" + v1, other), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("The pepper (PEPPER-SOURCE) is not the one")
        .hasMessageNotContaining(other)
        .hasMessageNotContaining(pepper)
        .hasMessageNotContaining("\n");
  }

  @Test
  void verifyWhenMasterKeyDiffersThenRefusedNamingItsVersion() {
    check.verify(keys("v1:" + v1, pepper), SOURCES);

    assertThatThrownBy(() -> check.verify(keys("v1:" + v2, pepper), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("Master key v1 (KEYS-SOURCE) is not the one")
        .hasMessageNotContaining(v1)
        .hasMessageNotContaining(v2);
  }

  @Test
  void verifyWhenDatabaseHoldsSecretsButNoCheckValuesThenKeysMustOpenAndReproduceThem() {
    // A database written before it kept check values: only its tokens tell which keys made it.
    Keyring made = keys("v1:" + v1, pepper);
    storeToken(made, "s".repeat(64));

    assertThatThrownBy(() -> check.verify(keys("v1:" + v2, pepper), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("Master key v1 (KEYS-SOURCE) does not open the secrets")
        .hasMessageNotContaining(v1)
        .hasMessageNotContaining(v2);
    String other = random();
    assertThatThrownBy(() -> check.verify(keys("v1:" + v1, other), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("The pepper (PEPPER-SOURCE) is not the one")
        .hasMessageNotContaining(other);
    assertThat(check.databaseIsNew()).as("nothing recorded for refused keys").isTrue();

    check.verify(made, SOURCES);
    assertThat(check.databaseIsNew()).isFalse();
    assertThatThrownBy(() -> check.verify(keys("v1:" + v1, other), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class);
  }

  @Test
  void verifyWhenSecretsSealedUnderAVersionTheInstanceLacksThenRefusedNamingIt() {
    storeToken(keys("v2:" + v2, pepper), "s".repeat(64));

    assertThatThrownBy(() -> check.verify(keys("v1:" + v1, pepper), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("Master key v2 is missing from KEYS-SOURCE")
        .hasMessageNotContaining(v2);
  }

  @Test
  void verifyWhenNoKeptSecretCanConfirmThePepperThenItIsNotRecordedForGood() {
    // Every token shown once: digests exist, but no sealed secret to check the pepper against.
    storeToken(keys("v1:" + v1, pepper), "s".repeat(64), false);
    check.verify(keys("v1:" + v1, random()), SOURCES);
    assertThat(recorded()).doesNotContain("pepper").contains("master_key_v1");
    // The right pepper is not locked out afterwards.
    check.verify(keys("v1:" + v1, pepper), SOURCES);
  }

  private List<String> recorded() {
    return db.withHandle(
        h -> h.createQuery("SELECT name FROM key_checks ORDER BY name").mapTo(String.class).list());
  }

  private void storeToken(Keyring keyring, String secret) {
    storeToken(keyring, secret, true);
  }

  private void storeToken(Keyring keyring, String secret, boolean kept) {
    db.withHandle(
        h -> {
          long client =
              h.createUpdate(
                      "INSERT INTO clients (uuid, name, vuln_prefix, enabled, create_at)"
                          + " VALUES (:uuid, 'Old', :prefix, TRUE, 0)")
                  .bind(
                      "prefix",
                      "O"
                          + (char) ('A' + RANDOM.nextInt(26))
                          + RANDOM.nextInt(10)
                          + RANDOM.nextInt(10))
                  .bind("uuid", UUID.randomUUID().toString())
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          long token =
              h.createUpdate(
                      "INSERT INTO api_tokens (client_id, created_by, realname, shared, token_usage,"
                          + " source_role, enabled, create_at, token_generated_at, secret_hint)"
                          + " VALUES (:client, 0, 'old', TRUE, 'api', 'admin', TRUE, 0, 0, 'ssss')")
                  .bind("client", client)
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          if (kept) {
            h.createUpdate("UPDATE api_tokens SET secret_sealed = :sealed WHERE id = :id")
                .bind("sealed", keyring.seal(secret, TokenSecrets.associatedData(token)))
                .bind("id", token)
                .execute();
          }
          return h.createUpdate(
                  "INSERT INTO api_token_secrets (digest, token_id) VALUES (:digest, :token)")
              .bind("digest", HexFormat.of().formatHex(keyring.digest(secret)))
              .bind("token", token)
              .execute();
        });
  }

  @Test
  void verifyWhenVersionAddedThenRecordedAndAnInstanceWithoutItRefused() {
    check.verify(keys("v1:" + v1, pepper), SOURCES);
    check.verify(keys("v1:" + v1 + ",v2:" + v2, pepper), SOURCES);

    assertThatThrownBy(() -> check.verify(keys("v1:" + v1, pepper), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("Master key v2 is missing from KEYS-SOURCE");
    check.verify(keys("v1:" + v1 + ",v2:" + v2, pepper), SOURCES);
  }

  @Test
  void verifyWhenAnOldVersionIsRemovedThenRefusedWhileAValueUsesItAndForgottenAfter() {
    Keyring both = keys("v1:" + v1 + ",v2:" + v2, pepper);
    check.verify(keys("v1:" + v1, pepper), SOURCES);
    storeToken(keys("v1:" + v1, pepper), "old-secret");
    check.verify(both, SOURCES);

    assertThatThrownBy(() -> check.verify(keys("v2:" + v2, pepper), SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith(
            "Master key v1 is missing from KEYS-SOURCE, and this database has 1")
        .hasMessageContaining("token secrets");

    db.withHandle(h -> h.execute("UPDATE api_tokens SET secret_sealed = NULL"));
    check.verify(keys("v2:" + v2, pepper), SOURCES);
    assertThat(recorded()).doesNotContain("master_key_v1").contains("master_key_v2");
  }

  @Test
  void verifyWhenAnOldPepperIsRemovedThenRefusedWhileADigestUsesItAndForgottenAfter() {
    String pepper2 = random();
    Keyring one = keys("v1:" + v1, pepper);
    check.verify(one, SOURCES);
    storeToken(one, "old-secret");
    Keyring two = Keyring.parse("v1:" + v1, "v1:" + pepper + "\nv2:" + pepper2);
    check.verify(two, SOURCES);
    assertThat(recorded()).contains("pepper", "pepper_v2");
    Keyring onlyNew = Keyring.parse("v1:" + v1, "v2:" + pepper2);

    assertThatThrownBy(() -> check.verify(onlyNew, SOURCES))
        .isInstanceOf(KeyCheck.Mismatch.class)
        .hasMessageStartingWith("Pepper v1 is missing from PEPPER-SOURCE, and 1 stored digests");
    assertThatThrownBy(() -> check.verify(one, SOURCES))
        .hasMessageStartingWith("Pepper v2 is missing from PEPPER-SOURCE");

    db.withHandle(h -> h.execute("DELETE FROM api_token_secrets"));
    check.verify(onlyNew, SOURCES);
    assertThat(recorded()).doesNotContain("pepper").contains("pepper_v2");
  }

  @Test
  void verifyWhenTwoInstancesWithOtherKeysStartTogetherOnANewDatabaseThenOnlyOneIsAccepted()
      throws Exception {
    for (int round = 0; round < 5; round++) {
      db.withHandle(h -> h.execute("DELETE FROM key_checks"));
      List<Keyring> keyrings = List.of(keys("v1:" + random(), random()), keys("v1:" + v1, pepper));
      CyclicBarrier together = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (Keyring keyring : keyrings) {
          outcomes.add(
              pool.submit(
                  () -> {
                    together.await();
                    try {
                      check.verify(keyring, SOURCES);
                      return true;
                    } catch (KeyCheck.Mismatch refused) {
                      return false;
                    }
                  }));
        }
        int accepted = 0;
        for (Future<Boolean> outcome : outcomes) {
          accepted += outcome.get() ? 1 : 0;
        }
        assertThat(accepted).as("round %d", round).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static final KeyCheck.Sources SOURCES =
      new KeyCheck.Sources("KEYS-SOURCE", "PEPPER-SOURCE");

  private static Keyring keys(String masterKeys, String pepper) {
    return Keyring.parse(masterKeys, pepper);
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
