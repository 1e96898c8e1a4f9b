package dev.tokensmith.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A company that is not a security console runs Tokensmith for its own product: invoices and
 * customers. Tokens are created, capped, verified and forwarded against that catalogue; removing a
 * resource from it takes its permissions away from stored users and tokens at the next start.
 */
@UsesDatabase
class OwnCatalogueIT {
  private static final String BILLING =
      """
      resources:
        - id: invoices
          actions: [view, create, void]
          roles:
            admin: [view, create, void]
            analytic: [view, create]
            auditor: [view]
        - id: customers
          actions: [view, update]
          roles:
            admin: [view, update]
            analytic: [view]
      """;
  private static final String ROUTES =
      """
      POST /invoices/*/void  invoices:void
      GET  /invoices/**      invoices:view
      PUT  /customers/*      customers:update
      """;

  @TempDir Path dir;

  private Map<String, String> settings(String catalogue) throws IOException {
    Path file = dir.resolve("catalogue-" + Integer.toHexString(catalogue.hashCode()) + ".yaml");
    Files.writeString(file, catalogue);
    return Map.of("TOKENSMITH_CATALOGUE_FILE", file.toString());
  }

  @Test
  void catalogueWhenOperatorsOwnThenServedAndEnforcedOnCreateCapVerifyAndForward()
      throws IOException {
    Path routes = dir.resolve("routes.txt");
    Files.writeString(routes, ROUTES);
    Map<String, String> settings = new java.util.HashMap<>(settings(BILLING));
    settings.put("TOKENSMITH_FORWARD_ROUTES_FILE", routes.toString());
    try (TestServer server = TestServer.start(settings)) {
      Fixtures fixtures = new Fixtures(server);
      assertThat(server.http.get("/v2/catalogue", Auth.NONE).status()).isEqualTo(401);
      Response catalogue = server.http.get("/v2/catalogue", server.admin());
      assertThat(catalogue.status()).isEqualTo(200);
      assertThat(ids(catalogue.body().path("resources"), "id"))
          .containsExactly(
              "nodes", "invoices", "customers", "users", "api_tokens", "activity_log", "clients");
      JsonNode analyticRole = role(catalogue.body(), "analytic");
      assertThat(ids(analyticRole.path("permissions"), null))
          .contains("invoices:view", "invoices:create", "customers:view")
          .doesNotContain("invoices:void", "attacks:view");
      assertThat(analyticRole.path("title").asText()).isEqualTo("Analyst");

      long tenant = fixtures.tenant("Billing Co");
      TestUser admin = fixtures.user(tenant, "admin");
      TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));

