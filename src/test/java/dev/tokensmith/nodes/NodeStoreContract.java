package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.nodes.Instance.RegisteredWith;
import dev.tokensmith.nodes.NodeStore.InstanceMatch;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.SeekPast;
import dev.tokensmith.storage.SqlErrors;
import dev.tokensmith.storage.Window;
import dev.tokensmith.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link NodeStore} does: nodes read back as written, one hostname per client, a node
 * found by its current token's digest only, lists filtered, ordered and paged with their instances'
 * counts and last sync, instances found by uuid with their node's state, syncs written, a node's
 * deletion taking its instances. Each implementation's test extends it; on the run's database (H2,
 * or PostgreSQL in that run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodeStoreContract {
  private static final Instant T = Instant.parse("2030-06-01T12:00:00Z");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  TestDatabase database;
  Database db;
  NodeStore store;

  /** The store under test over {@code db}, a migrated database the contract fills itself. */
  abstract NodeStore store(Database db);

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

  private long client() {
    int n = SEQUENCE.incrementAndGet();
    return db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO clients (uuid, name, vuln_prefix, enabled, create_at)"
                        + " VALUES (:uuid, :name, :prefix, TRUE, 0)")
                .bind("uuid", UUID.randomUUID().toString())
                .bind("name", "Client " + n)
                .bind("prefix", String.format("N%03d", n % 1000))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  private static Node draft(long client, String hostname, String type) {
    return new Node(
        0,
        UUID.randomUUID().toString(),
        client,
        hostname,
        type,
        T,
        "10.0.0.1",
        null,
        "tkn1...abcd",
        1,
        T);
  }

  private Node inserted(long client, String hostname, String type) {
    Node draft = draft(client, hostname, type);
    return draft.withId(store.insert(draft, digest()));
  }

  private static String digest() {
    return UUID.randomUUID().toString().replace("-", "")
        + UUID.randomUUID().toString().replace("-", "");
  }

  private long instance(Node node, String uuid) {
    return store.insertInstance(
        new Instance(
            0,
            uuid,
            node.id(),
            "host",
            digest(),
            RegisteredWith.NODE_TOKEN,
            null,
            1,
            T,
            null,
            null));
  }

  private List<String> hostnames(NodeQuery query) {
    return store.list(query, 0).stream().map(s -> s.node().hostname()).toList();
  }

  private static NodeQuery query(long client, NodeQuery.Order order, boolean descending) {
    return new NodeQuery(
        List.of(client), null, null, null, null, null, order, descending, null, Window.first(50));
  }

  @Test
  void insertWhenNodeGivenThenFindReadsItBackAsWritten() {
    long client = client();
    Node node = inserted(client, "edge", "cloud_node");

    assertThat(store.find(node.id())).contains(node);
    assertThat(store.findByHostname(client, "edge")).contains(node);
    assertThat(store.findByHostname(client, "other")).isEmpty();
    assertThat(store.find(node.id() + 1000)).isEmpty();
  }

  @Test
  void insertWhenHostnameTakenInTheClientThenUniqueViolationAndElsewhereFine() {
    long client = client();
    inserted(client, "twice", "cloud_node");

    assertThatThrownBy(() -> inserted(client, "twice", "fast_node"))
        .satisfies(e -> assertThat(SqlErrors.cause(e).getSQLState()).isEqualTo("23505"));
    assertThat(inserted(client(), "twice", "cloud_node").id()).isPositive();
  }

  @Test
  void updateTokenWhenRegeneratedThenOnlyTheNewDigestFindsTheNode() {
    Node draft = draft(client(), "regenerated", "cloud_node");
    String old = digest();
    Node node = draft.withId(store.insert(draft, old));
    String next = digest();
    Node after = node.withToken("sealed-value", "tkn1...wxyz", T.plusSeconds(60));

    db.inTransaction(() -> store.updateToken(after, next));

    assertThat(db.inTransaction(() -> store.lockByTokenDigest(old))).isEmpty();
    assertThat(db.inTransaction(() -> store.lockByTokenDigest(next))).contains(after);
    assertThat(after.tokenGeneration()).isEqualTo(2);
  }

  @Test
  void listWhenFilteredOrderedAndPagedThenAsAsked() {
    long client = client();
    inserted(client, "charlie", "cloud_node");
    Node alpha = inserted(client, "alpha", "fast_node");
    inserted(client, "bravo", "node");
    inserted(client(), "elsewhere", "cloud_node");

    assertThat(hostnames(query(client, NodeQuery.Order.ID, false)))
        .containsExactly("charlie", "alpha", "bravo");
    assertThat(hostnames(query(client, NodeQuery.Order.HOSTNAME, false)))
        .containsExactly("alpha", "bravo", "charlie");
    assertThat(hostnames(query(client, NodeQuery.Order.HOSTNAME, true)))
        .containsExactly("charlie", "bravo", "alpha");
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    "fast_node",
                    null,
                    null,
                    null,
                    null,
                    NodeQuery.Order.ID,
                    false,
                    null,
                    new Window(50, 0, null))))
        .containsExactly("alpha");
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    null,
                    "fast_node",
                    null,
                    null,
                    null,
                    NodeQuery.Order.HOSTNAME,
                    false,
                    null,
                    new Window(50, 0, null))))
        .containsExactly("bravo", "charlie");
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    null,
                    null,
                    alpha.uuid(),
                    null,
                    null,
                    NodeQuery.Order.ID,
                    false,
                    null,
                    new Window(50, 0, null))))
        .containsExactly("alpha");
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    null,
                    null,
                    null,
                    "bravo",
                    null,
                    NodeQuery.Order.ID,
                    false,
                    null,
                    new Window(50, 0, null))))
        .containsExactly("bravo");
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    null,
                    null,
                    null,
                    null,
                    null,
                    NodeQuery.Order.HOSTNAME,
                    false,
                    null,
                    new Window(1, 1, null))))
        .containsExactly("bravo");
    assertThat(
            store.list(
                new NodeQuery(
                    List.of(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    NodeQuery.Order.ID,
                    false,
                    null,
                    Window.first(50)),
                0))
        .isEmpty();
  }

  @Test
  void listWhenInstancesSyncedThenCountsLastActivityAndAddressOfTheLatest() {
    long client = client();
    Node node = inserted(client, "synced", "cloud_node");
    long early = instance(node, UUID.randomUUID().toString());
    long late = instance(node, UUID.randomUUID().toString());
    instance(node, UUID.randomUUID().toString());
    store.recordSyncs(
        List.of(
            new InstanceActivity.Sync(early, node.id(), T.toEpochMilli(), "10.0.0.1"),
            new InstanceActivity.Sync(
                late, node.id(), T.plusSeconds(90).toEpochMilli(), "10.0.0.2")));

    NodeState state = store.state(node.id(), T.plusSeconds(30).toEpochMilli()).orElseThrow();
    assertThat(state.instanceCount()).isEqualTo(3);
    assertThat(state.activeInstanceCount()).isEqualTo(1);
    assertThat(state.lastActivity()).isEqualTo(T.plusSeconds(90));
    assertThat(state.ip()).isEqualTo("10.0.0.2");
    assertThat(state.active()).isTrue();
    assertThat(
            hostnames(
                new NodeQuery(
                    List.of(client),
                    null,
                    null,
                    null,
                    null,
                    "10.0.0.1",
                    NodeQuery.Order.LAST_ACTIVITY,
                    false,
                    null,
                    new Window(50, 0, null))))
        .containsExactly("synced");
    NodeState idle = store.state(node.id(), T.plusSeconds(90).toEpochMilli()).orElseThrow();
    assertThat(idle.activeInstanceCount()).isZero();
    assertThat(idle.active()).isFalse();
  }

  @Test
  void recordSyncsWhenAnOlderSyncIsWrittenLaterThenTheNodeKeepsItsLatest() {
    Node node = inserted(client(), "kept", "cloud_node");
    long first = instance(node, UUID.randomUUID().toString());
    long second = instance(node, UUID.randomUUID().toString());
    long latest = T.plusSeconds(90).toEpochMilli();

    store.recordSyncs(List.of(new InstanceActivity.Sync(first, node.id(), latest, "10.0.0.1")));
    store.recordSyncs(
        List.of(new InstanceActivity.Sync(second, node.id(), T.toEpochMilli(), "10.0.0.2")));

    NodeState state = store.state(node.id(), 0).orElseThrow();
    assertThat(state.lastActivity()).isEqualTo(T.plusSeconds(90));
    assertThat(state.ip()).isEqualTo("10.0.0.1");
    assertThat(store.instances(node.id()))
        .extracting(Instance::lastActivity)
        .containsExactly(T.plusSeconds(90), T);
  }

  @Test
  void recordSyncsWhenTheNodeHoldsALaterSyncThenItsRowIsLockedBeforeTheInstancesAnyway()
      throws SQLException {
    Node node = inserted(client(), "locked", "cloud_node");
    long instance = instance(node, UUID.randomUUID().toString());
    store.recordSyncs(
        List.of(new InstanceActivity.Sync(instance, node.id(), T.toEpochMilli() + 1, null)));
    try (Connection other = DriverManager.getConnection(database.url(), database.user(), "");
        Statement s = other.createStatement()) {
      s.execute(database.postgresql() ? "SET lock_timeout = '200ms'" : "SET LOCK_TIMEOUT 200");
      db.inTransaction(
          () -> {
            // An older sync, as another server's flush may bring after this one's.
            store.recordSyncs(
                List.of(new InstanceActivity.Sync(instance, node.id(), T.toEpochMilli(), null)));
            // A deletion locks the node's row first: it must wait here, never reach the instances.
            assertThatThrownBy(
                    () ->
                        s.executeQuery(
                            "SELECT id FROM nodes WHERE id = " + node.id() + " FOR UPDATE"))
                .isInstanceOf(SQLException.class);
          });
    }
    assertThat(store.state(node.id(), 0).orElseThrow().lastActivity()).isEqualTo(T.plusMillis(1));
  }

  @Test
  void listWhenPastASeekCursorThenTheNodesAfterItInTheOrderThenById() {
    long client = client();
    Node a = inserted(client, "a", "node");
    Node b = inserted(client, "b", "node");
    Node never = inserted(client, "c", "cloud_node");
    long at = T.plusSeconds(10).toEpochMilli();
    store.recordSyncs(
        List.of(
            new InstanceActivity.Sync(instance(a, UUID.randomUUID().toString()), a.id(), at, null),
            new InstanceActivity.Sync(
                instance(b, UUID.randomUUID().toString()), b.id(), at, null)));

    assertThat(hostnames(past(client, NodeQuery.Order.LAST_ACTIVITY, false, at, a.id())))
        .containsExactly("b");
    assertThat(hostnames(past(client, NodeQuery.Order.LAST_ACTIVITY, false, 0L, never.id())))
        .containsExactly("a", "b");
    assertThat(hostnames(past(client, NodeQuery.Order.LAST_ACTIVITY, true, at, b.id())))
        .containsExactly("a", "c");
    assertThat(hostnames(past(client, NodeQuery.Order.HOSTNAME, false, "a", a.id())))
        .containsExactly("b", "c");
    assertThat(hostnames(past(client, NodeQuery.Order.TYPE, true, "node", b.id())))
        .containsExactly("a", "c");
    assertThat(
            hostnames(past(client, NodeQuery.Order.CREATE_TIME, false, T.toEpochMilli(), a.id())))
        .containsExactly("b", "c");
  }

  private static NodeQuery past(
      long client, NodeQuery.Order order, boolean descending, Object value, long id) {
    return new NodeQuery(
        List.of(client),
        null,
        null,
        null,
        null,
        null,
        order,
        descending,
        new SeekPast(value, id),
        Window.first(50));
  }

  @Test
  void findInstanceWhenRegisteredThenWithItsNodesClientAndCurrentGeneration() {
    long client = client();
    Node node = inserted(client, "instances", "cloud_node");
    String uuid = UUID.randomUUID().toString();
    long id = instance(node, uuid);
    instance(node, UUID.randomUUID().toString());

    InstanceMatch match = store.findInstance(uuid).orElseThrow();
    assertThat(match.instance().id()).isEqualTo(id);
    assertThat(match.instance().registeredWith()).isEqualTo(RegisteredWith.NODE_TOKEN);
    assertThat(match.instance().nodeTokenGeneration()).isEqualTo(1);
    assertThat(match.instance().tokenId()).isNull();
    assertThat(match.clientId()).isEqualTo(client);
    assertThat(match.nodeTokenGeneration()).isEqualTo(1);
    assertThat(store.instances(node.id())).extracting(Instance::id).startsWith(id).hasSize(2);
    assertThat(store.findInstance(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void deleteWhenNodeDeletedThenItsInstancesGoWithIt() {
    Node node = inserted(client(), "deleted", "cloud_node");
    String uuid = UUID.randomUUID().toString();
    instance(node, uuid);

    store.delete(node.id());

    assertThat(store.find(node.id())).isEmpty();
    assertThat(store.findInstance(uuid)).isEmpty();
    assertThat(store.instances(node.id())).isEmpty();
  }
}
