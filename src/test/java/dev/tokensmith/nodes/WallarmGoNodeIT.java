package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.nodes.NodeCalls.Pair;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Wallarm Go client library's node calls replayed byte for byte — {@code NodeCreate}, {@code
 * GetNodeRead}, {@code GetNodeReadByFilter}, {@code NodeDelete}: the paths, the query strings its
 * {@code url.Values.Encode()} writes (keys sorted, brackets and {@code !} escaped) and the bodies
 * its {@code json.Marshal} writes (struct order, zero values included, {@code omitempty} left out)
 * — and every answer checked against the Go types its structs declare, by the rules of Go's {@code
 * encoding/json}: a number into an {@code int} must be integral, a {@code string} takes only a
 * string, a {@code bool} only a boolean, a struct only an object, a slice only an array; {@code
 * null} leaves any field at its zero value; unknown keys are ignored.
 */
@UsesDatabase
@WithServer
class WallarmGoNodeIT {
  /** A Go field type, as {@code encoding/json} decodes into it. */
  private enum GoType {
    INT,
    STRING,
    BOOL,
    ANY,
    STRUCT
  }

  /** {@code GetNodeBody}: a node in {@code /v2/node} answers. */
  private static final Map<String, GoType> GET_NODE_BODY = new LinkedHashMap<>();

  /** {@code GetNodeBodyPOST}: a node in {@code /v1/objects/node} answers. */
  private static final Map<String, GoType> GET_NODE_BODY_POST = new LinkedHashMap<>();

  static {
    GET_NODE_BODY.put("type", GoType.STRING);
    GET_NODE_BODY.put("id", GoType.INT);
    GET_NODE_BODY.put("uuid", GoType.STRING);
    GET_NODE_BODY.put("ip", GoType.ANY);
    GET_NODE_BODY.put("hostname", GoType.STRING);
    GET_NODE_BODY.put("last_activity", GoType.ANY);
    GET_NODE_BODY.put("enabled", GoType.BOOL);
    GET_NODE_BODY.put("clientid", GoType.INT);
    GET_NODE_BODY.put("last_analytic", GoType.ANY);
    GET_NODE_BODY.put("create_time", GoType.INT);
    GET_NODE_BODY.put("create_from", GoType.STRING);
    GET_NODE_BODY.put("protondb_version", GoType.ANY);
    GET_NODE_BODY.put("lom_version", GoType.ANY);
    GET_NODE_BODY.put("protondb_updated_at", GoType.ANY);
    GET_NODE_BODY.put("lom_updated_at", GoType.ANY);
    GET_NODE_BODY.put("node_env_params", GoType.STRUCT);
    GET_NODE_BODY.put("active", GoType.BOOL);
    GET_NODE_BODY.put("instance_count", GoType.INT);
    GET_NODE_BODY.put("active_instance_count", GoType.INT);
    GET_NODE_BODY.put("token", GoType.STRING);
    GET_NODE_BODY.put("requests_amount", GoType.INT);
    GET_NODE_BODY.put("secret", GoType.STRING);

    GET_NODE_BODY_POST.put("type", GoType.STRING);
    GET_NODE_BODY_POST.put("id", GoType.STRING);
    GET_NODE_BODY_POST.put("ip", GoType.STRING);
    GET_NODE_BODY_POST.put("hostname", GoType.STRING);
    GET_NODE_BODY_POST.put("last_activity", GoType.INT);
    GET_NODE_BODY_POST.put("enabled", GoType.BOOL);
    GET_NODE_BODY_POST.put("clientid", GoType.INT);
    GET_NODE_BODY_POST.put("last_analytic", GoType.INT);
    GET_NODE_BODY_POST.put("create_time", GoType.INT);
    GET_NODE_BODY_POST.put("create_from", GoType.STRING);
    GET_NODE_BODY_POST.put("protondb_version", GoType.INT);
    GET_NODE_BODY_POST.put("lom_version", GoType.INT);
    GET_NODE_BODY_POST.put("protondb_updated_at", GoType.ANY);
    GET_NODE_BODY_POST.put("lom_updated_at", GoType.ANY);
    GET_NODE_BODY_POST.put("node_env_params", GoType.STRUCT);
    GET_NODE_BODY_POST.put("active", GoType.BOOL);
  }

  static TestServer server;
  static Fixtures fixtures;
  static long client;
  static Auth terraform;

  @BeforeAll
  static void seed() {
    client = fixtures.tenant("Go client");
    Issued token = fixtures.token(fixtures.user(client, "admin").session(), List.of("admin"));
    terraform = token.auth();
  }

