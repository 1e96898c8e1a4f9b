package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.nodes.NodeCalls.Created;
import dev.tokensmith.nodes.NodeCalls.Pair;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes as users manage them: create, list and find, delete, regenerate the node token, read the
 * instances; the node token is shown to administrators only, and every change leaves an activity
 * record without a secret in it.
 */
@UsesDatabase
@WithServer
class NodeApiIT {
  static TestServer server;
  static Fixtures fixtures;
  static NodeCalls calls;
  static long tenant;
  static TestUser admin;
  static TestUser analyst;

  @BeforeAll
  static void seed() {
    calls = new NodeCalls(server.http);
    tenant = fixtures.tenant("Nodes");
    admin = fixtures.user(tenant, "admin");
    analyst = fixtures.user(tenant, "analytic");
  }

  @Test
  void createWhenAdminThenNodeInWallarmShapeWithItsToken() {
    String hostname = NodeCalls.hostname("edge");
    Response r = calls.create(admin.session(), tenant, hostname, null);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    JsonNode node = r.body();
    assertThat(node.path("id").isIntegralNumber()).isTrue();
    assertThat(node.path("uuid").asText()).hasSize(36);
    assertThat(node.path("hostname").asText()).isEqualTo(hostname);
    assertThat(node.path("type").asText()).isEqualTo("cloud_node");
    assertThat(node.path("clientid").asLong()).isEqualTo(tenant);
    assertThat(node.path("enabled").asBoolean()).isTrue();
    assertThat(node.path("create_time").asLong())
        .isEqualTo(server.clock.instant().getEpochSecond());
    assertThat(node.path("create_from").asText()).isEqualTo("127.0.0.1");
    assertThat(node.path("token").asText()).matches("tkn1[A-Za-z0-9]{60}");
    assertThat(node.path("instance_count").asInt()).isZero();
    assertThat(node.path("active_instance_count").asInt()).isZero();
    assertThat(node.path("last_activity").isNull()).isTrue();
    assertThat(node.path("active").asBoolean()).isFalse();
  }

