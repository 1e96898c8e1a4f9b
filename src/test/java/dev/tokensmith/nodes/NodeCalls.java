package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The requests node tests send, the way a user or a node instance sends them. */
final class NodeCalls {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final Http http;

  NodeCalls(Http http) {
    this.http = http;
  }

  /** A created node: its id and (for an administrator) its node token. */
  record Created(long id, String uuid, String hostname, String token) {}

  /** An instance's credential pair. */
  record Pair(String uuid, String secret, long nodeId) {
    Auth auth() {
      return (Auth.Custom)
          (request, changing) ->
              request.header("X-WallarmAPI-UUID", uuid).header("X-WallarmAPI-Secret", secret);
    }
  }

  static String hostname(String stem) {
    return stem + "-" + SEQUENCE.incrementAndGet();
  }

  /** A node created in {@code clientId} by {@code creator}; fails the test unless 200. */
  Created node(Auth creator, long clientId) {
    Response r = create(creator, clientId, hostname("node"), null);
    assertThat(r.status()).as("create node: %s", r).isEqualTo(200);
    return new Created(
        r.id(),
        r.body().path("uuid").asText(),
        r.body().path("hostname").asText(),
        r.body().path("token").isTextual() ? r.body().path("token").asText() : null);
  }

  Response create(Auth creator, long clientId, String hostname, String type) {
    Map<String, Object> body = new HashMap<>();
    body.put("hostname", hostname);
    body.put("clientid", clientId);
    if (type != null) {
      body.put("type", type);
    }
    return http.post("/v2/node", creator, body);
  }

  Response register(Auth token, String hostname, String group) {
    Map<String, Object> body = new HashMap<>();
    body.put("hostname", hostname);
    if (group != null) {
      body.put("labels", Map.of("group", group));
    }
    return http.post("/v2/node/register", token, body);
  }

  /** An instance registered with {@code token}; fails the test unless 200. */
  Pair registered(Auth token, String group) {
    Response r = register(token, hostname("host"), group);
    assertThat(r.status()).as("register: %s", r).isEqualTo(200);
    return new Pair(
        r.body().path("uuid").asText(),
        r.body().path("secret").asText(),
        r.body().path("node_id").asLong());
  }

  Response sync(Pair pair) {
    return sync(pair.auth(), Map.of());
  }

  Response sync(Auth auth, Map<String, Object> body) {
    return http.post("/v2/node/sync", auth, body);
  }

  Response list(Auth auth, String query) {
    return http.get("/v2/node" + query, auth);
  }

  Response instances(Auth auth, long nodeId) {
    return http.get("/v2/node/" + nodeId + "/instances", auth);
  }
}
