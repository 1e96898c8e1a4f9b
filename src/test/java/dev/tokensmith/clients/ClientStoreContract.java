package dev.tokensmith.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.TestDatabase;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link ClientStore} does: partners with their technical tenant, tenants read back as
 * written, a unique prefix, an update, a lock that waits for another transaction's, a partner's
 * clients in id order. Each implementation's test extends it; on the run's database (H2, or
 * PostgreSQL in that run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientStoreContract {
  private static final Instant T = Instant.parse("2030-06-01T12:00:00Z");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  TestDatabase database;
  Database db;
  ClientStore store;

  /** The store under test over {@code db}, a migrated database the contract fills itself. */
  abstract ClientStore store(Database db);

  @BeforeAll
  void open() {
    database = TestDatabase.create();
    db = database.migrated();
    store = store(db);
  }

  @AfterAll
  void close() {
    db.close();
    database.close();
  }

  private static String prefix() {
    return String.format("P%03d", SEQUENCE.incrementAndGet() % 1000);
  }

  /** A partner with its technical tenant; returns the partner. */
  private Partner partner() {
    long partner =
        store.insertPartner(UUID.randomUUID().toString(), "Partner " + SEQUENCE.incrementAndGet());
    long technical =
        store.insert(
            UUID.randomUUID().toString(), "Technical", prefix(), true, partner, T.toEpochMilli());
    store.setTechnicalClient(partner, technical);
    return store.findPartner(partner).orElseThrow();
  }

  private Client tenant(Partner partner) {
    return store
        .find(
            store.insert(
                UUID.randomUUID().toString(),
                "Tenant",
                prefix(),
                true,
                partner.id(),
                T.toEpochMilli()))
        .orElseThrow();
  }

  private static List<Long> ids(List<Client> clients) {
    return clients.stream().map(Client::id).toList();
  }

  @Test
  void insertPartnerWhenTechnicalTenantSetThenBothReadBackSo() {
    Partner partner = partner();

    Client technical = store.find(partner.technicalClientId()).orElseThrow();
    assertThat(technical.technical()).isTrue();
    assertThat(technical.partnerId()).isEqualTo(partner.id());
    assertThat(store.anyPartner()).isTrue();
  }

  @Test
  void insertWhenTenantGivenThenFindReadsItBackAsWritten() {
    Partner partner = partner();
    String uuid = UUID.randomUUID().toString();
    String prefix = prefix();

    long id = store.insert(uuid, "Acme", prefix, true, partner.id(), T.toEpochMilli());

    assertThat(store.find(id))
        .contains(
            new Client(
                id,
                uuid,
                "Acme",
                prefix,
                true,
                partner.id(),
                partner.uuid(),
                false,
                false,
                null,
                TokenPolicy.NONE,
                T));
  }

  @Test
  void insertWhenStandAloneThenNoPartnerAndNotTechnical() {
    long id =
        store.insert(
            UUID.randomUUID().toString(), "Alone", prefix(), false, null, T.toEpochMilli());

    Client alone = store.find(id).orElseThrow();
    assertThat(alone.partnerId()).isNull();
    assertThat(alone.partnerUuid()).isNull();
    assertThat(alone.technical()).isFalse();
    assertThat(alone.enabled()).isFalse();
  }

  @Test
  void prefixTakenWhenAClientHasItThenTrue() {
    Client taken = tenant(partner());

    assertThat(store.prefixTaken(taken.vulnPrefix())).isTrue();
    assertThat(store.prefixTaken("0000")).isFalse();
  }

  @Test
  void insertWhenPrefixTakenThenRefused() {
    Client taken = tenant(partner());

    assertThatThrownBy(
            () ->
                store.insert(
                    UUID.randomUUID().toString(),
                    "Copy",
                    taken.vulnPrefix(),
                    true,
                    taken.partnerId(),
                    T.toEpochMilli()))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void findWhenNoSuchClientThenEmpty() {
    assertThat(store.find(Long.MAX_VALUE)).isEmpty();
    assertThat(db.inTransaction(() -> store.lock(Long.MAX_VALUE))).isEmpty();
    assertThat(store.findPartner(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void updateWhenValuesGivenThenWrittenAndALimitCleared() {
    Client client = tenant(partner());
    store.update(client.with("Renamed", false, true, 5, new TokenPolicy(90, 30, true)));
    assertThat(store.find(client.id()))
        .contains(
            new Client(
                client.id(),
                client.uuid(),
                "Renamed",
                client.vulnPrefix(),
                false,
                client.partnerId(),
                client.partnerUuid(),
                false,
                true,
                5,
                new TokenPolicy(90, 30, true),
                T));

    store.update(client.with("Renamed", true, false, null, TokenPolicy.NONE));

    Client now = store.find(client.id()).orElseThrow();
    assertThat(now.maxTokens()).isNull();
    assertThat(now.enabled()).isTrue();
    assertThat(now.showOnce()).isFalse();
    assertThat(now.tokenPolicy()).isEqualTo(TokenPolicy.NONE);
  }

  @Test
  void lockWhenRowLockedElsewhereThenWaitsAndReadsItAsCommitted() throws Exception {
    Client client = tenant(partner());
    try (DbLocks locks = new DbLocks(database)) {
      locks.lockRow("clients", client.id());
      try (Statement change = locks.holder().createStatement()) {
        change.executeUpdate("UPDATE clients SET max_tokens = 7 WHERE id = " + client.id());
      }

      CompletableFuture<Optional<Client>> locking =
          CompletableFuture.supplyAsync(() -> db.inTransaction(() -> store.lock(client.id())));
      locks.awaitBlockedBy(locks.holderSession());
      locks.commit();

      assertThat(locking.get(10, TimeUnit.SECONDS).orElseThrow().maxTokens()).isEqualTo(7);
    }
  }

  @Test
  void listByPartnerWhenListedThenItsClientsInIdOrderTechnicalIncluded() {
    Partner partner = partner();
    Client first = tenant(partner);
    Client second = tenant(partner);
    tenant(partner());

    assertThat(ids(store.listByPartner(partner.id(), Set.of(), false, new Window(100, 0, null))))
        .containsExactly(partner.technicalClientId(), first.id(), second.id());
    assertThat(
            ids(
                store.listByPartner(
                    partner.id(), Set.of(second.id(), first.id()), false, Window.first(100))))
        .containsExactly(first.id(), second.id());
    assertThat(ids(store.listByPartner(partner.id(), Set.of(), false, new Window(1, 1, null))))
        .containsExactly(first.id());
  }
}