  /** {@code makeRequest} with a struct: {@code Content-Type: application/json}, the raw body. */
  private static Response post(String path, String body) {
    return server.http.send("POST", path, terraform, body, Map.of());
  }

  /** {@code makeRequest} with a query string: a GET with no body and no content type. */
  private static Response get(String pathAndQuery) {
    return server.http.send("GET", pathAndQuery, terraform, null, Map.of());
  }

  @Test
  void nodeCreateWhenReplayedThenAnswerDecodesIntoNodeCreateResp() {
    // json.Marshal(&NodeCreate{Hostname: "tf-node-1", Type: "cloud_node", Clientid: client})
    Response r =
        post(
            "/v2/node",
            "{\"hostname\":\"tf-node-1\",\"type\":\"cloud_node\",\"clientid\":" + client + "}");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertDecodes(r, false);
    JsonNode body = r.body();
    assertThat(goErrors(body, GET_NODE_BODY)).isEmpty();
    assertThat(body.path("token").asText()).hasSize(64);
    assertThat(body.path("clientid").asLong()).isEqualTo(client);

    // The same struct with its caller's fields left out: Go sends its zero values.
    Response zero =
        post("/v2/node", "{\"hostname\":\"tf-node-zero\",\"type\":\"\",\"clientid\":0}");
    assertThat(zero.status()).as("%s", zero).isEqualTo(200);
    assertThat(zero.body().path("type").asText()).isEqualTo("cloud_node");
    assertThat(zero.body().path("clientid").asLong()).isEqualTo(client);

    // makeRequest(reqType "node") turns exactly this answer into ErrExistingResource.
    Response again =
        post(
            "/v2/node",
            "{\"hostname\":\"tf-node-1\",\"type\":\"cloud_node\",\"clientid\":" + client + "}");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.text()).isEqualTo("{\"status\":400,\"body\":\"Already exists\"}");
  }

  @Test
  void getNodeReadWhenReplayedThenAnswerDecodesIntoGetNode() {
    post("/v2/node", "{\"hostname\":\"tf-read-b\",\"type\":\"cloud_node\",\"clientid\":0}");
    post("/v2/node", "{\"hostname\":\"tf-read-a\",\"type\":\"cloud_node\",\"clientid\":0}");
    post("/v2/node", "{\"hostname\":\"tf-read-fast\",\"type\":\"fast_node\",\"clientid\":0}");
    JsonNode node = synced("tf-read-a");

    // GetNodeRead(client, "all")
    Response all =
        get(
            "/v2/node?filter%5B%21type%5D=fast_node&filter%5Bclientid%5D%5B%5D="
                + client
                + "&limit=1000&offset=0&order_by=hostname");
    assertThat(all.status()).as("%s", all).isEqualTo(200);
    assertDecodes(all, true);
    List<String> hostnames = hostnames(all);
    assertThat(hostnames).contains("tf-read-a", "tf-read-b").doesNotContain("tf-read-fast");
    assertThat(hostnames.indexOf("tf-read-a")).isLessThan(hostnames.indexOf("tf-read-b"));
    for (JsonNode element : all.body()) {
      assertThat(goErrors(element, GET_NODE_BODY)).as("%s", element).isEmpty();
    }
    JsonNode active = byHostname(all, "tf-read-a");
    assertThat(active.path("last_activity").isIntegralNumber()).isTrue();
    assertThat(active.path("last_activity").asLong())
        .isEqualTo(server.clock.instant().getEpochSecond());
    assertThat(active.path("active").asBoolean()).isTrue();
    assertThat(active.path("instance_count").asInt()).isEqualTo(1);
    assertThat(active.path("id").asLong()).isEqualTo(node.path("id").asLong());

    // GetNodeRead(client, "fast_node")
    Response fast =
        get(
            "/v2/node?filter%5Bclientid%5D%5B%5D="
                + client
                + "&filter%5Btype%5D=fast_node&limit=1000&offset=0&order_by=hostname");
    assertThat(fast.status()).as("%s", fast).isEqualTo(200);
    assertDecodes(fast, true);
    assertThat(hostnames(fast)).containsExactly("tf-read-fast");
  }

  @Test
  void getNodeReadByFilterWhenReplayedThenAnswerDecodesIntoGetNodePost() {
    post("/v2/node", "{\"hostname\":\"tf-filter\",\"type\":\"cloud_node\",\"clientid\":0}");
    JsonNode node = synced("tf-filter");
    String uuid = node.path("uuid").asText();
    // The Terraform provider's NodeReadByFilter body: Limit 1000, OrderBy "id", OrderDesc false.
    for (String filter :
        List.of("{\"uuid\":\"" + uuid + "\"}", "{\"hostname\":\"tf-filter\"}", "{}")) {
      Response r =
          post(
              "/v1/objects/node",
              "{\"filter\":" + filter + ",\"limit\":1000,\"offset\":0,\"order_by\":\"id\"}");
      assertThat(r.status()).as("%s: %s", filter, r).isEqualTo(200);
      assertDecodes(r, true);
      for (JsonNode element : r.body()) {
        assertThat(goErrors(element, GET_NODE_BODY_POST)).as("%s", element).isEmpty();
      }
      JsonNode found = null;
      for (JsonNode element : r.body()) {
        if (element.path("id").asText().equals(uuid)) {
          found = element;
        }
      }
      assertThat(found).as("%s: %s", filter, r).isNotNull();
      assertThat(found.path("last_activity").isIntegralNumber()).isTrue();
      assertThat(found.path("create_time").isIntegralNumber()).isTrue();
      assertThat(found.path("ip").isTextual()).isTrue();
    }
    // A nil *NodeFilter marshals as null.
    Response nil = post("/v1/objects/node", "{\"filter\":null,\"limit\":10,\"offset\":0}");
    assertThat(nil.status()).as("%s", nil).isEqualTo(200);
    assertDecodes(nil, true);
  }

  @Test
  void nodeDeleteWhenReplayedThenSuccessAndGone() {
    Response created =
        post("/v2/node", "{\"hostname\":\"tf-delete\",\"type\":\"cloud_node\",\"clientid\":0}");
    long id = created.id();
    // NodeDelete(id): makeRequest("DELETE", fmt.Sprintf("/v2/node/%d", id), "", nil)
    Response deleted = server.http.send("DELETE", "/v2/node/" + id, terraform, null, Map.of());
    assertThat(deleted.status()).as("%s", deleted).isBetween(200, 299);
    Response again = server.http.send("DELETE", "/v2/node/" + id, terraform, null, Map.of());
    assertThat(again.status()).isEqualTo(404);
  }

  /** Registers an instance of the node named {@code hostname} and syncs it; returns the node. */
  private static JsonNode synced(String hostname) {
    Response list = get("/v2/node?limit=1000");
    JsonNode node = byHostname(list, hostname);
    Pair pair =
        new NodeCalls(server.http).registered(Auth.token(node.path("token").asText()), null);
    assertThat(new NodeCalls(server.http).sync(pair.auth(), Map.of("ip", "203.0.113.9")).status())
        .isEqualTo(200);
    server.app.flushUsage();
    return node;
  }

  /** The envelope decodes into {@code struct{Status int; Body X}} (X a slice or a struct). */
  private static void assertDecodes(Response r, boolean slice) {
    assertThat(r.json().path("status").isIntegralNumber()).isTrue();
    JsonNode body = r.json().path("body");
    assertThat(slice ? body.isArray() || body.isNull() : body.isObject() || body.isNull())
        .as("body of %s", r)
        .isTrue();
  }

  /** What Go's json.Unmarshal would refuse when decoding {@code value} into the struct. */
  private static List<String> goErrors(JsonNode value, Map<String, GoType> struct) {
    List<String> errors = new ArrayList<>();
    if (!value.isObject()) {
      errors.add("not an object: " + value);
      return errors;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      GoType type = struct.get(field.getKey());
      JsonNode v = field.getValue();
      if (type == null || v.isNull()) {
        continue;
      }
      boolean ok =
          switch (type) {
            case INT -> v.isIntegralNumber() && v.canConvertToLong();
            case STRING -> v.isTextual();
            case BOOL -> v.isBoolean();
            case STRUCT -> v.isObject();
            case ANY -> true;
          };
      if (!ok) {
        errors.add(field.getKey() + " is " + v.getNodeType() + " where Go has " + type);
      }
    }
    return errors;
  }

  private static List<String> hostnames(Response r) {
    List<String> out = new ArrayList<>();
    r.body().forEach(n -> out.add(n.path("hostname").asText()));
    return out;
  }

  private static JsonNode byHostname(Response r, String hostname) {
    for (JsonNode node : r.body()) {
      if (node.path("hostname").asText().equals(hostname)) {
        return node;
      }
    }
    throw new AssertionError(hostname + " not listed: " + r);
  }
}
