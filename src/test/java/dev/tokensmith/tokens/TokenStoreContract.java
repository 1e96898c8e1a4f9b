package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.clients.JdbcClientStore;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.StatementLog;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.tokens.TokenStore.SecretMatch;
import dev.tokensmith.users.JdbcUserStore;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link TokenStore} does, whatever keeps the rows: a token reads back as written, an
 * update writes only what changed (so it never undoes another change), a lock waits for another
 * transaction's, filters and order of a list, secrets and their grace periods, the jobs' queries.
 * Each implementation's test extends it; on the run's database (H2, or PostgreSQL in that run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TokenStoreContract {
  private static final Instant T = Instant.parse("2030-06-01T12:00:00Z");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  TestDatabase database;
  Database db;
  TokenStore store;
  private JdbcClientStore clients;
  long client;
  long owner;
  long otherOwner;

  /** The store under test over {@code db}, a migrated database the contract fills itself. */
  abstract TokenStore store(Database db);

  @BeforeAll
  void open() {
    database = TestDatabase.create();
    db = database.migrated();
    store = store(db);
    clients = new JdbcClientStore(db);
    client = client();
    JdbcUserStore users = new JdbcUserStore(db, Records.CATALOGUE);
    owner = users.insert(Records.user(client, "owner@example.com", "admin"));
    otherOwner = users.insert(Records.user(client, "other@example.com", "analytic"));
  }

  @AfterAll
  void close() {
    db.close();
    database.close();
  }

  private long client() {
    int n = SEQUENCE.incrementAndGet();
    return clients.insert(
        UUID.randomUUID().toString(),
        "Client " + n,
        String.format("K%03d", n % 1000),
        true,
        null,
        T.toEpochMilli());
  }

  // A new token gets its id before its row is written, as the writer does.
  // As it reads back: its row holds its owner's name.
  ApiToken personal(long clientId, long userId, String... permissions) {
    ApiToken t = Records.token(store.newId(), clientId, userId, userId, false, permissions);
    String name =
        db.withHandle(
            h ->
                h.createQuery("SELECT realname FROM users WHERE id = :id")
                    .bind("id", userId)
                    .mapTo(String.class)
                    .one());
    return new ApiToken(
        t.id(),
        new ApiToken.Owner(clientId, userId, userId, false, name),
        t.realname(),
        t.description(),
        t.scope(),
        t.state(),
        t.secret(),
        t.history());
  }

  private ApiToken shared(long clientId, String... permissions) {
    return Records.token(store.newId(), clientId, null, owner, true, permissions);
  }

  ApiToken inserted(ApiToken token) {
    return inserted(token, "digest-" + token.id());
  }

  private ApiToken inserted(ApiToken token, String digest) {
    store.insert(token, digest);
    return token;
  }

  ApiToken reread(ApiToken token) {
    return store.find(token.id()).orElseThrow();
  }

  private static List<Long> ids(List<ApiToken> tokens) {
    return tokens.stream().map(ApiToken::id).toList();
  }

  @Test
  void insertWhenTokenGivenThenFindReadsItBackAsWritten() {
    ApiToken token =
        personal(client, owner, "users:view", "api_tokens:view")
            .draft()
            .realname("Deploy")
            .expireAt(T.plusSeconds(3600))
            .allowedIps(List.of("10.0.0.0/8", "192.0.2.1"))
            .secret(new ApiToken.Secret("abcd", "v1:sealed", T))
            .build();

    store.insert(token, "deploy-digest");

    assertThat(token.id()).isPositive();
    assertThat(store.find(token.id())).contains(token);
    assertThat(store.findBySecretDigest("deploy-digest")).contains(new SecretMatch(token, null));
  }

  @Test
  void insertWhenSharedAndDisabledThenReadBackSo() {
    ApiToken token =
        shared(client, "admin")
            .draft()
            .enabled(false)
            .disabledReason(DisabledReason.MANUAL)
            .disabledAt(T)
            .build();

    store.insert(token, "shared-digest");

    assertThat(store.find(token.id())).contains(token);
  }

  @Test
  void insertWhenNewTokenThenItsRowIsWrittenOnceSecretIncludedAndItsDigestBeside() {
    ApiToken token =
        personal(client, owner, "admin")
            .draft()
            .secret(new ApiToken.Secret("abcd", "v1:sealed", T))
            .build();

    List<String> statements =
        db.inTransaction(
            () -> {
              StatementLog log = StatementLog.attach(db);
              store.insert(token, "written-once");
              return log.all();
            });

    assertThat(statements)
        .hasSize(2)
        .satisfiesExactly(
            row ->
                assertThat(row)
                    .startsWith("INSERT INTO api_tokens (id, ")
                    .contains("secret_sealed"),
            digest -> assertThat(digest).startsWith("INSERT INTO api_token_secrets "));
    assertThat(store.find(token.id()).orElseThrow().secret().ciphertext()).isEqualTo("v1:sealed");
  }

  @Test
  void newIdWhenTakenThenNeverGivenAgainEvenWhenItsTransactionRolledBack() {
    long first = store.newId();
    try {
      db.inTransaction(
          () -> {
            store.insert(
                Records.token(store.newId(), client, owner, owner, false, "admin"), "gone");
            throw new IllegalStateException("rolled back");
          });
    } catch (IllegalStateException expected) {
      // the row and its digest are gone; the id it took is not given again
    }
    long afterRollback = store.newId();

    assertThat(afterRollback).isGreaterThan(first + 1);
    assertThat(store.findBySecretDigest("gone")).isEmpty();
  }

  @Test
  void insertSeededWhenIdsTakenBeforeThenTheSeededOnesComeAfterThem() {
    ApiToken numbered = personal(client, owner, "admin");

    store.insertSeeded(List.of(numbered), List.of("seeded-after"));

    assertThat(store.findBySecretDigest("seeded-after").orElseThrow().token().id())
        .isGreaterThan(numbered.id());
  }

  @Test
  void findBySecretDigestsWhenOneOfTheFormsIsStoredThenItsTokenIsFound() {
    ApiToken token = personal(client, owner, "users:view");
    store.insert(token, "p2_stored-form");

    assertThat(store.findBySecretDigests(List.of("p3_newer-form", "p2_stored-form")))
        .contains(new SecretMatch(token, null));
    assertThat(store.findBySecretDigests(List.of("p2_stored-form"))).isPresent();
    assertThat(store.findBySecretDigests(List.of("p3_newer-form", "p1_older-form"))).isEmpty();
  }

  @Test
  void findWhenNoSuchTokenThenEmpty() {
    assertThat(store.find(Long.MAX_VALUE)).isEmpty();
    assertThat(db.inTransaction(() -> store.lock(Long.MAX_VALUE))).isEmpty();
    assertThat(store.findBySecretDigest("0".repeat(64))).isEmpty();
  }

  @Test
  void updateWhenSomeFieldsChangedThenOnlyTheirColumnsAreWritten() {
    ApiToken seen = inserted(personal(client, owner, "admin"));
    // Another change meanwhile, which this one did not see.
    store.update(seen, seen.draft().realname("renamed meanwhile").build());

    store.update(
        seen,
        seen.draft().enabled(false).disabledReason(DisabledReason.MANUAL).disabledAt(T).build());

    ApiToken now = reread(seen);
    assertThat(now.realname()).isEqualTo("renamed meanwhile");
    assertThat(now.enabled()).isFalse();
    assertThat(now.state().disabledReason()).isEqualTo(DisabledReason.MANUAL);
    assertThat(now.state().disabledAt()).isEqualTo(T);
  }

  @Test
  void updateWhenNothingChangedThenTheRowIsLeftAlone() {
    ApiToken seen = inserted(personal(client, owner, "admin"));
    store.update(seen, Records.changed(seen, "renamed meanwhile", "analytic"));

    store.update(seen, seen);

    assertThat(reread(seen).realname()).isEqualTo("renamed meanwhile");
    assertThat(reread(seen).permissionsAsWritten()).containsExactly("analytic");
  }

  @Test
  void updateWhenFieldsClearedThenReadBackEmpty() {
    ApiToken seen =
        inserted(
            personal(client, owner, "admin")
                .draft()
                .expireAt(T)
                .allowedIps(List.of("10.0.0.1"))
                .secret(new ApiToken.Secret("abcd", "v1:sealed", T))
                .build());

    ApiToken cleared =
        seen.draft()
            .expireAt(null)
            .allowedIps(List.of())
            .secret(new ApiToken.Secret("efgh", null, T.plusSeconds(1)))
            .grant(Records.grant("users:view"))
            .build();
    store.update(seen, cleared);

    assertThat(reread(seen)).isEqualTo(cleared);
  }

  @Test
  void lockWhenRowLockedElsewhereThenWaitsAndReadsItAsCommittedWhileFindDoesNotWait()
      throws Exception {
    ApiToken token = inserted(personal(client, owner, "admin"));
    try (DbLocks locks = new DbLocks(database)) {
      locks.lockRow("api_tokens", token.id());
      try (Statement change = locks.holder().createStatement()) {
        change.executeUpdate(
            "UPDATE api_tokens SET realname = 'changed by the holder' WHERE id = " + token.id());
      }

      assertThat(store.find(token.id()).orElseThrow().realname())
          .as("a plain read does not wait")
          .isEqualTo(token.realname());
      CompletableFuture<Optional<ApiToken>> locking =
          CompletableFuture.supplyAsync(() -> db.inTransaction(() -> store.lock(token.id())));
      locks.awaitBlockedBy(locks.holderSession());
      locks.commit();

      assertThat(locking.get(10, TimeUnit.SECONDS).orElseThrow().realname())
          .isEqualTo("changed by the holder");
    }
  }

  @Test
  void deleteWhenDeletedThenGoneWithItsSecrets() {
    ApiToken token = inserted(personal(client, owner, "admin"), "deleted-digest");

    store.delete(token.id());

    assertThat(store.find(token.id())).isEmpty();
    assertThat(store.findBySecretDigest("deleted-digest")).isEmpty();
  }

  @Test
  void listWhenFilteredThenOnlyMatchingTokensOfTheClientInIdOrder() {
    long listed = client();
    ApiToken deploy =
        inserted(Records.changed(personal(listed, owner, "admin"), "Deploy key", "admin"));
    ApiToken bot =
        inserted(
            Records.changed(personal(listed, otherOwner, "analytic"), "ci_bot 100%", "analytic"));
    ApiToken common =
        inserted(
            shared(listed, "admin")
                .draft()
                .realname("Common")
                .enabled(false)
                .disabledReason(DisabledReason.MANUAL)
                .disabledAt(T)
                .build());
    inserted(personal(client, owner, "admin"));

    assertThat(ids(store.list(query(listed, null, null, null, null, null))))
        .containsExactly(deploy.id(), bot.id(), common.id());
    assertThat(ids(store.list(query(listed, owner, null, null, null, null))))
        .containsExactly(deploy.id());
    assertThat(ids(store.list(query(listed, null, otherOwner, null, null, null))))
        .containsExactly(bot.id());
    assertThat(ids(store.list(query(listed, null, null, false, null, null))))
        .containsExactly(common.id());
    assertThat(ids(store.list(query(listed, null, null, null, null, true))))
        .containsExactly(common.id());
    assertThat(ids(store.list(query(listed, null, null, null, null, false))))
        .containsExactly(deploy.id(), bot.id());
    assertThat(ids(store.list(query(listed, null, null, null, "DEPLOY", null))))
        .containsExactly(deploy.id());
    assertThat(ids(store.list(query(listed, null, null, null, "%", null))))
        .as("% is a letter")
        .containsExactly(bot.id());
    assertThat(ids(store.list(query(listed, null, null, null, "_", null))))
        .as("_ is a letter")
        .containsExactly(bot.id());
    assertThat(
            ids(
                store.list(
                    new TokenQuery(listed, null, null, null, null, null, new Window(2, 1, null)))))
        .containsExactly(bot.id(), common.id());
  }

  private static TokenQuery query(
      long clientId,
      Long visibleTo,
      Long userId,
      Boolean enabled,
      String realname,
      Boolean shared) {
    return new TokenQuery(
        clientId, visibleTo, userId, enabled, realname, shared, Window.first(100));
  }

  @Test
  void lockByUserWhenUserHasTokensThenTheirPersonalOnesInIdOrder() {
    long user =
        new JdbcUserStore(db, Records.CATALOGUE)
            .insert(Records.user(client, "holder@example.com", "admin"));
    ApiToken first = inserted(personal(client, user, "admin"));
    ApiToken second = inserted(personal(client, user, "analytic"));
    inserted(Records.token(store.newId(), client, null, user, true, "admin"));

    assertThat(ids(db.inTransaction(() -> store.lockByUser(user))))
        .containsExactly(first.id(), second.id());
  }

  @Test
  void countByClientWhenTokensThenThatClientsOnly() {
    long counted = client();
    inserted(personal(counted, owner, "admin"));
    inserted(shared(counted, "admin"));

    assertThat(store.countByClient(counted)).isEqualTo(2);
  }

  @Test
  void replaceSecretWhenGraceGivenThenTheOldValueEndsThenAndAnEarlierGraceEndsNow() {
    ApiToken token = inserted(personal(client, owner, "admin"), "first");
    assertThat(store.findBySecretDigest("first")).contains(new SecretMatch(token, null));

    store.replaceSecret(token.id(), "second", 5_000L);
    assertThat(store.findBySecretDigest("first").orElseThrow().validUntil()).isEqualTo(5_000L);
    assertThat(store.findBySecretDigest("second").orElseThrow().validUntil()).isNull();

    store.replaceSecret(token.id(), "third", 9_000L);
    assertThat(store.findBySecretDigest("first")).isEmpty();
    assertThat(store.findBySecretDigest("second").orElseThrow().validUntil()).isEqualTo(9_000L);

    assertThat(store.deleteEndedGraceSecrets(8_999L)).isZero();
    assertThat(store.deleteEndedGraceSecrets(9_000L)).isEqualTo(1);
    assertThat(store.findBySecretDigest("second")).isEmpty();

    store.replaceSecret(token.id(), "fourth", null);
    assertThat(store.findBySecretDigest("third")).isEmpty();
    assertThat(store.findBySecretDigest("fourth")).contains(new SecretMatch(token, null));
  }

  @Test
  void lockExpiredEnabledWhenExpiryHasComeThenEnabledOnesOnly() {
    ApiToken past =
        inserted(personal(client, owner, "admin").draft().expireAt(T.minusSeconds(1)).build());
    ApiToken now = inserted(personal(client, owner, "admin").draft().expireAt(T).build());
    ApiToken future =
        inserted(personal(client, owner, "admin").draft().expireAt(T.plusSeconds(1)).build());
    ApiToken disabled =
        inserted(
            personal(client, owner, "admin")
                .draft()
                .expireAt(T.minusSeconds(1))
                .enabled(false)
                .disabledReason(DisabledReason.MANUAL)
                .disabledAt(T)
                .build());

    List<Long> due = ids(store.lockExpiredEnabled(T.toEpochMilli(), 1000));

    assertThat(due).contains(past.id(), now.id()).doesNotContain(future.id(), disabled.id());
    assertThat(store.lockExpiredEnabled(T.toEpochMilli(), 1)).hasSize(1);
  }

  @Test
  void lockDisabledBeforeWhenCutoffThenDisabledAtOrBeforeIt() {
    ApiToken old =
        inserted(
            personal(client, owner, "admin")
                .draft()
                .enabled(false)
                .disabledReason(DisabledReason.MANUAL)
                .disabledAt(T.minusSeconds(1))
                .build());
    ApiToken recent =
        inserted(
            personal(client, owner, "admin")
                .draft()
                .enabled(false)
                .disabledReason(DisabledReason.MANUAL)
                .disabledAt(T.plusSeconds(1))
                .build());

    List<Long> ended = ids(store.lockDisabledBefore(T.toEpochMilli(), 1000));

    assertThat(ended).contains(old.id()).doesNotContain(recent.id());
  }

  @Test
  void recordUsesWhenBatchedThenEachTokensLastUseWritten() {
    ApiToken first = inserted(personal(client, owner, "admin"));
    ApiToken second = inserted(personal(client, owner, "admin"));

    store.recordUses(
        List.of(
            new UsageRecorder.Use(first.id(), T.toEpochMilli(), "192.0.2.1"),
            new UsageRecorder.Use(second.id(), T.plusSeconds(1).toEpochMilli(), "2001:db8::1")));

    assertThat(reread(first).history().lastUsedAt()).isEqualTo(T);
    assertThat(reread(first).history().lastUsedIp()).isEqualTo("192.0.2.1");
    assertThat(reread(second).history().lastUsedIp()).isEqualTo("2001:db8::1");
  }

  @Test
  void insertSeededWhenManyThenEachFoundByItsDigest() {
    long seeded = client();
    List<ApiToken> tokens =
        List.of(personal(seeded, owner, "admin"), personal(seeded, owner, "analytic"));

    store.insertSeeded(tokens, List.of("seeded-1", "seeded-2"));

    assertThat(store.countByClient(seeded)).isEqualTo(2);
    assertThat(store.findBySecretDigest("seeded-2").orElseThrow().token().permissionsAsWritten())
        .containsExactly("analytic");
  }
}
