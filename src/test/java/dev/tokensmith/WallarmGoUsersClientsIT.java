package dev.tokensmith;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Wallarm Go client library ({@code wallarm-go}: {@code user.go}, {@code client.go}) and the
 * Terraform provider's user and tenant resources, replayed request for request: each body is
 * written as Go's {@code encoding/json} marshals the library's structs (fields in declaration
 * order, zero values kept where a field has no {@code omitempty}, empty objects for nested structs
 * whose fields are all omitted), sent with the library's header, and each answer is checked the way
 * {@code json.Unmarshal} reads it into the structs the library declares: an {@code int} field must
 * hold a whole number, a {@code string} a text, a slice a list, a struct an object.
 */
@UsesDatabase
@WithServer
class WallarmGoUsersClientsIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  // The provider generates a 10-character password when none is configured.
  private static final String PASSWORD = "Aa1!xyzw9Q";

  static TestServer server;
  static Fixtures fixtures;

  /** A Global Administrator's token, sent as the library sends it. */
  static Auth go;

  static long technical;
  static String partnerUuid;

  @BeforeAll
  static void token() {
    go =
        Auth.header(
            "X-WallarmAPI-Token",
            fixtures.token(server.admin(), List.of("partner_admin")).secret());
    technical = fixtures.technicalClient();
    partnerUuid = server.http.get("/v1/user", server.admin()).body().path("partner_uuid").asText();
  }

  // ---- UserDetails: POST /v1/user, no body, no Content-Type ---------------------------------

  @Test
  void userDetailsWhenLibraryAsksThenClientidIsTheCallersClient() {
    Response r = server.http.post("/v1/user", go, null);

    JsonNode body = decodesAsObject(r, USER_PARAMS);
    // The provider's default client when none is configured.
    assertThat(body.path("clientid").isIntegralNumber()).isTrue();
    assertThat(body.path("clientid").asLong()).isEqualTo(technical);
    // The Console's name for it stays.
    assertThat(body.path("client_id").asLong()).isEqualTo(technical);
  }

  // ---- UserCreate: POST /v1/objects/user/create ---------------------------------------------

  @Test
  void userCreateWhenProviderSendsEnabledFalseThenCreatedEnabledInObjectsShape() {
    long tenant = fixtures.tenant("Go create");
    String email = email();

    Response r = createUser(email, "Ana Lyst", "analytic", tenant, false);

    JsonNode user = decodesAsObject(r, USER_PARAMS);
    assertThat(user.path("id").isIntegralNumber()).isTrue();
    assertThat(user.path("clientid").asLong()).isEqualTo(tenant);
    assertThat(user.path("email").asText()).isEqualTo(email);
    assertThat(user.path("username").asText()).isEqualTo(email);
    assertThat(user.path("realname").asText()).isEqualTo("Ana Lyst");
    assertThat(texts(user.path("permissions"))).containsExactly("analytic");
    assertThat(user.path("actual_permissions").isArray()).isTrue();
    assertThat(user.path("enabled").asBoolean()).isTrue();
    assertThat(user.path("create_at").isIntegralNumber()).isTrue();
    assertThat(user.path("create_at").asLong()).isEqualTo(server.clock.instant().getEpochSecond());
    assertThat(user.path("last_login_time").isNull()).isTrue();
    assertThat(user.has("password")).isFalse();
    // The user can log in: created enabled, with the password sent.
    assertThat(server.login(email, PASSWORD).clientId()).isEqualTo(tenant);
  }

  @Test
  void userCreateWhenNoClientidThenTheCallersClient() {
    // Clientid 0 is left out (omitempty); Phone too.
    String body =
        """
        {"email":"%s","password":"%s","username":"%1$s","realname":"Home User",\
        "permissions":["admin"],"enabled":true}"""
            .formatted(email(), PASSWORD);

    Response r = server.http.send("POST", "/v1/objects/user/create", go, body, Map.of());

    assertThat(decodesAsObject(r, USER_PARAMS).path("clientid").asLong()).isEqualTo(technical);
  }

  @Test
  void userCreateWhenEmailExistsThenConflictAsTheLibraryExpects() {
    long tenant = fixtures.tenant("Go duplicate");
    String email = email();
    assertThat(createUser(email, "First One", "admin", tenant, true).status()).isEqualTo(200);

    Response again = createUser(email.toUpperCase(), "Second One", "admin", tenant, true);

    // 409 is what the library turns into "already exists" (the provider then offers an import).
    assertThat(again.status()).as("%s", again).isEqualTo(409);
    assertThat(again.json().path("status").asInt()).isEqualTo(409);
  }

  // ---- UserRead: POST /v1/objects/user ------------------------------------------------------

  @Test
  void userReadWhenProviderReadsByIdThenTheTenantsUserWithoutNamingTheTenant() {
    long tenant = fixtures.tenant("Go read");
    String email = email();
    long id = createUser(email, "Read Me", "admin", tenant, true).id();
    server.login(email, PASSWORD);

    // UserGet: limit, order_by and order_desc have no omitempty; the filter holds the id alone.
    Response r =
        server.http.send(
            "POST",
            "/v1/objects/user",
            go,
            """
            {"limit":1000,"order_by":"realname","order_desc":false,"filter":{"id":%d}}"""
                .formatted(id),
            Map.of());

    List<JsonNode> users = decodesAsList(r, USER_PARAMS);
    assertThat(users).hasSize(1);
    JsonNode user = users.get(0);
    assertThat(user.path("id").asLong()).isEqualTo(id);
    assertThat(user.path("clientid").asLong()).isEqualTo(tenant);
    assertThat(user.path("username").asText()).isEqualTo(email);
    assertThat(user.path("enabled").asBoolean()).isTrue();
    assertThat(user.path("last_login_time").isIntegralNumber()).isTrue();
    assertThat(user.path("last_login_time").asLong())
        .isEqualTo(server.clock.instant().getEpochSecond());
  }

  @Test
  void userReadWhenFilteredByClientidListUuidEmailOrUsernameThenThoseUsers() {
    long tenant = fixtures.tenant("Go filters");
    String email = email();
    JsonNode created = createUser(email, "Filter Me", "admin", tenant, true).body();
    long id = created.path("id").asLong();
    String uuid = created.path("uuid").asText();

    assertThat(ids(read("{\"filter\":{\"clientid\":[%d]}}".formatted(tenant)))).containsExactly(id);
    assertThat(ids(read("{\"filter\":{\"clientid\":%d}}".formatted(tenant)))).containsExactly(id);
    assertThat(ids(read("{\"filter\":{\"uuid\":\"%s\"}}".formatted(uuid)))).containsExactly(id);
    assertThat(ids(read("{\"filter\":{\"email\":\"%s\"}}".formatted(email.toUpperCase()))))
        .containsExactly(id);
    assertThat(ids(read("{\"filter\":{\"username\":\"%s\"}}".formatted(email))))
        .containsExactly(id);
    // Every given field must fit: the user is not in the technical tenant.
    assertThat(
            ids(
                read(
                    "{\"filter\":{\"clientid\":%d,\"email\":\"%s\"}}".formatted(technical, email))))
        .isEmpty();
  }

  // ---- UserUpdate: POST /v1/objects/user/update ---------------------------------------------

  @Test
  void userUpdateWhenProviderUpdatesByEmailAndUsernameThenChangedAndExtrasIgnored() {
    long tenant = fixtures.tenant("Go update");
    String email = email();
    long id = createUser(email, "Old Name", "admin", tenant, true).id();
    createUser(email(), "Other Admin", "admin", tenant, true);

    // UserUpdate: filter (id and clientid left out), fields in UserFields order; enabled true is
    // sent, the Notifications and SearchTemplates structs always (their omitempty does nothing).
    Response r =
        server.http.send(
            "POST",
            "/v1/objects/user/update",
            go,
            """
            {"filter":{"username":"%1$s","email":"%1$s"},"fields":{"phone":"+15550100",\
            "realname":"New Name","permissions":["analyst"],"clientid":%2$d,"timezone":"UTC",\
            "job_title":"Ops","results_per_page":50,"default_pool":"pool","enabled":true,\
            "notifications":{"report_daily":{},"report_weekly":{},"report_monthly":{},\
            "system":{},"vuln":{}},"search_templates":{}},"limit":1000}"""
                .formatted(email, tenant),
            Map.of());

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    JsonNode user = read("{\"filter\":{\"id\":%d}}".formatted(id)).body().path(0);
    assertThat(user.path("realname").asText()).isEqualTo("New Name");
    // "analyst" is the provider's name of the Analyst role.
    assertThat(user.path("role").asText()).isEqualTo("analytic");
    assertThat(user.path("enabled").asBoolean()).isTrue();
    assertThat(user.has("phone")).isFalse();
  }

  @Test
  void userUpdateWhenEnabledFalseSentThenDisabled() {
    long tenant = fixtures.tenant("Go disable");
    createUser(email(), "Stays Admin", "admin", tenant, true);
    String email = email();
    long id = createUser(email, "Goes Away", "admin", tenant, true).id();

    Response r =
        server.http.send(
            "POST",
            "/v1/objects/user/update",
            go,
            """
            {"filter":{"id":%d},"fields":{"enabled":false,"notifications":{"report_daily":{},\
            "report_weekly":{},"report_monthly":{},"system":{},"vuln":{}},"search_templates":{}}}"""
                .formatted(id),
            Map.of());

    assertThat(decodesAsObject(r, USER_PARAMS).path("enabled").asBoolean()).isFalse();
    assertThat(
            read("{\"filter\":{\"email\":\"%s\"}}".formatted(email))
                .body()
                .path(0)
                .path("enabled")
                .asBoolean())
        .isFalse();
  }

  @Test
  void userUpdateWhenFilterMatchesSeveralOrNoneThenRefusedAndAPasswordSentIsIgnored() {
    long tenant = fixtures.tenant("Go refusals");
    String email = email();
    createUser(email, "Some One", "admin", tenant, true);
    JsonNode before = read("{\"filter\":{\"clientid\":%d}}".formatted(tenant)).body();

    Response several =
        update("{\"filter\":{\"clientid\":%d},\"fields\":{\"realname\":\"All Of Them\"}}", tenant);
    Response none =
        update(
            "{\"filter\":{\"email\":\"nobody-%d@example.com\"},\"fields\":{\"realname\":\"X Y\"}}",
            SEQUENCE.incrementAndGet());
    Response otherKey =
        update("{\"filter\":{\"email\":\"%s\",\"id\":999999},\"fields\":{}}".formatted(email));
    Response password =
        update(
            "{\"filter\":{\"email\":\"%s\"},\"fields\":{\"password\":\"Another1!pw\"}}"
                .formatted(email));

    assertThat(several.status()).as("%s", several).isEqualTo(400);
    assertThat(several.body().path("id").path("error").asText()).isEqualTo("required");
    assertThat(none.status()).as("%s", none).isEqualTo(404);
    assertThat(otherKey.status()).as("%s", otherKey).isEqualTo(404);
    // The provider sends a generated password with every update: it changes nothing.
    assertThat(password.status()).as("%s", password).isEqualTo(200);
    assertThat(read("{\"filter\":{\"clientid\":%d}}".formatted(tenant)).body()).isEqualTo(before);
    assertThat(
            server
                .http
                .post("/v1/login", Auth.NONE, Map.of("email", email, "password", PASSWORD))
                .status())
        .isEqualTo(200);
  }

  // ---- UserDelete: POST /v1/objects/user/delete ---------------------------------------------

  @Test
  void userDeleteWhenProviderDeletesByIdThenGoneAndAReadFindsNothing() {
    long tenant = fixtures.tenant("Go delete");
    createUser(email(), "Stays Here", "admin", tenant, true);
    long id = createUser(email(), "Goes Now", "admin", tenant, true).id();
    String email = email();
    createUser(email, "Goes By Mail", "analytic", tenant, true);

    Response deleted = delete("{\"filter\":{\"id\":%d}}".formatted(id));
    Response byEmail = delete("{\"filter\":{\"email\":\"%s\"}}".formatted(email));

    assertThat(decodesAsObject(deleted, USER_PARAMS).path("id").asLong()).isEqualTo(id);
    assertThat(byEmail.status()).as("%s", byEmail).isEqualTo(200);
    // The provider's read of a deleted user: an empty list, and it forgets the resource.
    assertThat(
            decodesAsList(
                read(
                    "{\"limit\":1000,\"order_by\":\"realname\",\"order_desc\":false,"
                        + "\"filter\":{\"id\":%d}}".formatted(id)),
                USER_PARAMS))
        .isEmpty();
    assertThat(delete("{\"filter\":{\"id\":%d}}".formatted(id)).status()).isEqualTo(404);
  }

  // ---- ClientRead: GET /v1/objects/client?filter[id]=N&limit=1 ------------------------------

  @Test
  void clientReadWhenFilterInTheQueryThenListWithPartnerUuid() {
    for (Response r :
        List.of(
            rawGet("/v1/objects/client?filter[id]=" + technical + "&limit=1"),
            server.http.get("/v1/objects/client?filter%5Bid%5D=" + technical + "&limit=1", go),
            server.http.get("/v1/objects/client?filter%5Bid%5D%5B%5D=" + technical, go),
            // The same struct as a POST body: Limit and Offset have no omitempty.
            server.http.send(
                "POST",
                "/v1/objects/client",
                go,
                "{\"filter\":{\"id\":%d},\"limit\":1,\"offset\":0}".formatted(technical),
                Map.of()))) {
      List<JsonNode> clients = decodesAsList(r, CLIENT_INFO_BODY);
      assertThat(clients).as("%s", r).hasSize(1);
      JsonNode client = clients.get(0);
      assertThat(client.path("id").asLong()).isEqualTo(technical);
      assertThat(client.path("partner_uuid").asText()).isEqualTo(partnerUuid);
      assertThat(client.path("partnerid").isIntegralNumber()).isTrue();
      assertThat(client.path("enabled").asBoolean()).isTrue();
    }
  }

  @Test
  void clientReadWhenUnknownIdThenEmptyList() {
    assertThat(
            decodesAsList(rawGet("/v1/objects/client?filter[id]=999999&limit=1"), CLIENT_INFO_BODY))
        .isEmpty();
  }

  // ---- The provider's tenant: read own client, create, read, "delete" (disable) -------------

  @Test
  void tenantWhenProviderCreatesReadsAndDeletesThenEveryAnswerDecodes() {
    // Create: the partner comes from the provider's own client.
    JsonNode own =
        decodesAsList(
                rawGet("/v1/objects/client?filter[id]=" + technical + "&limit=1"), CLIENT_INFO_BODY)
            .get(0);
    String name = "Tenant Go" + SEQUENCE.incrementAndGet();
    Response created =
        server.http.send(
            "POST",
            "/v1/objects/client/create",
            go,
            "{\"name\":\"%s\",\"vuln_prefix\":\"%s\",\"partner_uuid\":\"%s\"}"
                .formatted(name, prefix(), own.path("partner_uuid").asText()),
            Map.of());
    JsonNode tenant = decodesAsObject(created, CLIENT_INFO_BODY);
    long id = tenant.path("id").asLong();
    assertThat(tenant.path("name").asText()).isEqualTo(name);
    assertThat(tenant.path("partner_uuid").asText()).isEqualTo(partnerUuid);

    // Read.
    assertThat(
            decodesAsList(
                    rawGet("/v1/objects/client?filter[id]=" + id + "&limit=1"), CLIENT_INFO_BODY)
                .get(0)
                .path("name")
                .asText())
        .isEqualTo(name);

    // Delete: ClientFields.Enabled has no omitempty, so false is sent.
    Response disabled =
        server.http.send(
            "POST",
            "/v1/objects/client/update",
            go,
            "{\"filter\":{\"id\":%d},\"fields\":{\"enabled\":false}}".formatted(id),
            Map.of());
    List<JsonNode> updated = decodesAsList(disabled, CLIENT_INFO_BODY);
    assertThat(updated).hasSize(1);
    assertThat(updated.get(0).path("id").asLong()).isEqualTo(id);
    assertThat(updated.get(0).path("enabled").asBoolean()).isFalse();
    assertThat(
            decodesAsList(
                    rawGet("/v1/objects/client?filter[id]=" + id + "&limit=1"), CLIENT_INFO_BODY)
                .get(0)
                .path("enabled")
                .asBoolean())
        .isFalse();
  }

  @Test
  void clientCreateWhenNoPrefixSentThenAFreeOneIsChosen() {
    // Newer library versions send no vuln_prefix at all.
    Response created =
        server.http.send(
            "POST",
            "/v1/objects/client/create",
            go,
            "{\"name\":\"Prefixless\",\"partner_uuid\":\"%s\"}".formatted(partnerUuid),
            Map.of());

    JsonNode tenant = decodesAsObject(created, CLIENT_INFO_BODY);
    assertThat(tenant.path("vuln_prefix").asText()).matches("[A-Z0-9]{4}");
  }

  @Test
  void clientUpdateWhenFieldsEmptyOrUnknownThenNothingChangesAndTheListAnswers() {
    long tenant = fixtures.tenant("Go unchanged");
    JsonNode before =
        decodesAsList(rawGet("/v1/objects/client?filter[id]=" + tenant), CLIENT_INFO_BODY).get(0);

    Response empty =
        server.http.send(
            "POST",
            "/v1/objects/client/update",
            go,
            "{\"filter\":{\"id\":%d},\"fields\":{}}".formatted(tenant),
            Map.of());
    Response modes =
        server.http.send(
            "POST",
            "/v1/objects/client/update",
            go,
            "{\"filter\":{\"id\":%d},\"fields\":{\"enabled\":true,\"mode\":\"block\","
                    .formatted(tenant)
                + "\"scanner_mode\":\"on\",\"attack_rechecker_mode\":\"off\"}}",
            Map.of());

    for (Response r : List.of(empty, modes)) {
      assertThat(decodesAsList(r, CLIENT_INFO_BODY)).containsExactly(before);
    }
    assertThat(decodesAsList(rawGet("/v1/objects/client?filter[id]=" + tenant), CLIENT_INFO_BODY))
        .containsExactly(before);
  }

  // ---- Statuses the library treats specially -------------------------------------------------

  @Test
  void statusesWhenNoCredentialOrTooFewPermissionsThen401Or403() {
    Auth analyst =
        Auth.header(
            "X-WallarmAPI-Token",
            fixtures
                .token(
                    fixtures.user(fixtures.technicalClient(), "partner_analytic").session(),
                    List.of("partner_analytic"))
                .secret());

    assertThat(server.http.post("/v1/user", Auth.NONE, null).status()).isEqualTo(401);
    assertThat(read("{\"filter\":{\"id\":1}}", Auth.NONE).status()).isEqualTo(401);
    assertThat(
            server
                .http
                .send(
                    "POST",
                    "/v1/objects/user/create",
                    analyst,
                    "{\"email\":\"%s\",\"password\":\"%s\",\"username\":\"x\",\"realname\":\"X Y\","
                            .formatted(email(), PASSWORD)
                        + "\"permissions\":[\"admin\"],\"enabled\":false}",
                    Map.of())
                .status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .get("/v1/objects/client?filter%5Bid%5D=" + technical + "&limit=1", analyst)
                .status())
        .isEqualTo(403);
  }

  // ---- Where the shapes differ, each is pinned -----------------------------------------------

  @Test
  void shapesWhenObjectsEndpointsOrTheRestThenUnixSecondsThereIsoElsewhere() {
    Response created = createUser(email(), "Shape Pin", "analytic", technical, false);
    Response me = server.http.get("/v1/user", server.admin());
    Response token =
        server.http.get(
            "/v2/api_tokens/" + fixtures.token(server.admin(), List.of("admin")).id(),
            server.admin());

    // /v1/objects: Unix seconds and clientid.
    assertThat(created.body().path("create_at").isIntegralNumber()).isTrue();
    assertThat(created.body().has("client_id")).isFalse();
    // /v1/user: client_id as the Console reads it, clientid beside it.
    assertThat(me.body().path("client_id").asLong()).isEqualTo(technical);
    assertThat(me.body().path("clientid").asLong()).isEqualTo(technical);
    // /v2: ISO-8601 with milliseconds.
    assertThat(token.body().path("create_at").asText())
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  }

  // ---- The requests, as the library writes them ---------------------------------------------

  /** UserCreate as the provider fills it: username is the e-mail, phone left out (omitempty). */
  private static Response createUser(
      String email, String realname, String role, long clientId, boolean enabled) {
    String body =
        """
        {"email":"%s","password":"%s","username":"%1$s","realname":"%s","permissions":["%s"],\
        "clientid":%d,"enabled":%b}"""
            .formatted(email, PASSWORD, realname, role, clientId, enabled);
    Response r = server.http.send("POST", "/v1/objects/user/create", go, body, Map.of());
    assertThat(r.status()).as("create %s: %s", email, r).isIn(200, 409);
    return r;
  }

  private static Response read(String body) {
    return read(body, go);
  }

  private static Response read(String body, Auth auth) {
    return server.http.send("POST", "/v1/objects/user", auth, body, Map.of());
  }

  private static Response update(String format, Object... args) {
    return server.http.send(
        "POST", "/v1/objects/user/update", go, format.formatted(args), Map.of());
  }

  private static Response delete(String body) {
    return server.http.send("POST", "/v1/objects/user/delete", go, body, Map.of());
  }

  /**
   * A GET written to the socket as Go's client writes a raw query: the brackets unescaped (a query
   * Java's URI would refuse).
   */
  private static Response rawGet(String pathAndQuery) {
    URI base = URI.create(server.baseUrl());
    String secret = ((Auth.Header) go).value();
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + pathAndQuery
                  + " HTTP/1.1\r\nHost: "
                  + base.getHost()
                  + "\r\nUser-Agent: Go-http-client/1.1\r\nX-WallarmAPI-Token: "
                  + secret
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      String headers = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      if (headers.contains("transfer-encoding: chunked")) {
        body = unchunked(body);
      }
      return new Response(status, body, JSON.readTree(body), null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toByteArray();
  }

  private static String unchunked(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int end = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, end).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, end + 2, end + 2 + size);
      at = end + 2 + size + 2;
    }
  }

  // ---- The answers, as the library reads them -------------------------------------------------

  /** How {@code json.Unmarshal} reads a JSON value into a field of the declared Go type. */
  enum Go {
    INT,
    STRING,
    BOOL,
    STRINGS,
    LIST,
    STRUCT,
    ANY;

    /** Null leaves a Go field at its zero value; anything else must be of the field's kind. */
    boolean decodes(JsonNode value) {
      return value.isNull()
          || switch (this) {
            case INT -> value.isIntegralNumber() && value.canConvertToLong();
            case STRING -> value.isTextual();
            case BOOL -> value.isBoolean();
            case STRINGS -> value.isArray() && allTexts(value);
            case LIST -> value.isArray();
            case STRUCT -> value.isObject();
            case ANY -> true;
          };
    }

    private static boolean allTexts(JsonNode array) {
      for (JsonNode item : array) {
        if (!item.isTextual()) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code UserParams} (with the {@code UserCreate} it embeds): JSON name → declared type. */
  static final Map<String, Go> USER_PARAMS =
      Map.ofEntries(
          Map.entry("id", Go.INT),
          Map.entry("uuid", Go.STRING),
          Map.entry("clientid", Go.INT),
          Map.entry("email", Go.STRING),
          Map.entry("password", Go.STRING),
          Map.entry("username", Go.STRING),
          Map.entry("realname", Go.STRING),
          Map.entry("permissions", Go.STRINGS),
          Map.entry("actual_permissions", Go.STRINGS),
          Map.entry("mfa_enabled", Go.BOOL),
          Map.entry("create_by", Go.INT),
          Map.entry("create_at", Go.INT),
          Map.entry("create_from", Go.STRING),
          Map.entry("enabled", Go.BOOL),
          Map.entry("validated", Go.BOOL),
          Map.entry("phone", Go.ANY),
          Map.entry("password_changed", Go.INT),
          Map.entry("login_history", Go.LIST),
          Map.entry("timezone", Go.STRING),
          Map.entry("results_per_page", Go.INT),
          Map.entry("default_pool", Go.STRING),
          Map.entry("default_poolid", Go.ANY),
          Map.entry("last_read_news_id", Go.INT),
          Map.entry("search_templates", Go.STRUCT),
          Map.entry("notifications", Go.STRUCT),
          Map.entry("components", Go.STRINGS),
          Map.entry("language", Go.STRING),
          Map.entry("last_login_time", Go.INT),
          Map.entry("date_format", Go.STRING),
          Map.entry("time_format", Go.STRING),
          Map.entry("job_title", Go.ANY),
          Map.entry("available_authentications", Go.STRINGS),
          Map.entry("frontend_url", Go.STRING));

  /** {@code ClientInfoBody}: JSON name → declared type. */
  static final Map<String, Go> CLIENT_INFO_BODY =
      Map.ofEntries(
          Map.entry("id", Go.INT),
          Map.entry("uuid", Go.STRING),
          Map.entry("name", Go.STRING),
          Map.entry("components", Go.STRINGS),
          Map.entry("vuln_prefix", Go.STRING),
          Map.entry("support_plan", Go.STRING),
          Map.entry("date_format", Go.STRING),
          Map.entry("mode", Go.STRING),
          Map.entry("blocking_type", Go.STRING),
          Map.entry("scanner_mode", Go.STRING),
          Map.entry("qrator_blacklists", Go.BOOL),
          Map.entry("notifications", Go.STRUCT),
          Map.entry("last_scan", Go.ANY),
          Map.entry("scanner_cluster", Go.STRING),
          Map.entry("scanner_scope_cluster", Go.STRING),
          Map.entry("scanner_state", Go.STRUCT),
          Map.entry("language", Go.STRING),
          Map.entry("attack_rechecker_mode", Go.STRING),
          Map.entry("vuln_rechecker_mode", Go.STRING),
          Map.entry("validated", Go.BOOL),
          Map.entry("enabled", Go.BOOL),
          Map.entry("create_at", Go.INT),
          Map.entry("partnerid", Go.INT),
          Map.entry("partner_uuid", Go.STRING),
          Map.entry("can_enable_blacklist", Go.BOOL),
          Map.entry("blacklist_disabled_at", Go.INT),
          Map.entry("hidden_vulns", Go.BOOL),
          Map.entry("scanner_priority", Go.STRING));

  /** A 200 envelope whose body decodes into one struct; the body. */
  private static JsonNode decodesAsObject(Response r, Map<String, Go> struct) {
    assertEnvelope(r);
    assertThat(r.body().isObject()).as("body of %s is an object", r).isTrue();
    assertDecodes(r.body(), struct);
    return r.body();
  }

  /** A 200 envelope whose body decodes into a slice of the struct; its items. */
  private static List<JsonNode> decodesAsList(Response r, Map<String, Go> struct) {
    assertEnvelope(r);
    assertThat(r.body().isArray()).as("body of %s is a list", r).isTrue();
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : r.body()) {
      assertThat(item.isObject()).as("item of %s", r).isTrue();
      assertDecodes(item, struct);
      items.add(item);
    }
    return items;
  }

  private static void assertEnvelope(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    // Status int `json:"status"`.
    assertThat(r.json().path("status").isIntegralNumber()).isTrue();
    assertThat(r.json().path("status").asInt()).isEqualTo(200);
  }

  private static void assertDecodes(JsonNode object, Map<String, Go> struct) {
    struct.forEach(
        (field, type) -> {
          if (object.has(field)) {
            assertThat(type.decodes(object.get(field)))
                .as("%s is a Go %s in %s", field, type, object)
                .isTrue();
          }
        });
  }

  // ---- small helpers --------------------------------------------------------------------------

  private static String email() {
    return "go" + SEQUENCE.incrementAndGet() + "@example.com";
  }

  private static String prefix() {
    return String.format("G%03d", SEQUENCE.incrementAndGet() % 1000);
  }

  private static List<Long> ids(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<Long> ids = new ArrayList<>();
    r.body().forEach(u -> ids.add(u.path("id").asLong()));
    return ids;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }
}
