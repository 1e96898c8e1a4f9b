package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.clients.JdbcClientStore;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.TestDatabase;
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
 * What every {@link UserStore} does: a user reads back as written, an e-mail is one whatever its
 * case, an update writes only what changed, a lock waits for another transaction's, a list's
 * filters and order, a password re-hash that never undoes a change. Each implementation's test
 * extends it; on the run's database (H2, or PostgreSQL in that run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UserStoreContract {
  private static final Instant T = Instant.parse("2030-06-01T12:00:00Z");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  TestDatabase database;
  Database db;
  UserStore store;
  private JdbcClientStore clients;
  long client;

  /** The store under test over {@code db}, a migrated database the contract fills itself. */
  abstract UserStore store(Database db);

  @BeforeAll
  void open() {
    database = TestDatabase.create();
    db = database.migrated();
    store = store(db);
    clients = new JdbcClientStore(db);
    client = client();
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
        String.format("U%03d", n % 1000),
        true,
        null,
        T.toEpochMilli());
  }

  private static String email() {
    return "user" + SEQUENCE.incrementAndGet() + "@example.com";
  }

  private User inserted(User user) {
    long id = store.insert(user);
    return store.find(id).orElseThrow();
  }

  private static List<Long> ids(List<User> users) {
    return users.stream().map(User::id).toList();
  }

  @Test
  void insertWhenUserGivenThenFindReadsItBackAsWritten() {
    User user = Records.user(client, email(), "users:view", "api_tokens:view");

    long id = store.insert(user);

    User read = store.find(id).orElseThrow();
    assertThat(read).usingRecursiveComparison().ignoringFields("id").isEqualTo(user);
    assertThat(read.id()).isEqualTo(id);
  }

  @Test
  void findWhenNoSuchUserThenEmpty() {
    assertThat(store.find(Long.MAX_VALUE)).isEmpty();
    assertThat(db.inTransaction(() -> store.lock(Long.MAX_VALUE))).isEmpty();
    assertThat(store.findByEmail("nobody@example.com")).isEmpty();
  }

  @Test
  void findByEmailWhenAnyCaseThenTheOneUser() {
    User user =
        inserted(
            Records.user(
                client, "Mixed.Case" + SEQUENCE.incrementAndGet() + "@Example.com", "admin"));

    assertThat(store.findByEmail(user.email().toUpperCase())).map(User::id).contains(user.id());
    assertThat(store.findByEmail(user.email().toLowerCase())).map(User::id).contains(user.id());
  }

  @Test
  void findByUuidWhenKnownThenTheOneUserElseEmpty() {
    User user = inserted(Records.user(client, email(), "admin"));

    assertThat(store.findByUuid(user.uuid())).map(User::id).contains(user.id());
    assertThat(store.findByUuid(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void insertWhenEmailTakenInAnotherCaseThenRefused() {
    User user = inserted(Records.user(client, email(), "admin"));

    assertThatThrownBy(
            () -> store.insert(Records.user(client, user.email().toUpperCase(), "analytic")))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void updateWhenSomeFieldsChangedThenOnlyTheirColumnsAreWritten() {
    User seen = inserted(Records.user(client, email(), "admin"));
    // Another change meanwhile, which this one did not see: a rename.
    store.update(seen, Records.changed(seen, seen.email(), "Renamed meanwhile", true, "admin"));

    store.update(seen, Records.changed(seen, seen.email(), seen.realname(), false, "analytic"));

    User now = store.find(seen.id()).orElseThrow();
    assertThat(now.realname()).isEqualTo("Renamed meanwhile");
    assertThat(now.enabled()).isFalse();
    assertThat(now.permissionsAsWritten()).containsExactly("analytic");
  }

  @Test
  void updateWhenEmailChangedThenFoundByTheNewOneOnly() {
    User seen = inserted(Records.user(client, email(), "admin"));
    String renamed = email();

    store.update(seen, Records.changed(seen, renamed, seen.realname(), true, "admin"));

    assertThat(store.findByEmail(renamed.toUpperCase())).map(User::id).contains(seen.id());
    assertThat(store.findByEmail(seen.email())).isEmpty();
  }

  @Test
  void lockWhenRowLockedElsewhereThenWaitsAndReadsItAsCommitted() throws Exception {
    User user = inserted(Records.user(client, email(), "admin"));
    try (DbLocks locks = new DbLocks(database)) {
      locks.lockRow("users", user.id());
      try (Statement change = locks.holder().createStatement()) {
        change.executeUpdate("UPDATE users SET enabled = FALSE WHERE id = " + user.id());
      }

      CompletableFuture<Optional<User>> locking =
          CompletableFuture.supplyAsync(() -> db.inTransaction(() -> store.lock(user.id())));
      locks.awaitBlockedBy(locks.holderSession());
      locks.commit();

      assertThat(locking.get(10, TimeUnit.SECONDS).orElseThrow().enabled()).isFalse();
    }
  }

  @Test
  void listWhenFilteredThenOnlyMatchingUsersOfTheClientsInIdOrder() {
    long listed = client();
    User first = inserted(Records.user(listed, email(), "admin"));
    User second = inserted(Records.user(listed, email(), "analytic"));
    store.update(
        second, Records.changed(second, second.email(), second.realname(), false, "analytic"));
    User third = inserted(Records.user(listed, email(), "auditor"));
    inserted(Records.user(client, email(), "admin"));
    long alsoListed = client();
    User other = inserted(Records.user(alsoListed, email(), "admin"));

    assertThat(ids(store.list(List.of(listed), null, new Window(100, 0, null))))
        .containsExactly(first.id(), second.id(), third.id());
    assertThat(ids(store.list(List.of(listed), false, new Window(100, 0, null))))
        .containsExactly(second.id());
    assertThat(ids(store.list(List.of(listed), true, new Window(100, 0, null))))
        .containsExactly(first.id(), third.id());
    assertThat(ids(store.list(List.of(listed), null, new Window(1, 1, null))))
        .containsExactly(second.id());
    assertThat(ids(store.list(List.of(listed, alsoListed), true, new Window(100, 0, null))))
        .containsExactly(first.id(), third.id(), other.id());
  }

  @Test
  void recordLoginWhenLoggedInThenLastLoginWritten() {
    User user = inserted(Records.user(client, email(), "admin"));

    store.recordLogin(user.id(), T.toEpochMilli());

    assertThat(store.find(user.id()).orElseThrow().lastLoginAt()).isEqualTo(T);
  }

  @Test
  void replacePasswordHashWhenStillTheExpectedOneThenReplacedOtherwiseKept() {
    User seen = inserted(Records.user(client, email(), "admin"));
    store.update(seen, Records.withPasswordHash(seen, "old-hash"));

    store.replacePasswordHash(seen.id(), "not-the-stored-one", "rehash-1");
    assertThat(store.find(seen.id()).orElseThrow().passwordHash()).isEqualTo("old-hash");

    store.replacePasswordHash(seen.id(), "old-hash", "rehash-2");
    assertThat(store.find(seen.id()).orElseThrow().passwordHash()).isEqualTo("rehash-2");
  }

  @Test
  void deleteWhenDeletedThenGone() {
    User user = inserted(Records.user(client, email(), "admin"));

    store.delete(user.id());

    assertThat(store.find(user.id())).isEmpty();
    assertThat(store.findByEmail(user.email())).isEmpty();
  }

  @Test
  void countEnabledWithRoleWhenCountedThenEnabledUsersOfThatRoleInThatClientOnly() {
    long counted = client();
    inserted(Records.user(counted, email(), "admin"));
    User disabled = inserted(Records.user(counted, email(), "admin"));
    store.update(
        disabled, Records.changed(disabled, disabled.email(), disabled.realname(), false, "admin"));
    inserted(Records.user(counted, email(), "analytic"));
    inserted(Records.user(client, email(), "admin"));

    assertThat(store.countEnabledWithRole(counted, "admin")).isEqualTo(1);
    assertThat(store.countEnabledWithRole(counted, "analytic")).isEqualTo(1);
  }
}
