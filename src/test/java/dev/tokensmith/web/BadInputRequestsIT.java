package dev.tokensmith.web;

import static dev.tokensmith.web.Rejections.assertField;
import static dev.tokensmith.web.Rejections.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad requests as a whole, on every create/update endpoint: bodies that are not JSON objects,
 * bodies over 64 KiB, junk credentials, credentials in the query string, broken URLs.
 */
@UsesDatabase
class BadInputRequestsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  static TestServer server;
  static Rejections rejections;
  static Auth.Session admin;
  static Fixtures.Issued adminToken;
  static long tokenId;
  static long userId;
  static long tenantId;
  static String partnerUuid;

  /** An endpoint; {@code {token}} in the path is the live target token. */
  record Endpoint(String method, String path) {
    String resolvedPath() {
      return path.replace("{token}", Long.toString(tokenId));
    }

    /** A body the endpoint would accept from the Global Administrator (null for reads). */
    Map<String, Object> validBody() {
      return switch (path) {
        case "/v2/api_tokens" ->
            method.equals("GET") ? null : Map.of("realname", "r", "permissions", List.of("admin"));
        case "/v2/api_tokens/{token}" ->
            method.equals("PUT") ? Map.of("realname", "renamed") : null;
        case "/v2/api_tokens/{token}/secret" ->
            method.equals("POST") ? Map.of("grace_seconds", 0) : null;
        case "/v1/objects/user/create" ->
            Map.of(
                "email", "created@example.com", "realname", "C", "permissions", List.of("admin"));
        case "/v1/objects/user/update" ->
            Map.of("filter", Map.of("id", userId), "fields", Map.of("realname", "R"));
        case "/v1/objects/user/delete" -> Map.of("filter", Map.of("id", userId));
        case "/v1/objects/client/create" ->
            Map.of("name", "T", "vuln_prefix", "ZZZ9", "partner_uuid", partnerUuid);
        case "/v1/objects/client/update" ->
            Map.of("filter", Map.of("id", tenantId), "fields", Map.of("name", "N"));
        default -> null;
      };
    }

    Response send(Auth auth, Object sent) {
      return server.http.send(method, resolvedPath(), auth, sent, Map.of());
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static final List<Endpoint> WRITES =
      List.of(
          new Endpoint("POST", "/v2/api_tokens"),
          new Endpoint("PUT", "/v2/api_tokens/{token}"),
          new Endpoint("POST", "/v2/api_tokens/{token}/secret"),
          new Endpoint("POST", "/v1/objects/user/create"),
          new Endpoint("POST", "/v1/objects/user/update"),
          new Endpoint("POST", "/v1/objects/user/delete"),
          new Endpoint("POST", "/v1/objects/client/create"),
          new Endpoint("POST", "/v1/objects/client/update"));

  static final List<Endpoint> READS =
      List.of(
          new Endpoint("GET", "/v2/api_tokens"),
          new Endpoint("GET", "/v2/api_tokens/{token}"),
          new Endpoint("GET", "/v2/api_tokens/{token}/secret"),
          new Endpoint("GET", "/v2/activity_log"),
          new Endpoint("GET", "/v1/user"),
          new Endpoint("DELETE", "/v2/api_tokens/{token}"));

  @BeforeAll
  static void start() {
    server = TestServer.start();
    rejections = new Rejections(server);
    admin = server.admin();
    Fixtures fixtures = new Fixtures(server);
    adminToken = fixtures.token(admin, List.of("partner_admin"));
    tokenId = fixtures.token(admin, List.of("admin")).id();
    userId = fixtures.user(fixtures.technicalClient(), "analytic").id();
    tenantId = fixtures.tenant("Tenant for bad requests");
    partnerUuid = server.http.get("/v1/user", admin).body().path("partner_uuid").asText();
  }

  @AfterAll
  static void stop() {
    rejections.close();
    server.close();
  }

  static Stream<Endpoint> writes() {
    return WRITES.stream();
  }

  static Stream<Endpoint> everything() {
    return Stream.concat(WRITES.stream(), READS.stream());
  }

  static final List<String> NOT_OBJECTS =
      List.of(
          "{",
          "not json",
          "[]",
          "[{\"realname\":\"x\"}]",
          "\"text\"",
          "42",
          "-1e999",
          "true",
          "null",
          "{\"realname\":\"x\",}",
          "{\"a\":1}{}",
          "{\"a\":1} trailing",
          "{\"realname\":\"a\",\"realname\":\"b\"}",
          "{'realname':'x'}",
          "{\"a\":01}",
          "{\"a\":NaN}",
          "{\"a\":\"\\x\"}",
          "[".repeat(5000) + "]".repeat(5000),
          "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
          "\uFEFF{}");

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writeWhenBodyIsNotAJsonObjectThenBodyInvalidAndNothingChanges(Endpoint endpoint) {
    for (String text : NOT_OBJECTS) {
      Response r = rejections.unchanged(() -> endpoint.send(admin, text));

      assertField(r, "body", "invalid");
      assertThat(r.body().path("body").path("value").isNull()).isTrue();
    }
  }

  @Test
  void loginWhenBodyIsNotAJsonObjectThenBodyInvalid() {
    for (String text : NOT_OBJECTS) {
      assertField(
          rejections.unchanged(() -> server.http.post("/v1/login", Auth.NONE, text)),
          "body",
          "invalid");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writeWhenNoCredentialAndBadBodyThenUnauthorized(Endpoint endpoint) {
    for (String text : List.of("{", "[]", "42")) {
      assertStatus(rejections.unchanged(() -> endpoint.send(Auth.NONE, text)), 401);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writeWhenBodyOver64KibThenPayloadTooLargeAndNothingChanges(Endpoint endpoint) {
    String text = "{\"realname\":\"" + "x".repeat(WebServer.MAX_BODY_BYTES) + "\"}";

    assertStatus(rejections.unchanged(() -> endpoint.send(admin, text)), 413);
  }

  @Test
  void loginWhenBodyOver64KibThenPayloadTooLarge() {
    String text = "{\"email\":\"" + "x".repeat(WebServer.MAX_BODY_BYTES) + "\"}";

    assertStatus(rejections.unchanged(() -> server.http.post("/v1/login", Auth.NONE, text)), 413);
  }

  @Test
  void createWhenBodyExactly64KibThenAccepted() {
    String head = "{\"realname\":\"exactly 64 KiB\",\"permissions\":[\"admin\"],\"pad\":\"";
    String text = head + "x".repeat(WebServer.MAX_BODY_BYTES - head.length() - 2) + "\"}";
    assertThat(text).hasSize(WebServer.MAX_BODY_BYTES);

    Response r = server.http.post("/v2/api_tokens", admin, text);

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(server.http.delete("/v2/api_tokens/" + r.id(), admin).status()).isEqualTo(200);
  }

  static List<Auth> junkCredentials() {
    String unknown = TestSecrets.unknown("tks1");
    String badChecksum = unknown.substring(0, 63) + (unknown.charAt(63) == 'a' ? 'b' : 'a');
    String foreignPrefix = TestSecrets.unknown("abcd");
    return List.of(
        Auth.token("abc"),
        Auth.token(""),
        Auth.token("x".repeat(10_000)),
        Auth.token("a".repeat(64)),
        Auth.token(badChecksum),
        Auth.token(unknown),
        Auth.token(foreignPrefix),
        Auth.token(unknown + "x"),
        Auth.token(adminToken.secret().toLowerCase()),
        Auth.token(adminToken.secret().substring(1)),
        Auth.bearer("junk"),
        Auth.bearer(unknown),
        Auth.header("Authorization", "Basic " + adminToken.secret()),
        Auth.header("Authorization", adminToken.secret()),
        Auth.header("X-WallarmAPI-UUID", "not-a-uuid"),
        Auth.header("Cookie", "tks_session=junk"),
        Auth.header("Cookie", "tks_session=" + "j".repeat(4000)),
        Auth.header("Cookie", "tks_session=" + admin.csrf()),
        Auth.header("X-CSRF-Token", admin.csrf()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everything")
  void anyEndpointWhenJunkCredentialThenUnauthorizedAndNothingChanges(Endpoint endpoint) {
    for (Auth junk : junkCredentials()) {
      Response r = rejections.unchanged(() -> endpoint.send(junk, endpoint.validBody()));

      assertThat(r.status()).as("%s with %s: %s", endpoint, junk, r).isEqualTo(401);
      assertStatus(r, 401);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writeWhenSessionWithJunkCsrfThenForbiddenAndNothingChanges(Endpoint endpoint) {
    Auth junkCsrf =
        (Auth.Custom)
            (request, changing) ->
                request
                    .header("Cookie", "tks_session=" + admin.cookie())
                    .header("X-CSRF-Token", "junk");

    assertStatus(rejections.unchanged(() -> endpoint.send(junkCsrf, endpoint.validBody())), 403);
    assertStatus(
        rejections.unchanged(() -> endpoint.send(admin.withoutCsrf(), endpoint.validBody())), 403);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "token",
        "X-WallarmApi-Token",
        "x-wallarmapi-token",
        "api_token",
        "access_token",
        "Authorization",
        "tks_session"
      })
  void anyEndpointWhenCredentialInQueryStringThenUnauthorizedAndNothingChanges(String name) {
    String value =
        name.equals("tks_session")
            ? admin.cookie()
            : name.equals("Authorization")
                ? "Bearer%20" + adminToken.secret()
                : adminToken.secret();
    everything()
        .forEach(
            endpoint -> {
              String path = endpoint.resolvedPath() + "?" + name + "=" + value;

              Response r =
                  rejections.unchanged(
                      () ->
                          server.http.send(
                              endpoint.method(), path, Auth.NONE, endpoint.validBody(), Map.of()));

              assertStatus(r, 401);
            });
  }

  @Test
  void anyEndpointWhenMalformedPercentEncodingThenBadRequestEnvelope() throws IOException {
    for (String target :
        List.of(
            "/v2/api_tokens?limit=%zz",
            "/v2/api_tokens?realname=%",
            "/v2/api_tokens/%zz",
            "/v2/activity_log?from=%E0%A4%A",
            "/v2/api_tokens?%=1",
            "/v2/api_tokens/%zz/secret")) {
      String[] answer = raw("GET", target, "", "");

      assertThat(Integer.parseInt(answer[0])).as("%s: %s", target, answer[1]).isBetween(400, 499);
      assertThat(JSON.readTree(answer[1]).path("status").asText())
          .as("%s: %s", target, answer[1])
          .isEqualTo(answer[0]);
    }
    assertThat(
            JSON.readTree(raw("GET", "/v2/api_tokens?limit=%zz", "", "")[1])
                .path("body")
                .path("query")
                .path("error")
                .asText())
        .isEqualTo("invalid");
  }

  @Test
  void createWhenFormMultipartOrTextBodyThenBadRequestEnvelopeAndNothingChanges()
      throws IOException {
    String state = rejections.state();
    for (String[] typed :
        List.of(
            new String[] {"application/x-www-form-urlencoded", "realname=%zz&permissions=admin"},
            new String[] {
              "multipart/form-data; boundary=x",
              "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"
            },
            new String[] {"text/plain", "{\"realname\":"},
            new String[] {"application/json; charset=latin1", "\u00ff"})) {
      String[] answer =
          raw(
              "POST",
              "/v2/api_tokens",
              "Content-Type: " + typed[0] + "\r\nX-CSRF-Token: " + admin.csrf() + "\r\n",
              typed[1]);

      // Vert.x decodes form bodies itself: a broken one is its plain 400, a multipart one reads as
      // no body at all.
      assertThat(answer[0]).as("%s: %s", typed[0], answer[1]).isEqualTo("400");
      assertThat(JSON.readTree(answer[1]).path("status").asInt())
          .as("%s", answer[1])
          .isEqualTo(400);
    }
    assertThat(rejections.state()).isEqualTo(state);
  }

  @Test
  void anyEndpointWhenWrongMethodOrUnknownPathThenEnvelope() {
    assertStatus(
        server.http.send(
            "PATCH", "/v2/api_tokens/" + tokenId, admin, Map.of("realname", "x"), Map.of()),
        405);
    assertStatus(
        server.http.post("/v2/api_tokens/" + tokenId, admin, Map.of("realname", "x")), 405);
    assertStatus(
        server.http.post("/v2/api_tokens/" + tokenId + "/secret/extra", admin, Map.of()), 404);
    assertStatus(server.http.post("/v1/objects/nothing/create", admin, Map.of()), 404);
  }

  @Test
  void anyEndpointWhenRequestLineOrHeadersTooLongThenClientErrorEnvelope() {
    Response longUrl = server.http.get("/v2/api_tokens?realname=" + "x".repeat(20_000), admin);
    Response longHeader =
        server.http.send(
            "GET", "/v2/api_tokens", admin, null, Map.of("X-Junk", "j".repeat(40_000)));

    assertStatus(longUrl, 414);
    assertStatus(longHeader, 431);
  }

  @Test
  void createWhenNameHasLoneSurrogateThenStoredAndReadBackNeverServerError() {
    Response r =
        server.http.post(
            "/v2/api_tokens", admin, "{\"realname\":\"\\ud800 lone\",\"permissions\":[\"admin\"]}");

    assertThat(r.status()).as("%s", r).isIn(200, 400);
    if (r.status() == 200) {
      assertThat(
              server.http.get("/v2/api_tokens/" + r.id(), admin).body().path("realname").asText())
          .endsWith(" lone");
      assertThat(server.http.delete("/v2/api_tokens/" + r.id(), admin).status()).isEqualTo(200);
    }
  }

  @Test
  void writeWhenTextHasNulCharacterThenInvalid() {
    Response created =
        server.http.post(
            "/v2/api_tokens",
            admin,
            Map.of("realname", "nul\u0000name", "permissions", List.of("admin")));
    Response login =
        server.http.post(
            "/v1/login", Auth.NONE, Map.of("email", "nul\u0000@example.com", "password", "x"));
    Response list = server.http.get("/v2/api_tokens?realname=%00", admin);

    assertField(created, "realname", "invalid");
    assertField(login, "email", "invalid");
    assertField(list, "realname", "invalid");
  }

  /**
   * A request with the admin's session, its target sent as written (java.net.URI refuses bad
   * escapes): status, body.
   */
  private static String[] raw(String method, String target, String headers, String body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
      socket.setSoTimeout(10_000);
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      String head =
          method
              + " "
              + target
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: tks_session="
              + admin.cookie()
              + "\r\n"
              + headers
              + "Content-Length: "
              + content.length
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(content);
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {
        response.split(" ", 3)[1], response.substring(response.indexOf("\r\n\r\n") + 4)
      };
    }
  }
}
