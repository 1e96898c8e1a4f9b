package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The user rules of spec 1.2, 1.3 and 4.2, as a Console or API caller meets them over HTTP. */
@UsesDatabase
@WithServer
class UserRulesIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  static TestServer server;
  static Fixtures fixtures;

  // ---- create -------------------------------------------------------------------------------

  @Test
  void createWhenEmailExistsInAnyCaseThenConflict() {
    long tenant = fixtures.tenant("Duplicates");
    TestUser admin = fixtures.user(tenant, "admin");
    String email = uniqueEmail("dup");
    assertThat(create(admin.session(), null, email, List.of("analytic")).status()).isEqualTo(200);

    Response same = create(admin.session(), null, email, List.of("analytic"));
    Response upper = create(admin.session(), null, email.toUpperCase(), List.of("analytic"));
    // Unique across clients too: the e-mail is the login name.
    Response elsewhere =
        create(server.admin(), fixtures.tenant("Elsewhere"), email, List.of("analytic"));

    assertThat(same.status()).as("%s", same).isEqualTo(409);
    assertThat(same.json().path("status").asInt()).isEqualTo(409);
    assertThat(upper.status()).as("%s", upper).isEqualTo(409);
    assertThat(elsewhere.status()).as("%s", elsewhere).isEqualTo(409);
    assertThat(list(admin.session(), Map.of("email", email)).body()).hasSize(1);
  }

  @Test
  void createWhenGrantingAboveOwnThenPermissionsNotAllowed() {
    long tenant = fixtures.tenant("Granting");
    TestUser creator = fixtures.user(tenant, List.of("users:view", "users:create", "attacks:view"));
    TestUser admin = fixtures.user(tenant, "admin");

    assertNotAllowed(
        create(creator.session(), null, uniqueEmail("r"), List.of("admin")), "permissions");
    assertNotAllowed(
        create(creator.session(), null, uniqueEmail("r"), List.of("analytic")), "permissions");
    assertNotAllowed(
        create(creator.session(), null, uniqueEmail("r"), List.of("users:view", "users:delete")),
        "permissions");
    // An administrator holds no clients:* permission in a tenant, so cannot grant one.
    assertNotAllowed(
        create(admin.session(), null, uniqueEmail("r"), List.of("clients:view")), "permissions");
    Response within =
        create(creator.session(), null, uniqueEmail("ok"), List.of("users:view", "attacks:view"));
    assertThat(within.status()).as("%s", within).isEqualTo(200);
    assertThat(within.body().path("role").asText()).isEqualTo("custom");
  }

  @Test
  void createWhenRefusedThenNoUserExists() {
    long tenant = fixtures.tenant("Refused");
    TestUser creator = fixtures.user(tenant, List.of("users:view", "users:create"));
    String email = uniqueEmail("refused");

    assertNotAllowed(create(creator.session(), null, email, List.of("admin")), "permissions");

    assertThat(list(server.admin(), Map.of("clientid", tenant, "email", email)).body()).isEmpty();
  }

  @Test
  void createWhenPasswordRefusedThenErrorNeverEchoesIt() {
    Map<String, Object> body = new HashMap<>();
    body.put("email", uniqueEmail("pw"));
    body.put("realname", "Password");
    body.put("permissions", List.of("analytic"));
    for (Object password :
        List.of("Secret-Passphrase-" + "x".repeat(1100), "Short-1", List.of("Secret-In-A-List"))) {
      body.put("password", password);
      Response refused = server.http.post("/v1/objects/user/create", server.admin(), body);
      assertThat(refused.status()).as("%s", refused).isEqualTo(400);
      assertThat(refused.body().path("password").path("error").asText())
          .isIn("invalid", "too_long", "too_short");
      assertThat(refused.body().path("password").path("value").isNull()).as("%s", refused).isTrue();
      assertThat(refused.text()).doesNotContain("Secret-").doesNotContain("Short-1");
    }
  }

  @Test
  void createWhenAdminThenAdminAnalyticAndCustomUsersInOwnClient() {
    long tenant = fixtures.tenant("Admin creates");
    TestUser admin = fixtures.user(tenant, "admin");

    for (List<String> permissions :
        List.of(List.of("admin"), List.of("analytic"), List.of("attacks:view"))) {
      Response created = create(admin.session(), null, uniqueEmail("made"), permissions);
      assertThat(created.status()).as("%s: %s", permissions, created).isEqualTo(200);
      assertThat(created.body().path("clientid").asLong()).isEqualTo(tenant);
      assertThat(created.body().path("role").asText())
          .isEqualTo(
              permissions.size() == 1 && !permissions.get(0).contains(":")
                  ? permissions.get(0)
                  : "custom");
      assertThat(texts(created.body().path("permissions"))).isEqualTo(permissions);
      assertThat(created.body().has("password")).isFalse();
    }
  }

  @Test
  void createWhenAdminGrantsGlobalRoleThenPermissionsNotAllowed() {
    long tenant = fixtures.tenant("No global");
    TestUser admin = fixtures.user(tenant, "admin");

    for (String role : List.of("partner_admin", "partner_analytic", "partner_auditor")) {
      assertNotAllowed(
          create(admin.session(), null, uniqueEmail("g"), List.of(role)), "permissions");
    }
    // Not even a Global Administrator puts a global role into an ordinary tenant.
    assertNotAllowed(
        create(server.admin(), tenant, uniqueEmail("g"), List.of("partner_analytic")),
        "permissions");
  }

  @Test
  void createWhenAdminNamesAnotherClientThenForbidden() {
    TestUser admin = fixtures.user(fixtures.tenant("Home"), "admin");
    long other = fixtures.tenant("Other");

    Response response = create(admin.session(), other, uniqueEmail("x"), List.of("analytic"));

    assertThat(response.status()).as("%s", response).isEqualTo(403);
    assertThat(list(server.admin(), Map.of("clientid", other)).body()).isEmpty();
  }

  @Test
  void createWhenGlobalAdminNamesTenantThenUserLivesInTenant() {
    long tenant = fixtures.tenant("Global creates");
    String email = uniqueEmail("tenant");

    Response created = create(server.admin(), tenant, email, List.of("admin"));

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().path("clientid").asLong()).isEqualTo(tenant);
    Auth.Session session = server.login(email, Fixtures.PASSWORD);
    assertThat(session.clientId()).isEqualTo(tenant);
    assertThat(ids(list(session, Map.of()))).containsExactly(created.id());
  }

  @Test
  void createWhenCustomListLacksViewThenItGrantsNothing() {
    long tenant = fixtures.tenant("Custom");
    TestUser noView = fixtures.user(tenant, List.of("users:create"));

    Response attempt = create(noView.session(), null, uniqueEmail("c"), List.of("users:create"));
    JsonNode me = server.http.get("/v1/user", noView.session()).body();

    assertThat(attempt.status()).as("%s", attempt).isEqualTo(403);
    assertThat(me.path("role").asText()).isEqualTo("custom");
    assertThat(texts(me.path("permissions"))).containsExactly("users:create");
    assertThat(me.path("actual_permissions")).isEmpty();
    assertThat(list(noView.session(), Map.of()).status()).isEqualTo(403);
  }

  // ---- list ---------------------------------------------------------------------------------

  @Test
  void listWhenFilteredThenMatchingUsersOrderedById() {
    long tenant = fixtures.tenant("Listing");
    TestUser admin = fixtures.user(tenant, "admin");
    List<Long> ids = new ArrayList<>(List.of(admin.id()));
    for (int i = 0; i < 3; i++) {
      ids.add(fixtures.user(admin.session(), tenant, List.of("analytic")).id());
    }
    TestUser disabled = fixtures.user(admin.session(), tenant, List.of("auditor"));
    ids.add(disabled.id());
    assertThat(update(admin.session(), disabled.id(), Map.of("enabled", false)).status())
        .isEqualTo(200);

    assertThat(ids(list(admin.session(), Map.of()))).containsExactlyElementsOf(ids);
    assertThat(ids(list(admin.session(), Map.of("id", ids.get(2))))).containsExactly(ids.get(2));
    assertThat(ids(list(admin.session(), Map.of("email", disabled.email().toUpperCase()))))
        .containsExactly(disabled.id());
    assertThat(ids(list(admin.session(), Map.of("enabled", false)))).containsExactly(disabled.id());
    assertThat(ids(list(admin.session(), Map.of("enabled", true))))
        .containsExactlyElementsOf(ids.subList(0, 4));
    assertThat(ids(list(admin.session(), Map.of(), 2, 1))).containsExactly(ids.get(1), ids.get(2));
    assertThat(ids(list(admin.session(), Map.of(), 50, 5))).isEmpty();
    // A global user lists the same tenant by naming it.
    assertThat(ids(list(server.admin(), Map.of("clientid", tenant))))
        .containsExactlyElementsOf(ids);
  }

  @Test
  void listWhenLimitOutOfRangeThenLimitInvalid() {
    for (int limit : new int[] {0, 1001}) {
      Response response = list(server.admin(), Map.of(), limit, 0);
      assertThat(response.status()).as("limit %d: %s", limit, response).isEqualTo(400);
      assertThat(response.body().path("limit").path("error").asText()).isEqualTo("invalid");
    }
  }

  // ---- update -------------------------------------------------------------------------------

  @Test
  void updateWhenRealnameThenChanged() {
    long tenant = fixtures.tenant("Renaming");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));

    Response response =
        update(admin.session(), analyst.id(), Map.of("realname", "Renamed Analyst"));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.body().path("realname").asText()).isEqualTo("Renamed Analyst");
    assertThat(server.http.get("/v1/user", analyst.session()).body().path("realname").asText())
        .isEqualTo("Renamed Analyst");
  }

  @Test
  void updateWhenAdminChangesRoleThenUserHoldsNewRole() {
    long tenant = fixtures.tenant("Role change");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));

    Response response =
        update(admin.session(), user.id(), Map.of("permissions", List.of("auditor")));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.body().path("role").asText()).isEqualTo("auditor");
    JsonNode me = server.http.get("/v1/user", user.session()).body();
    assertThat(me.path("role").asText()).isEqualTo("auditor");
    assertThat(texts(me.path("actual_permissions")))
        .contains("users:view")
        .doesNotContain("api_tokens:view");
  }

  @Test
  void updateWhenOwnRoleThenPermissionsNotAllowed() {
    long tenant = fixtures.tenant("Own role");
    TestUser admin = fixtures.user(tenant, "admin");
    fixtures.user(admin.session(), tenant, List.of("admin"));
    TestUser custom =
        fixtures.user(
            admin.session(), tenant, List.of("users:view", "users:update", "attacks:view"));

    assertNotAllowed(
        update(admin.session(), admin.id(), Map.of("permissions", List.of("analytic"))),
        "permissions");
    assertNotAllowed(
        update(
            custom.session(),
            custom.id(),
            Map.of("permissions", List.of("users:view", "users:update"))),
        "permissions");

    assertThat(server.http.get("/v1/user", admin.session()).body().path("role").asText())
        .isEqualTo("admin");
    assertThat(texts(server.http.get("/v1/user", custom.session()).body().path("permissions")))
        .containsExactly("users:view", "users:update", "attacks:view");
    // Restating the same role is no change and is fine.
    assertThat(
            update(
                    admin.session(),
                    admin.id(),
                    Map.of("permissions", List.of("admin"), "realname", "Still admin"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void updateWhenDisablingSelfThenEnabledNotAllowed() {
    long tenant = fixtures.tenant("Self disable");
    TestUser admin = fixtures.user(tenant, "admin");
    fixtures.user(admin.session(), tenant, List.of("admin"));

    assertNotAllowed(update(admin.session(), admin.id(), Map.of("enabled", false)), "enabled");
    assertNotAllowed(delete(admin.session(), admin.id()), "id");

    assertThat(server.http.get("/v1/user", admin.session()).status()).isEqualTo(200);
  }

  @Test
  void updateWhenLastEnabledAdminThenNotDisabledDemotedOrDeleted() {
    long tenant = fixtures.tenant("Last admin");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser formerAdmin = fixtures.user(tenant, "admin");
    assertThat(update(server.admin(), formerAdmin.id(), Map.of("enabled", false)).status())
        .isEqualTo(200);

    // A disabled administrator does not count: admin is the last enabled one.
    assertNotAllowed(update(server.admin(), admin.id(), Map.of("enabled", false)), "enabled");
    assertNotAllowed(
        update(server.admin(), admin.id(), Map.of("permissions", List.of("analytic"))),
        "permissions");
    assertNotAllowed(delete(server.admin(), admin.id()), "id");

    JsonNode still =
        list(server.admin(), Map.of("clientid", tenant, "id", admin.id())).body().get(0);
    assertThat(still.path("enabled").asBoolean()).isTrue();
    assertThat(still.path("role").asText()).isEqualTo("admin");
    assertThat(server.http.get("/v1/user", admin.session()).status()).isEqualTo(200);

    // With a second enabled administrator the first may go.
    TestUser second = fixtures.user(tenant, "admin");
    assertThat(
            update(server.admin(), admin.id(), Map.of("permissions", List.of("analytic"))).status())
        .isEqualTo(200);
    assertNotAllowed(delete(server.admin(), second.id()), "id");
  }

  @Test
  void updateWhenApiAccessForNonAdministratorThenNotAllowed() {
    long tenant = fixtures.tenant("API access");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));
    TestUser otherAdmin = fixtures.user(admin.session(), tenant, List.of("admin"));

    assertNotAllowed(
        update(admin.session(), analyst.id(), Map.of("api_access", true)), "api_access");
    Response granted =
        update(admin.session(), otherAdmin.id(), Map.of("sso", "sso", "api_access", true));
    Response global = update(server.admin(), server.admin().userId(), Map.of("api_access", true));

    assertThat(granted.status()).as("%s", granted).isEqualTo(200);
    assertThat(granted.body().path("api_access").asBoolean()).isTrue();
    assertThat(global.status()).as("%s", global).isEqualTo(200);
    assertThat(
            list(admin.session(), Map.of("id", analyst.id()))
                .body()
                .get(0)
                .path("api_access")
                .asBoolean())
        .isFalse();
  }

  @Test
  void updateWhenAdministratorWithApiAccessDemotedThenApiAccessEndsWithTheRole() {
    long tenant = fixtures.tenant("API access demotion");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser sso = fixtures.user(admin.session(), tenant, List.of("admin"));
    update(admin.session(), sso.id(), Map.of("sso", "sso", "api_access", true));

    Response demoted =
        update(admin.session(), sso.id(), Map.of("permissions", List.of("analytic")));
    assertThat(demoted.status()).as("%s", demoted).isEqualTo(200);
    assertThat(demoted.body().path("api_access").asBoolean()).isFalse();
    assertNotAllowed(
        update(
            admin.session(),
            sso.id(),
            Map.of("permissions", List.of("analytic"), "api_access", true)),
        "api_access");
  }

  @Test
  void updateWhenUserOfUnreachedClientThenNotFoundAndReachedWithoutPermissionThenForbidden() {
    long tenant = fixtures.tenant("Reach");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser viewer = fixtures.user(admin.session(), tenant, List.of("users:view"));
    TestUser stranger = fixtures.user(fixtures.tenant("Stranger"), "admin");

    assertThat(update(stranger.session(), viewer.id(), Map.of("realname", "x")).status())
        .isEqualTo(404);
    assertThat(delete(stranger.session(), viewer.id()).status()).isEqualTo(404);
    assertThat(update(viewer.session(), admin.id(), Map.of("realname", "x")).status())
        .isEqualTo(403);
    assertThat(delete(viewer.session(), admin.id()).status()).isEqualTo(403);
    assertThat(
            list(admin.session(), Map.of("id", admin.id())).body().get(0).path("realname").asText())
        .isEqualTo("User " + admin.email());
  }

  // ---- delete -------------------------------------------------------------------------------

  @Test
  void deleteWhenUserHasPersonalTokensThenTokensAreDeleted() {
    long tenant = fixtures.tenant("Deleting");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));
    Issued token = fixtures.token(analyst.session(), List.of("analytic"));
    assertThat(server.http.get("/v1/user", token.auth()).status()).isEqualTo(200);

    Response deleted = delete(admin.session(), analyst.id());

    assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
    assertThat(deleted.body().path("email").asText()).isEqualTo(analyst.email());
    Response withToken = server.http.get("/v1/user", token.auth());
    assertThat(withToken.status()).isEqualTo(401);
    assertThat(withToken.body().asText()).isEqualTo("Unauthorized");
    assertThat(server.http.get("/v2/api_tokens/" + token.id(), admin.session()).status())
        .isEqualTo(404);
    assertThat(server.http.get("/v1/user", analyst.session()).status()).isEqualTo(401);
    assertThat(list(admin.session(), Map.of("id", analyst.id())).body()).isEmpty();
    assertThat(delete(admin.session(), analyst.id()).status()).isEqualTo(404);
  }

  @Test
  void deleteWhenUserCreatedSharedTokenThenSharedTokenStays() {
    long tenant = fixtures.tenant("Shared survives");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser leaving = fixtures.user(admin.session(), tenant, List.of("admin"));
    Issued shared = fixtures.sharedToken(leaving.session(), List.of("admin"));

    assertThat(delete(admin.session(), leaving.id()).status()).isEqualTo(200);

    // A shared token belongs to the client, not to the person who made it (T2).
    assertThat(server.http.get("/v1/user", shared.auth()).status()).isEqualTo(200);
    assertThat(server.http.get("/v2/api_tokens/" + shared.id(), admin.session()).status())
        .isEqualTo(200);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String uniqueEmail(String prefix) {
    return prefix + SEQUENCE.incrementAndGet() + "-rules@example.com";
  }

  private static Response create(Auth auth, Long clientId, String email, List<String> permissions) {
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    body.put("realname", "Person " + email);
    body.put("password", Fixtures.PASSWORD);
    body.put("permissions", permissions);
    if (clientId != null) {
      body.put("clientid", clientId);
    }
    return server.http.post("/v1/objects/user/create", auth, body);
  }

  private static Response update(Auth auth, long id, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update", auth, Map.of("filter", Map.of("id", id), "fields", fields));
  }

  private static Response delete(Auth auth, long id) {
    return server.http.post("/v1/objects/user/delete", auth, Map.of("filter", Map.of("id", id)));
  }

  private static Response list(Auth auth, Map<String, Object> filter) {
    return server.http.post("/v1/objects/user", auth, Map.of("filter", filter));
  }

  private static Response list(Auth auth, Map<String, Object> filter, int limit, int offset) {
    return server.http.post(
        "/v1/objects/user", auth, Map.of("filter", filter, "limit", limit, "offset", offset));
  }

  private static List<Long> ids(Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    List<Long> ids = new ArrayList<>();
    response.body().forEach(user -> ids.add(user.path("id").asLong()));
    return ids;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static void assertNotAllowed(Response response, String field) {
    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.body().path(field).path("error").asText())
        .as("%s", response)
        .isEqualTo("not_allowed");
  }
}