      // Create: the product's permission ids are the ones there are; the security console's are
      // not.
      Response unknown =
          server.http.post(
              "/v2/api_tokens",
              analyst.session(),
              Map.of("realname", "old ids", "permissions", List.of("attacks:view")));
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.text()).contains("permissions");
      // Cap: an Analyst cannot void, so no token of theirs can.
      Response beyond =
          server.http.post(
              "/v2/api_tokens",
              analyst.session(),
              Map.of(
                  "realname", "voider", "permissions", List.of("invoices:view", "invoices:void")));
      assertThat(beyond.status()).isEqualTo(400);
      assertThat(beyond.text()).contains("not_allowed");
      Issued clerk = fixtures.token(analyst.session(), List.of("invoices:view", "invoices:create"));
      Issued preset = fixtures.token(analyst.session(), List.of("analytic"));
      assertThat(
              ids(
                  server
                      .http
                      .get("/v2/api_tokens/" + preset.id(), analyst.session())
                      .body()
                      .path("actual_permissions"),
                  null))
          .contains("invoices:view", "invoices:create", "customers:view");

      // Verify: what the token holds, nothing more.
      assertThat(check(server, clerk, "invoices:create").status()).isEqualTo(200);
      assertThat(check(server, clerk, "invoices:void").status()).isEqualTo(403);
      assertThat(check(server, clerk, "customers:view").status()).isEqualTo(403);
      assertThat(check(server, clerk, "attacks:view").status()).isEqualTo(400);

      // Forward: the operator's route table speaks the product's permissions.
      Issued voider = fixtures.token(admin.session(), List.of("invoices:view", "invoices:void"));
      assertThat(forward(server, voider, "POST", "/invoices/12/void").status()).isEqualTo(200);
      assertThat(forward(server, clerk, "POST", "/invoices/12/void").status()).isEqualTo(403);
      assertThat(forward(server, clerk, "GET", "/invoices/12/lines").status()).isEqualTo(200);
      assertThat(forward(server, clerk, "PUT", "/customers/3").status()).isEqualTo(403);
    }
  }

  @Test
  void startWhenResourceRemovedThenStoredUsersAndTokensLoseItWithActivityRecords()
      throws IOException {
    String withoutCustomers = BILLING.substring(0, BILLING.indexOf("  - id: customers"));
    try (TestDatabase database = TestDatabase.create()) {
      long tenant;
      long userId;
      long tokenId;
      long presetId;
      try (TestServer server = TestServer.startOn(database, settings(BILLING))) {
        Fixtures fixtures = new Fixtures(server);
        tenant = fixtures.tenant("Shrinking Co");
        TestUser admin = fixtures.user(tenant, "admin");
        TestUser custom =
            fixtures.user(
                admin.session(),
                tenant,
                List.of("invoices:view", "customers:view", "api_tokens:view", "api_tokens:create"));
        userId = custom.id();
        tokenId = fixtures.token(custom.session(), List.of("customers:view", "invoices:view")).id();
        presetId = fixtures.token(admin.session(), List.of("admin")).id();
      }
      try (TestServer server = TestServer.startOn(database, settings(withoutCustomers))) {
        Auth admin = server.admin();
        JsonNode user =
            server
                .http
                .post(
                    "/v1/objects/user",
                    admin,
                    Map.of("filter", Map.of("id", userId, "clientid", tenant)))
                .body()
                .get(0);
        assertThat(ids(user.path("permissions"), null))
            .containsExactly("invoices:view", "api_tokens:view", "api_tokens:create");
        assertThat(ids(tokenById(server, admin, tokenId).path("permissions"), null))
            .containsExactly("invoices:view");
        assertThat(ids(tokenById(server, admin, presetId).path("permissions"), null))
            .containsExactly("admin");

        List<JsonNode> records = activity(server, admin, tenant);
        assertThat(records)
            .filteredOn(
                r ->
                    r.path("object_type").asText().equals("user")
                        && r.path("object_id").asLong() == userId
                        && r.path("action").asText().equals("update"))
            .singleElement()
            .satisfies(
                r -> {
                  assertThat(r.path("actor").path("type").asText()).isEqualTo("system");
                  assertThat(r.path("changes").path("permissions").get(1).toString())
                      .isEqualTo("[\"invoices:view\",\"api_tokens:view\",\"api_tokens:create\"]");
                });
        assertThat(records)
            .filteredOn(
                r ->
                    r.path("object_type").asText().equals("api_token")
                        && r.path("object_id").asLong() == tokenId
                        && r.path("action").asText().equals("update"))
            .singleElement()
            .satisfies(
                r ->
                    assertThat(r.path("changes").path("permissions").toString())
                        .isEqualTo("[[\"customers:view\",\"invoices:view\"],[\"invoices:view\"]]"));
        assertThat(records)
            .noneMatch(
                r ->
                    r.path("object_id").asLong() == presetId
                        && r.path("action").asText().equals("update"));
      }
      // A start with the same catalogue changes and records nothing more.
      try (TestServer server = TestServer.startOn(database, settings(withoutCustomers))) {
        long updates =
            activity(server, server.admin(), tenant).stream()
                .filter(r -> r.path("action").asText().equals("update"))
                .count();
        assertThat(updates).isEqualTo(2);
      }
    }
  }

  @Test
  void startWhenARoleHoldsLessThenItsHoldersTokensAreNarrowedForGood() throws IOException {
    // The Analyst may no longer create invoices; every other role and resource stays.
    String narrower = BILLING.replace("analytic: [view, create]", "analytic: [view]");
    try (TestDatabase database = TestDatabase.create()) {
      long tenant;
      Issued clerk;
      Issued preset;
      Issued adminToken;
      try (TestServer server = TestServer.startOn(database, settings(BILLING))) {
        Fixtures fixtures = new Fixtures(server);
        tenant = fixtures.tenant("Narrowed Co");
        TestUser admin = fixtures.user(tenant, "admin");
        TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));
        clerk = fixtures.token(analyst.session(), List.of("invoices:view", "invoices:create"));
        preset = fixtures.token(analyst.session(), List.of("analytic"));
        adminToken = fixtures.token(admin.session(), List.of("invoices:view", "invoices:create"));
        assertThat(check(server, clerk, "invoices:create").status()).isEqualTo(200);
      }
      try (TestServer server = TestServer.startOn(database, settings(narrower))) {
        Auth admin = server.admin();
        assertThat(ids(tokenById(server, admin, clerk.id()).path("permissions"), null))
            .containsExactly("invoices:view");
        assertThat(check(server, clerk, "invoices:create").status()).isEqualTo(403);
        assertThat(check(server, clerk, "invoices:view").status()).isEqualTo(200);
        // A preset follows its role; another role's holder keeps what they had.
        assertThat(ids(tokenById(server, admin, preset.id()).path("permissions"), null))
            .containsExactly("analytic");
        assertThat(ids(tokenById(server, admin, adminToken.id()).path("permissions"), null))
            .containsExactly("invoices:view", "invoices:create");
        List<JsonNode> updates =
            activity(server, admin, tenant).stream()
                .filter(r -> r.path("action").asText().equals("update"))
                .toList();
        assertThat(updates)
            .singleElement()
            .satisfies(
                r -> {
                  assertThat(r.path("object_id").asLong()).isEqualTo(clerk.id());
                  assertThat(r.path("actor").path("type").asText()).isEqualTo("system");
                  assertThat(r.path("changes").path("permissions").toString())
                      .isEqualTo("[[\"invoices:view\",\"invoices:create\"],[\"invoices:view\"]]");
                });
      }
      // The role holds more again: the narrowed token does not widen with it.
      try (TestServer server = TestServer.startOn(database, settings(BILLING))) {
        assertThat(ids(tokenById(server, server.admin(), clerk.id()).path("permissions"), null))
            .containsExactly("invoices:view");
        assertThat(check(server, clerk, "invoices:create").status()).isEqualTo(403);
        assertThat(check(server, preset, "invoices:create").status()).isEqualTo(200);
      }
    }
  }

  private static Response check(TestServer server, Issued token, String permission) {
    return server.http.post("/v2/auth/check", token.auth(), Map.of("permission", permission));
  }

  private static Response forward(TestServer server, Issued token, String method, String uri) {
    return server.http.send(
        "GET",
        "/v2/auth/forward",
        token.auth(),
        null,
        Map.of("X-Original-Method", method, "X-Original-URI", uri));
  }

  private static JsonNode tokenById(TestServer server, Auth admin, long id) {
    Response r = server.http.get("/v2/api_tokens/" + id, admin);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.body();
  }

  private static List<JsonNode> activity(TestServer server, Auth admin, long tenant) {
    Response response = server.http.get("/v2/activity_log?limit=1000&client_id=" + tenant, admin);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    response.body().forEach(records::add);
    return records;
  }

  private static JsonNode role(JsonNode catalogue, String id) {
    for (JsonNode role : catalogue.path("roles")) {
      if (role.path("id").asText().equals(id)) {
        return role;
      }
    }
    throw new AssertionError("no role " + id);
  }

  private static List<String> ids(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(field == null ? node.asText() : node.path(field).asText()));
    return out;
  }
}
