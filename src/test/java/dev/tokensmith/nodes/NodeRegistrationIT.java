package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.nodes.InstanceVerifier.CacheStats;
import dev.tokensmith.nodes.NodeCalls.Created;
import dev.tokensmith.nodes.NodeCalls.Pair;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node instances: registering with a node token or an API token that may create nodes, syncing with
 * the instance's own pair (and nowhere else), and the pair's end when what it registered with ends.
 * A token made for node deployment works at registration only.
 */
@UsesDatabase
@WithServer
class NodeRegistrationIT {
  static TestServer server;
  static Fixtures fixtures;
  static NodeCalls calls;
  static long tenant;
  static TestUser admin;

  @BeforeAll
  static void seed() {
    calls = new NodeCalls(server.http);
    tenant = fixtures.tenant("Registration");
    admin = fixtures.user(tenant, "admin");
  }

  private static Issued adminToken() {
    return fixtures.token(admin.session(), List.of("admin"));
  }

  private static Issued deploymentToken() {
    return fixtures.token(
        admin.session(),
        Map.of(
            "realname",
            "deploy " + UUID.randomUUID(),
            "permissions",
            List.of("deploy"),
            "usage",
            "node_deployment",
            "shared",
            true));
  }

  @Test
  void registerWhenNodeTokenThenPairThatSyncsWithTheNodesConfigVersion() {
    Created node = calls.node(admin.session(), tenant);
    Response r = calls.register(Auth.token(node.token()), "host-a", null);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().path("uuid").asText()).hasSize(36);
    assertThat(r.body().path("secret").asText()).matches("tkn1[A-Za-z0-9]{60}");
    assertThat(r.body().path("node_id").asLong()).isEqualTo(node.id());
    Pair pair =
        new Pair(r.body().path("uuid").asText(), r.body().path("secret").asText(), node.id());
    Response synced = calls.sync(pair);
    assertThat(synced.status()).as("%s", synced).isEqualTo(200);
    assertThat(synced.body().path("node_id").asLong()).isEqualTo(node.id());
    assertThat(synced.body().path("config_version").asInt()).isEqualTo(1);
    assertThat(calls.instances(admin.session(), node.id()).body().get(0).path("hostname").asText())
        .isEqualTo("host-a");
  }

  @Test
  void registerWhenApiTokenThenGroupNamesTheNodeCreatedWhenMissing() {
    Issued token = adminToken();
    String group = NodeCalls.hostname("group");
    Pair first = calls.registered(token.auth(), group);
    Pair second = calls.registered(token.auth(), group);
    assertThat(second.nodeId()).isEqualTo(first.nodeId());
    JsonNode instances = calls.instances(admin.session(), first.nodeId()).body();
    assertThat(instances.size()).isEqualTo(2);
    assertThat(instances.get(0).path("registered_with").path("type").asText())
        .isEqualTo("api_token");
    assertThat(instances.get(0).path("registered_with").path("token_id").asLong())
        .isEqualTo(token.id());
    Response listed = calls.list(admin.session(), "?limit=1000&order_by=hostname");
    long named = 0;
    for (JsonNode node : listed.body()) {
      if (node.path("hostname").asText().equals(group)) {
        named = node.path("id").asLong();
      }
    }
    assertThat(named).isEqualTo(first.nodeId());
    assertThat(calls.sync(first).status()).isEqualTo(200);

    Created existing = calls.node(admin.session(), tenant);
    assertThat(calls.registered(token.auth(), existing.hostname()).nodeId())
        .isEqualTo(existing.id());
  }

  @Test
  void registerWhenApiTokenWithoutGroupThenFieldError() {
    Response r = calls.register(adminToken().auth(), "host", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("group").path("error").asText()).isEqualTo("required");
  }

  @Test
  void registerWhenApiTokenWithoutNodesCreateThenRefused() {
    Issued viewer = fixtures.token(admin.session(), List.of("analytic"));
    assertThat(calls.register(viewer.auth(), "host", "group").status()).isEqualTo(401);
    TestUser analyst = fixtures.user(tenant, "analytic");
    // Made for node deployment by someone who may not create nodes: refused as its owner would be.
    Issued capped =
        fixtures.token(
            analyst.session(),
            Map.of(
                "realname",
                "analyst deploy",
                "permissions",
                List.of("analytic"),
                "usage",
                "node_deployment"));
    assertThat(calls.register(capped.auth(), "host", "group").status()).isEqualTo(403);
  }

  @Test
  void registerWhenNoTokenSessionOrUnknownTokenThenUnauthorized() {
    assertThat(calls.register(Auth.NONE, "host", "group").status()).isEqualTo(401);
    assertThat(calls.register(admin.session(), "host", "group").status()).isEqualTo(401);
    assertThat(calls.register(Auth.token(TestSecrets.unknown("tkn1")), "h", "g").status())
        .isEqualTo(401);
    assertThat(calls.register(Auth.token("x".repeat(64)), "h", "g").status()).isEqualTo(401);
  }

  @Test
  void deploymentTokenWhenUsedThenAcceptedAtRegistrationAndNowhereElse() {
    Issued deploy = deploymentToken();
    Pair pair = calls.registered(deploy.auth(), NodeCalls.hostname("deployed"));
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    Auth auth = deploy.auth();
    assertThat(server.http.get("/v1/user", auth).status()).isEqualTo(401);
    assertThat(server.http.get("/v2/api_tokens", auth).status()).isEqualTo(401);
    assertThat(server.http.get("/v2/node", auth).status()).isEqualTo(401);
    assertThat(calls.create(auth, tenant, NodeCalls.hostname("n"), null).status()).isEqualTo(401);
    assertThat(server.http.post("/v2/auth/check", auth, Map.of()).status()).isEqualTo(401);
    assertThat(
            server
                .http
                .send(
                    "GET",
                    "/v2/auth/forward",
                    auth,
                    null,
                    Map.of("X-Original-Method", "GET", "X-Original-URI", "/v2/node"))
                .status())
        .isEqualTo(401);
    assertThat(calls.sync(auth, Map.of()).status()).isEqualTo(401);
  }

  @Test
  void instancePairWhenUsedAnywhereButSyncThenUnauthorized() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    Auth auth = pair.auth();
    assertThat(server.http.get("/v1/user", auth).status()).isEqualTo(401);
    assertThat(server.http.post("/v2/auth/check", auth, Map.of()).status()).isEqualTo(401);
    assertThat(server.http.get("/v2/node", auth).status()).isEqualTo(401);
    assertThat(calls.instances(auth, node.id()).status()).isEqualTo(401);
    assertThat(calls.register(auth, "again", null).status()).isEqualTo(401);
    assertThat(server.http.get("/v2/activity_log", auth).status()).isEqualTo(401);
    // The secret alone, as a token, is no token either.
    assertThat(server.http.get("/v1/user", Auth.token(pair.secret())).status()).isEqualTo(401);
    assertThat(calls.sync(Auth.token(node.token()), Map.of()).status()).isEqualTo(401);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
  }

  @Test
  void syncWhenPairWrongOrIncompleteThenUnauthorized() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    Pair other = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(new Pair(pair.uuid(), other.secret(), 0)).status()).isEqualTo(401);
    assertThat(calls.sync(new Pair(UUID.randomUUID().toString(), pair.secret(), 0)).status())
        .isEqualTo(401);
    assertThat(calls.sync(new Pair(pair.uuid(), "x".repeat(64), 0)).status()).isEqualTo(401);
    assertThat(calls.sync(new Pair(pair.uuid().toUpperCase(), pair.secret(), 0)).status())
        .isEqualTo(401);
    Auth uuidOnly = Auth.header("X-WallarmAPI-UUID", pair.uuid());
    assertThat(calls.sync(uuidOnly, Map.of()).status()).isEqualTo(401);
    assertThat(calls.sync(Auth.NONE, Map.of()).status()).isEqualTo(401);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
  }

  @Test
  void syncWhenHeaderTwiceOrAddressBadThenFieldError() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    Response twice =
        server.http.send(
            "POST",
            "/v2/node/sync",
            (Auth.Custom)
                (request, changing) ->
                    request
                        .header("X-WallarmAPI-UUID", pair.uuid())
                        .header("X-WallarmAPI-UUID", pair.uuid())
                        .header("X-WallarmAPI-Secret", pair.secret()),
            Map.of(),
            Map.of());
    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.body().path("X-WallarmAPI-UUID").path("error").asText()).isEqualTo("invalid");
    Response badIp = calls.sync(pair.auth(), Map.of("ip", "not an address"));
    assertThat(badIp.status()).isEqualTo(400);
    assertThat(badIp.body().path("ip").path("error").asText()).isEqualTo("invalid");
  }

  @Test
  void syncWhenRegisteredWithApiTokenThenStopsWhenTheTokenIsDisabledExpiredOrDeleted() {
    Issued disabled = adminToken();
    Pair one = calls.registered(disabled.auth(), NodeCalls.hostname("cascade"));
    assertThat(calls.sync(one).status()).isEqualTo(200);
    server.http.put("/v2/api_tokens/" + disabled.id(), admin.session(), Map.of("enabled", false));
    assertThat(calls.sync(one).status()).isEqualTo(401);

    Issued deleted = adminToken();
    Pair two = calls.registered(deleted.auth(), NodeCalls.hostname("cascade"));
    assertThat(calls.sync(two).status()).isEqualTo(200);
    server.http.delete("/v2/api_tokens/" + deleted.id(), admin.session());
    assertThat(calls.sync(two).status()).isEqualTo(401);
    JsonNode instance = calls.instances(admin.session(), two.nodeId()).body().get(0);
    assertThat(instance.path("registered_with").path("type").asText()).isEqualTo("api_token");
    assertThat(instance.path("registered_with").has("token_id")).isFalse();

    Issued expiring =
        fixtures.expiringToken(
            admin.session(),
            List.of("admin"),
            IsoTime.format(server.clock.instant().plus(Duration.ofMinutes(1))));
    Pair three = calls.registered(expiring.auth(), NodeCalls.hostname("cascade"));
    assertThat(calls.sync(three).status()).isEqualTo(200);
    assertThat(calls.sync(three).status()).isEqualTo(200);
    server.clock.advance(Duration.ofMinutes(1));
    assertThat(calls.sync(three).status()).isEqualTo(401);
  }

  @Test
  void registerWhenTheApiTokenEndsWhileTheRequestWaitsThenUnauthorized() throws Exception {
    for (String end :
        List.of(
            "UPDATE api_tokens SET enabled = FALSE, disabled_reason = 'manual' WHERE id = ?",
            "DELETE FROM api_tokens WHERE id = ?")) {
      Issued token = adminToken();
      String group = NodeCalls.hostname("raced");
      assertThat(calls.registered(token.auth(), group)).isNotNull();
      try (DbLocks locks = new DbLocks(server)) {
        // The registration waits for the client's row behind a transaction that ends the token.
        locks.lockRow("clients", tenant);
        try (PreparedStatement statement = locks.holder().prepareStatement(end)) {
          statement.setLong(1, token.id());
          statement.executeUpdate();
        }
        CompletableFuture<Response> register =
            CompletableFuture.supplyAsync(() -> calls.register(token.auth(), "late", group));
        locks.awaitBlockedBy(locks.holderSession());
        locks.commit();
        Response late = register.get();
        assertThat(late.status()).as("%s: %s", end, late).isEqualTo(401);
      }
    }
  }

  @Test
  void syncWhenRegisteredWithNodeTokenThenStopsWhenTheTokenIsRegenerated() {
    Created node = calls.node(admin.session(), tenant);
    Pair byNodeToken = calls.registered(Auth.token(node.token()), null);
    Pair byApiToken = calls.registered(adminToken().auth(), node.hostname());
    assertThat(calls.sync(byNodeToken).status()).isEqualTo(200);
    assertThat(calls.sync(byApiToken).body().path("config_version").asInt()).isEqualTo(1);
    String next =
        server
            .http
            .post("/v2/node/" + node.id() + "/token", admin.session(), Map.of())
            .body()
            .path("token")
            .asText();
    assertThat(calls.sync(byNodeToken).status()).isEqualTo(401);
    // An instance registered with an API token keeps syncing, and learns the node changed.
    Response stillSyncing = calls.sync(byApiToken);
    assertThat(stillSyncing.status()).isEqualTo(200);
    assertThat(stillSyncing.body().path("config_version").asInt()).isEqualTo(2);
    Pair renewed = calls.registered(Auth.token(next), null);
    assertThat(calls.sync(renewed).body().path("config_version").asInt()).isEqualTo(2);
  }

  @Test
  void syncWhenClientDeactivatedThenRefusedAndBackWhenReactivated() {
    long client = fixtures.tenant("Deactivated nodes");
    TestUser owner = fixtures.user(client, "admin");
    Created node = calls.node(owner.session(), client);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    setEnabled(client, false);
    assertThat(calls.sync(pair).status()).isEqualTo(401);
    assertThat(calls.register(Auth.token(node.token()), "h", null).status()).isEqualTo(401);
    setEnabled(client, true);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
  }

  private static void setEnabled(long client, boolean enabled) {
    Response r =
        server.http.post(
            "/v1/objects/client/update",
            server.admin(),
            Map.of("filter", Map.of("id", client), "fields", Map.of("enabled", enabled)));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @Test
  void syncWhenSeenBeforeThenAnsweredFromMemory() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    cached(pair);
    CacheStats before = stats();
    for (int i = 0; i < 5; i++) {
      assertThat(calls.sync(pair).status()).isEqualTo(200);
    }
    CacheStats after = stats();
    assertThat(after.loads()).isEqualTo(before.loads());
    assertThat(after.hits() - before.hits()).isEqualTo(5);
    assertThat(server.http.get("/metrics", Auth.NONE).text())
        .contains("tokensmith_node_instance_cache_total{result=\"hit\"}")
        .contains("tokensmith_node_instance_cache_size");
  }

  @Test
  void syncWhenFirstSeenThenOneDatabaseReadIsCounted() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    CacheStats before = stats();
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    // The event loop's attempt gives up before reading; the worker's read is the one counted.
    assertThat(stats().loads() - before.loads()).isEqualTo(1);
  }

  @Test
  void syncWhenUnknownUuidRepeatedThenDatabaseAskedOnce() {
    Pair unknown = new Pair(UUID.randomUUID().toString(), TestSecrets.unknown("tkn1"), 0);
    assertThat(calls.sync(unknown).status()).isEqualTo(401);
    CacheStats before = stats();
    for (int i = 0; i < 5; i++) {
      assertThat(calls.sync(unknown).status()).isEqualTo(401);
    }
    assertThat(stats().loads()).isEqualTo(before.loads());
    assertThat(stats().unknownHits() - before.unknownHits()).isEqualTo(5);
  }

  @Test
  void lastActivityWhenSyncingThenWrittenAtMostOnceAMinuteUnlessTheAddressChanges() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(pair.auth(), Map.of("ip", "10.0.0.1")).status()).isEqualTo(200);
    server.app.flushUsage();
    long first = lastActivity(node);
    assertThat(first).isEqualTo(server.clock.instant().getEpochSecond());

    server.clock.advance(Duration.ofSeconds(30));
    assertThat(calls.sync(pair.auth(), Map.of("ip", "10.0.0.1")).status()).isEqualTo(200);
    server.app.flushUsage();
    assertThat(lastActivity(node)).isEqualTo(first);

    assertThat(calls.sync(pair.auth(), Map.of("ip", "10.0.0.2")).status()).isEqualTo(200);
    server.app.flushUsage();
    assertThat(lastActivity(node)).isEqualTo(first + 30);
    assertThat(calls.instances(admin.session(), node.id()).body().get(0).path("ip").asText())
        .isEqualTo("10.0.0.2");

    server.clock.advance(Duration.ofSeconds(61));
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    server.app.flushUsage();
    assertThat(lastActivity(node)).isEqualTo(first + 91);
    // Without an address of its own, the instance is where its requests come from.
    assertThat(calls.instances(admin.session(), node.id()).body().get(0).path("ip").asText())
        .isEqualTo("127.0.0.1");
  }

  private static long lastActivity(Created node) {
    return calls.instances(admin.session(), node.id()).body().get(0).path("last_activity").asLong();
  }

  private static CacheStats stats() {
    return server.app.instances().cacheStats();
  }

  // A load that overlaps a change notification is not kept, by design: sync until one is answered
  // from memory.
  private static void cached(Pair pair) {
    for (int i = 0; i < 50; i++) {
      long loads = stats().loads();
      assertThat(calls.sync(pair).status()).isEqualTo(200);
      if (stats().loads() == loads) {
        return;
      }
    }
    throw new AssertionError("the instance never stayed cached");
  }
}