  @Test
  void listWhenPagedByCursorThenEveryNodeOnceInEveryOrder() {
    long own = fixtures.tenant("Node pages");
    TestUser owner = fixtures.user(own, "admin");
    List<Long> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(calls.node(owner.session(), own).id());
    }
    for (String order :
        List.of(
            "",
            "&order_by=hostname",
            "&order_by=id&order_desc=true",
            "&order_by=type",
            "&order_by=create_time&order_desc=true",
            "&order_by=last_activity")) {
      List<Long> seen = walk(owner, "/v2/node?filter[clientid][]=" + own + "&limit=2" + order);
      assertThat(seen).as(order).containsExactlyInAnyOrderElementsOf(made).doesNotHaveDuplicates();
      if (order.contains("order_desc")) {
        assertThat(seen).isSortedAccordingTo(Comparator.reverseOrder());
      }
    }
    String keyset =
        server
            .http
            .get("/v2/node?filter[clientid][]=" + own + "&limit=2", owner.session())
            .json()
            .path("next_cursor")
            .asText();
    Response mixed =
        server.http.get(
            "/v2/node?filter[clientid][]=" + own + "&order_by=hostname&cursor=" + keyset,
            owner.session());
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(mixed.body().path("cursor").path("error").asText()).isEqualTo("invalid");
  }

  @Test
  void listWhenOrderedByLastActivityThenLatestFirstNeverSyncedLastAndASyncMovesANode() {
    long own = fixtures.tenant("Node activity");
    TestUser owner = fixtures.user(own, "admin");
    List<Long> nodes = new ArrayList<>();
    List<Pair> instances = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Created node = calls.node(owner.session(), own);
      nodes.add(node.id());
      instances.add(calls.registered(Auth.token(node.token()), null));
    }
    // Nodes 0 and 1 sync at the same time, then node 3; nodes 2 and 4 never sync.
    for (int i : new int[] {0, 1}) {
      assertThat(calls.sync(instances.get(i)).status()).isEqualTo(200);
    }
    server.clock.advance(Duration.ofMinutes(3));
    assertThat(calls.sync(instances.get(3)).status()).isEqualTo(200);
    server.app.flushUsage();

    String path = "/v2/node?filter[clientid][]=" + own + "&order_by=last_activity&limit=2";
    assertThat(walk(owner, path + "&order_desc=true"))
        .containsExactly(nodes.get(3), nodes.get(1), nodes.get(0), nodes.get(4), nodes.get(2));
    assertThat(walk(owner, path))
        .containsExactly(nodes.get(2), nodes.get(4), nodes.get(0), nodes.get(1), nodes.get(3));

    // A node whose instance syncs again goes to the top, and a cursor made before still leads on.
    String cursor =
        server
            .http
            .get(path + "&order_desc=true", owner.session())
            .json()
            .path("next_cursor")
            .asText();
    server.clock.advance(Duration.ofMinutes(3));
    assertThat(calls.sync(instances.get(0)).status()).isEqualTo(200);
    server.app.flushUsage();
    assertThat(walk(owner, path + "&order_desc=true"))
        .containsExactly(nodes.get(0), nodes.get(3), nodes.get(1), nodes.get(4), nodes.get(2));
    Response after = server.http.get(path + "&order_desc=true&cursor=" + cursor, owner.session());
    assertThat(after.body())
        .extracting(n -> n.path("id").asLong())
        .containsExactly(nodes.get(4), nodes.get(2));

    // A cursor of another order, or of the other direction, is refused.
    for (String other :
        List.of("&order_by=hostname&order_desc=true", "", "&order_by=last_activity")) {
      Response refused =
          server.http.get(
              "/v2/node?filter[clientid][]=" + own + other + "&cursor=" + cursor, owner.session());
      assertThat(refused.status()).as(other).isEqualTo(400);
      assertThat(refused.body().path("cursor").path("error").asText()).isEqualTo("invalid");
    }
  }

  // Every node id of a list, page after page by next_cursor.
  private static List<Long> walk(TestUser user, String path) {
    List<Long> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page =
          server.http.get(path + (cursor == null ? "" : "&cursor=" + cursor), user.session());
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.body().forEach(n -> seen.add(n.path("id").asLong()));
      cursor =
          page.json().path("next_cursor").isNull()
              ? null
              : page.json().path("next_cursor").asText();
    } while (cursor != null && seen.size() < 50);
    return seen;
  }

  @Test
  void createWhenHostnameTakenThenAlreadyExistsAsTheGoClientExpects() {
    Created first = calls.node(admin.session(), tenant);
    Response again = calls.create(admin.session(), tenant, first.hostname(), null);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.text()).isEqualTo("{\"status\":400,\"body\":\"Already exists\"}");
  }

  @Test
  void createWhenDeployUserThenNodeWithoutTokenAndAnalystForbidden() {
    TestUser deploy = fixtures.user(tenant, "deploy");
    Response byDeploy = calls.create(deploy.session(), tenant, NodeCalls.hostname("deploy"), null);
    assertThat(byDeploy.status()).as("%s", byDeploy).isEqualTo(200);
    assertThat(byDeploy.body().has("token")).isFalse();
    Response byAnalyst =
        calls.create(analyst.session(), tenant, NodeCalls.hostname("analyst"), null);
    assertThat(byAnalyst.status()).isEqualTo(403);
  }

  @Test
  void createWhenTypeOrHostnameBadThenFieldError() {
    Response type = calls.create(admin.session(), tenant, NodeCalls.hostname("x"), "Cloud Node");
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.body().path("type").path("error").asText()).isEqualTo("invalid");
    Response hostname = server.http.post("/v2/node", admin.session(), Map.of("type", "node"));
    assertThat(hostname.status()).isEqualTo(400);
    assertThat(hostname.body().path("hostname").path("error").asText()).isEqualTo("required");
  }

  @Test
  void listWhenFilteredAndOrderedThenAsAskedAndTokenForAdminsOnly() {
    long client = fixtures.tenant("Node list");
    TestUser owner = fixtures.user(client, "admin");
    TestUser viewer = fixtures.user(client, "analytic");
    assertThat(calls.create(owner.session(), client, "charlie", "cloud_node").status())
        .isEqualTo(200);
    assertThat(calls.create(owner.session(), client, "alpha", "fast_node").status()).isEqualTo(200);
    assertThat(calls.create(owner.session(), client, "bravo", "node").status()).isEqualTo(200);

    Response notFast =
        calls.list(
            owner.session(),
            "?filter%5Bclientid%5D%5B%5D="
                + client
                + "&filter%5B%21type%5D=fast_node"
                + "&order_by=hostname&limit=1000&offset=0");
    assertThat(hostnames(notFast)).containsExactly("bravo", "charlie");
    assertThat(notFast.body().get(0).path("token").asText()).hasSize(64);

    Response fast =
        calls.list(
            viewer.session(),
            "?filter%5Bclientid%5D%5B%5D=" + client + "&filter%5Btype%5D=fast_node");
    assertThat(hostnames(fast)).containsExactly("alpha");
    assertThat(fast.body().get(0).has("token")).as("an Analyst sees no token").isFalse();

    Response descending = calls.list(owner.session(), "?order_by=hostname&order_desc=true");
    assertThat(hostnames(descending)).containsExactly("charlie", "bravo", "alpha");
    Response page = calls.list(owner.session(), "?order_by=hostname&limit=1&offset=1");
    assertThat(hostnames(page)).containsExactly("bravo");

    Response badOrder = calls.list(owner.session(), "?order_by=secret");
    assertThat(badOrder.status()).isEqualTo(400);
    assertThat(badOrder.body().path("order_by").path("error").asText()).isEqualTo("invalid");
    TestUser stranger = fixtures.otherPartnerAdmin();
    assertThat(calls.list(stranger.session(), "?filter%5Bclientid%5D%5B%5D=" + client).status())
        .isEqualTo(403);
  }

  @Test
  void findWhenFilteredByUuidHostnameOrIpThenThatNodeWithItsUuidAsId() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(pair.auth(), Map.of("ip", "192.0.2.44")).status()).isEqualTo(200);
    server.app.flushUsage();
    for (Map<String, Object> filter :
        List.<Map<String, Object>>of(
            Map.of("uuid", node.uuid()),
            Map.of("hostname", node.hostname()),
            Map.of("ip", "192.0.2.44"))) {
      Response r =
          server.http.post(
              "/v1/objects/node",
              admin.session(),
              Map.of("filter", filter, "limit", 1000, "offset", 0));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(r.body().size()).as("%s: %s", filter, r).isEqualTo(1);
      JsonNode found = r.body().get(0);
      assertThat(found.path("id").asText()).isEqualTo(node.uuid());
      assertThat(found.path("ip").asText()).isEqualTo("192.0.2.44");
      assertThat(found.path("last_activity").asLong())
          .isEqualTo(server.clock.instant().getEpochSecond());
      assertThat(found.path("active").asBoolean()).isTrue();
      assertThat(found.has("token")).isFalse();
    }
    Response none =
        server.http.post(
            "/v1/objects/node", admin.session(), Map.of("filter", Map.of("uuid", "nope")));
    assertThat(none.body().size()).isZero();
  }

  @Test
  void instancesWhenSyncedThenActiveForTwoMinutesAndNodeActiveWhileAnyIs() {
    Created node = calls.node(admin.session(), tenant);
    Pair first = calls.registered(Auth.token(node.token()), null);
    Pair second = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(first.auth(), Map.of("ip", "10.1.2.3", "version", "4.10")).status())
        .isEqualTo(200);
    server.app.flushUsage();

    Response instances = calls.instances(analyst.session(), node.id());
    assertThat(instances.status()).as("%s", instances).isEqualTo(200);
    assertThat(instances.body().size()).isEqualTo(2);
    JsonNode synced = instances.body().get(0);
    assertThat(synced.path("uuid").asText()).isEqualTo(first.uuid());
    assertThat(synced.path("ip").asText()).isEqualTo("10.1.2.3");
    assertThat(synced.path("registered_with").path("type").asText()).isEqualTo("node_token");
    assertThat(synced.path("registered_with").has("token_id")).isFalse();
    assertThat(synced.path("last_activity").asLong())
        .isEqualTo(server.clock.instant().getEpochSecond());
    assertThat(synced.path("active").asBoolean()).isTrue();
    assertThat(synced.has("secret")).isFalse();
    assertThat(instances.body().get(1).path("active").asBoolean()).isFalse();
    assertThat(instances.body().get(1).path("last_activity").isNull()).isTrue();
    JsonNode listed = byId(calls.list(admin.session(), "?limit=1000"), node.id());
    assertThat(listed.path("instance_count").asInt()).isEqualTo(2);
    assertThat(listed.path("active_instance_count").asInt()).isEqualTo(1);
    assertThat(listed.path("active").asBoolean()).isTrue();
    assertThat(listed.path("ip").asText()).isEqualTo("10.1.2.3");

    server.clock.advance(Duration.ofMinutes(2));
    assertThat(calls.instances(admin.session(), node.id()).body().get(0).path("active").asBoolean())
        .isFalse();
    JsonNode idle = byId(calls.list(admin.session(), "?limit=1000"), node.id());
    assertThat(idle.path("active_instance_count").asInt()).isZero();
    assertThat(idle.path("active").asBoolean()).isFalse();

    assertThat(calls.sync(second).status()).isEqualTo(200);
    server.app.flushUsage();
    JsonNode again = byId(calls.list(admin.session(), "?limit=1000"), node.id());
    assertThat(again.path("active_instance_count").asInt()).isEqualTo(1);
    assertThat(again.path("active").asBoolean()).isTrue();
  }

  @Test
  void regenerateWhenAdminThenNewTokenAndOldOneRegistersNoMore() {
    Created node = calls.node(admin.session(), tenant);
    Response r = server.http.post("/v2/node/" + node.id() + "/token", admin.session(), Map.of());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    String next = r.body().path("token").asText();
    assertThat(next).matches("tkn1[A-Za-z0-9]{60}").isNotEqualTo(node.token());
    assertThat(calls.register(Auth.token(node.token()), "old", null).status()).isEqualTo(401);
    assertThat(calls.register(Auth.token(next), "new", null).status()).isEqualTo(200);
    JsonNode listed = byId(calls.list(admin.session(), "?limit=1000"), node.id());
    assertThat(listed.path("token").asText()).isEqualTo(next);
  }

  @Test
  void regenerateWhenNotAnAdministratorThenForbidden() {
    TestUser custom = fixtures.user(tenant, List.of("nodes:view", "nodes:create", "nodes:update"));
    Created node = calls.node(admin.session(), tenant);
    assertThat(
            server
                .http
                .post("/v2/node/" + node.id() + "/token", custom.session(), Map.of())
                .status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .post("/v2/node/" + node.id() + "/token", analyst.session(), Map.of())
                .status())
        .isEqualTo(403);
  }

  @Test
  void regenerateWhenTheCallerMayNotCreateNodesThenForbiddenAndTheTokenUnchanged() {
    Created node = calls.node(admin.session(), tenant);
    Fixtures.Issued updateOnly =
        fixtures.token(admin.session(), List.of("nodes:view", "nodes:update"));

    Response r = server.http.post("/v2/node/" + node.id() + "/token", updateOnly.auth(), Map.of());

    assertThat(r.status()).as("%s", r).isEqualTo(403);
    assertThat(r.text()).doesNotContain("tkn1");
    assertThat(calls.register(Auth.token(node.token()), "still", null).status()).isEqualTo(200);
  }

  @Test
  void deleteWhenNodeDeletedThenGoneItsInstancesStopAndItsTokenRegistersNoMore() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    Response deleted = server.http.delete("/v2/node/" + node.id(), admin.session());
    assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
    assertThat(deleted.body().path("id").asLong()).isEqualTo(node.id());
    assertThat(deleted.body().has("token")).isFalse();
    assertThat(calls.sync(pair).status()).isEqualTo(401);
    assertThat(calls.register(Auth.token(node.token()), "late", null).status()).isEqualTo(401);
    assertThat(calls.instances(admin.session(), node.id()).status()).isEqualTo(404);
    assertThat(server.http.delete("/v2/node/" + node.id(), admin.session()).status())
        .isEqualTo(404);
  }

  @Test
  void showOnceWhenClientKeepsNoSecretsThenTokenShownAtCreateAndRegenerateOnly() {
    long client = fixtures.tenant("Show once nodes");
    TestUser owner = fixtures.user(client, "admin");
    Response update =
        server.http.post(
            "/v1/objects/client/update",
            server.admin(),
            Map.of("filter", Map.of("id", client), "fields", Map.of("show_once", true)));
    assertThat(update.status()).as("%s", update).isEqualTo(200);
    Created node = calls.node(owner.session(), client);
    assertThat(node.token()).hasSize(64);
    JsonNode listed = byId(calls.list(owner.session(), "?limit=1000"), node.id());
    assertThat(listed.has("token")).isFalse();
    Response regenerated =
        server.http.post("/v2/node/" + node.id() + "/token", owner.session(), Map.of());
    assertThat(regenerated.body().path("token").asText()).hasSize(64);
    assertThat(calls.registered(Auth.token(regenerated.body().path("token").asText()), null))
        .isNotNull();
  }

  @Test
  void activityWhenNodeChangesThenEachRecordedWithoutAnySecret() {
    Created node = calls.node(admin.session(), tenant);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    String next =
        server
            .http
            .post("/v2/node/" + node.id() + "/token", admin.session(), Map.of())
            .body()
            .path("token")
            .asText();
    server.http.delete("/v2/node/" + node.id(), admin.session());

    Response log = server.http.get("/v2/activity_log?object_type=node&limit=1000", admin.session());
    assertThat(log.status()).as("%s", log).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    log.body()
        .forEach(
            r -> {
              if (r.path("object_id").asLong() == node.id()) {
                records.add(r);
              }
            });
    assertThat(records)
        .extracting(r -> r.path("action").asText())
        .containsExactlyInAnyOrder("create", "register", "renew", "delete");
    JsonNode register =
        records.stream()
            .filter(r -> r.path("action").asText().equals("register"))
            .findFirst()
            .orElseThrow();
    assertThat(register.path("actor").path("type").asText()).isEqualTo("node");
    assertThat(register.path("source").asText()).isEqualTo("node");
    assertThat(register.path("changes").path("instance").get(1).asText()).isEqualTo(pair.uuid());
    JsonNode created =
        records.stream()
            .filter(r -> r.path("action").asText().equals("create"))
            .findFirst()
            .orElseThrow();
    assertThat(created.path("actor").path("type").asText()).isEqualTo("user");
    assertThat(created.path("changes").path("token_hint").get(1).asText())
        .isEqualTo(node.token().substring(0, 4) + "..." + node.token().substring(60));
    assertThat(log.text())
        .doesNotContain(node.token())
        .doesNotContain(next)
        .doesNotContain(pair.secret());
    Response registered =
        server.http.get("/v2/activity_log?object_type=node&action=register", admin.session());
    assertThat(registered.status()).as("%s", registered).isEqualTo(200);
  }

  @Test
  void wrongIdWhenNotANumberOrUnknownThenNotFound() {
    assertThat(calls.instances(admin.session(), 999_999_999).status()).isEqualTo(404);
    assertThat(server.http.get("/v2/node/abc/instances", admin.session()).status()).isEqualTo(404);
  }

  private static List<String> hostnames(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.body().forEach(n -> out.add(n.path("hostname").asText()));
    return out;
  }

  private static JsonNode byId(Response r, long id) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    for (JsonNode node : r.body()) {
      if (node.path("id").asLong() == id) {
        return node;
      }
    }
    throw new AssertionError("node " + id + " not listed: " + r);
  }
}
