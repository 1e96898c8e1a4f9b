package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /openapi.json: an OpenAPI 3.1 document of every route the server answers, and only of those. */
@WithServer
class OpenApiIT {
  /** The Console's own pages and assets: web pages, not Cloud API endpoints. */
  private static final Set<String> CONSOLE_ASSETS =
      Set.of(
          "GET /",
          "GET /console/",
          "GET /console/*",
          "GET /console/swagger-ui/*",
          "GET /console/set-password");

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  static TestServer server;
  static JsonNode doc;

  @BeforeAll
  static void seed() {
    Response r = server.http.get("/openapi.json", Auth.NONE);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    doc = r.json();
  }

  @Test
  void documentWhenServedThenOpenApi31WithTheCredentialSchemes() {
    assertThat(doc.path("openapi").asText()).startsWith("3.1.");
    JsonNode schemes = doc.path("components").path("securitySchemes");
    assertThat(schemes.path("token").path("in").asText()).isEqualTo("header");
    assertThat(schemes.path("token").path("name").asText()).isEqualTo("X-WallarmApi-Token");
    assertThat(schemes.path("session").path("in").asText()).isEqualTo("cookie");
    assertThat(schemes.path("session").path("name").asText()).isEqualTo("tks_session");
    assertThat(schemes.path("csrf").path("name").asText()).isEqualTo("X-CSRF-Token");
    assertThat(schemes.path("bearer").path("scheme").asText()).isEqualTo("bearer");
  }

  @Test
  void everyRegisteredRouteWhenListedThenDocumented() {
    List<String> missing = new ArrayList<>();
    for (String route : server.app.routes()) {
      if (CONSOLE_ASSETS.contains(route)) {
        continue;
      }
      String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
      String path = route.substring(route.indexOf(' ') + 1).replaceAll(":(\\w+)", "{$1}");
      if (doc.path("paths").path(path).path(method).isMissingNode()) {
        missing.add(route);
      }
    }
    assertThat(server.app.routes()).hasSizeGreaterThan(25);
    assertThat(missing).as("routes missing from /openapi.json").isEmpty();
  }

  @Test
  void everyDocumentedOperationWhenCalledThenTheServerHasTheRoute() {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : entries(doc.path("paths"))) {
      for (Map.Entry<String, JsonNode> operation : entries(path.getValue())) {
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        String method = operation.getKey().toUpperCase(Locale.ROOT);
        Response r =
            server.http.send(
                method, path.getKey().replaceAll("\\{\\w+}", "1"), Auth.NONE, null, Map.of());
        if (r.status() == 404
                && "\"Not found\"".equals(r.body().toString())
                && !path.getKey().contains("{")
            || r.status() == 405) {
          unknown.add(method + " " + path.getKey() + " -> " + r.status());
        }
      }
    }
    assertThat(unknown).as("documented but not served").isEmpty();
  }

  @Test
  void everyOperationWhenDocumentedThenSummaryTagAndSuccessSchema() {
    for (Map.Entry<String, JsonNode> path : entries(doc.path("paths"))) {
      for (Map.Entry<String, JsonNode> operation : entries(path.getValue())) {
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        JsonNode op = operation.getValue();
        String name = operation.getKey() + " " + path.getKey();
        assertThat(op.path("summary").asText()).as("summary of %s", name).isNotBlank();
        assertThat(op.path("tags").size()).as("tags of %s", name).isEqualTo(1);
        assertThat(op.path("operationId").asText()).as("operationId of %s", name).isNotBlank();
        // A redirect (the SSO login) answers 302 and a leak report 202 where others answer 200.
        String success =
            op.path("responses").has("302")
                ? "302"
                : op.path("responses").has("202") ? "202" : "200";
        assertThat(op.path("responses").path(success).path("content").size())
            .as("%s content of %s", success, name)
            .isPositive();
      }
    }
  }

  @Test
  void everyReferenceWhenFollowedThenFound() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("target of %s", ref).isFalse();
    }
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : entries(node)) {
        if (field.getKey().equals("$ref")) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }
}
