package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.tokens.TokenVerifier.CacheStats;
import dev.tokensmith.web.IsoTime;
import dev.tokensmith.web.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier endpoints and their cache: same credential rules, same answers. */
@UsesDatabase
@WithServer(routes = VerifierIT.ROUTES)
class VerifierIT {
  /** The product behind the gateway. */
  static final String ROUTES =
      """
      GET  /api/attacks/**   attacks:view
      POST /api/attacks      attacks:create
      *    /api/me           -
      """;

  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static TestUser analyst;

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Verified");
    admin = fixtures.user(tenant, "admin");
    analyst = fixtures.user(tenant, "auditor");
  }

  private static Response check(Auth auth, Object body) {
    return server.http.post("/v2/auth/check", auth, body);
  }

  private static Response forward(Auth auth, String method, String uri) {
    return server.http.send(
        "GET",
        "/v2/auth/forward",
        auth,
        null,
        Map.of("X-Original-Method", method, "X-Original-URI", uri));
  }

  private static CacheStats stats() {
    return server.app.verifier().cacheStats();
  }

  /**
   * Checks the token until it is answered from memory. A load that overlaps a change notification
   * (on PostgreSQL the instance also hears its own, a moment later) is not kept, by design, so one
   * check does not always leave the token cached.
   */
  private static void cached(Auth auth) {
    for (int i = 0; i < 50; i++) {
      long loads = stats().loads();
      assertThat(check(auth, Map.of()).status()).isEqualTo(200);
      if (stats().loads() == loads) {
        return;
      }
    }
    throw new AssertionError("the token never stayed cached");
  }

  @Test
  void checkWhenValidTokenThenIdentityAndPermissions() {
    Issued t =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "checked",
                "permissions",
                List.of("analytic"),
                "expire_at",
                IsoTime.format(server.clock.instant().plus(Duration.ofDays(3)))));
    Response r = check(t.auth(), Map.of());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().path("user_id").asLong()).isEqualTo(admin.id());
    assertThat(r.body().path("client_id").asLong()).isEqualTo(tenant);
    assertThat(r.body().path("token_id").asLong()).isEqualTo(t.id());
    assertThat(r.body().path("shared").asBoolean()).isFalse();
    assertThat(r.body().path("permissions").toString())
        .contains("attacks:create")
        .doesNotContain("users:");
    assertThat(r.body().path("expire_at").asText()).endsWith("Z");
  }

  @Test
  void checkWhenPermissionAskedThenGrantedOrForbidden() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    assertThat(check(t.auth(), Map.of("permission", "attacks:view")).status()).isEqualTo(200);
    assertThat(check(t.auth(), Map.of("permission", "users:view")).status()).isEqualTo(403);
    Response unknown = check(t.auth(), Map.of("permission", "attacks:fly"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("permission").path("error").asText()).isEqualTo("invalid");
  }

  @Test
  void checkWhenFieldsAskedThenOnlyThoseInTheirOrderAndStillTheVerdict() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    cached(t.auth());

    Response brief =
        check(t.auth(), Map.of("permission", "attacks:view", "fields", List.of("token_id")));
    assertThat(brief.status()).isEqualTo(200);
    assertThat(brief.text()).isEqualTo("{\"status\":200,\"body\":{\"token_id\":" + t.id() + "}}");
    Response two = check(t.auth(), Map.of("fields", List.of("expire_at", "user_id", "client_id")));
    assertThat(two.text())
        .isEqualTo(
            "{\"status\":200,\"body\":{\"user_id\":"
                + admin.id()
                + ",\"client_id\":"
                + tenant
                + ",\"expire_at\":null}}");
    Response verdict = check(t.auth(), Map.of("fields", List.of()));
    assertThat(verdict.text()).isEqualTo("{\"status\":200,\"body\":{}}");
    // The verdict is the same whatever is asked for.
    assertThat(
            check(t.auth(), Map.of("permission", "users:view", "fields", List.of("token_id")))
                .status())
        .isEqualTo(403);
    assertThat(check(Auth.token("tks1" + "A".repeat(60)), Map.of("fields", List.of())).status())
        .isEqualTo(401);

    Response unknown = check(t.auth(), Map.of("fields", List.of("token_id", "secret")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("fields").path("error").asText()).isEqualTo("invalid");
    assertThat(check(t.auth(), Map.of("fields", "token_id")).status()).isEqualTo(400);
    assertThat(check(t.auth(), Map.of("fields", Collections.nCopies(7, "token_id"))).status())
        .isEqualTo(400);
  }

  @Test
  void checkWhenNoOrBadCredentialThenUnauthorized() {
    assertThat(check(Auth.NONE, Map.of()).status()).isEqualTo(401);
    assertThat(check(Auth.token("x".repeat(64)), Map.of()).status()).isEqualTo(401);
    assertThat(check(Auth.bearer("tks1" + "A".repeat(60)), Map.of()).status()).isEqualTo(401);
    assertThat(
            server
                .http
                .post("/v2/auth/check?token=" + "a".repeat(64), Auth.NONE, Map.of())
                .status())
        .isEqualTo(401);
  }

  @Test
  void checkWhenGlobalTokenNamesTenantThenTenantPermissionsAndOtherClientForbidden() {
    Issued global = fixtures.token(server.admin(), List.of("partner_admin"));
    Response r = check(global.auth(), Map.of("client_id", tenant, "permission", "users:create"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("client_id").asLong()).isEqualTo(tenant);
    TestUser stranger = fixtures.otherPartnerAdmin();
    assertThat(check(global.auth(), Map.of("client_id", stranger.clientId())).status())
        .isEqualTo(403);
  }

  @Test
  void checkWhenSeenBeforeThenAnsweredFromMemory() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    cached(t.auth());
    CacheStats before = stats();
    for (int i = 0; i < 5; i++) {
      assertThat(check(t.auth(), Map.of("permission", "attacks:view")).status()).isEqualTo(200);
    }
    CacheStats after = stats();
    assertThat(after.loads()).isEqualTo(before.loads());
    assertThat(after.hits() - before.hits()).isEqualTo(5);
  }

  @Test
  void checkWhenUnknownWellFormedTokenRepeatedThenDatabaseAskedOnce() {
    String unknown = TestSecrets.unknown("tks1");
    assertThat(check(Auth.token(unknown), Map.of()).status()).isEqualTo(401);
    CacheStats before = stats();
    for (int i = 0; i < 5; i++) {
      assertThat(check(Auth.token(unknown), Map.of()).status()).isEqualTo(401);
    }
    assertThat(stats().loads()).isEqualTo(before.loads());
    assertThat(stats().unknownHits() - before.unknownHits()).isEqualTo(5);
  }

  @Test
  void checkWhenCachedTokenChangesThenRefusedAtOnce() {
    Issued disabled = fixtures.token(admin.session(), List.of("analytic"));
    Issued deleted = fixtures.token(admin.session(), List.of("analytic"));
    Issued renewed = fixtures.token(admin.session(), List.of("analytic"));
    for (Issued t : List.of(disabled, deleted, renewed)) {
      assertThat(check(t.auth(), Map.of()).status()).isEqualTo(200);
    }
    server.http.put("/v2/api_tokens/" + disabled.id(), admin.session(), Map.of("enabled", false));
    server.http.delete("/v2/api_tokens/" + deleted.id(), admin.session());
    server.http.post("/v2/api_tokens/" + renewed.id() + "/secret", admin.session(), Map.of());
    for (Issued t : List.of(disabled, deleted, renewed)) {
      assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
    }
  }

  @Test
  void
      checkWhenRenewedTwiceWhileBothValuesCachedThenEveryOldValueRefusedAndOtherTokensStayCached() {
    Issued bystander = fixtures.token(admin.session(), List.of("analytic"));
    Issued first = fixtures.token(admin.session(), List.of("analytic"));
    assertThat(check(bystander.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(check(first.auth(), Map.of()).status()).isEqualTo(200);
    String renew = "/v2/api_tokens/" + first.id() + "/secret";
    Issued second =
        new Issued(
            first.id(),
            server
                .http
                .post(renew, admin.session(), Map.of("grace_seconds", 60))
                .body()
                .path("secret")
                .asText());
    assertThat(check(first.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(check(second.auth(), Map.of()).status()).isEqualTo(200);

    Issued third =
        new Issued(
            first.id(),
            server.http.post(renew, admin.session(), Map.of()).body().path("secret").asText());
    cached(bystander.auth());
    CacheStats before = stats();

    assertThat(check(first.auth(), Map.of()).status()).isEqualTo(401);
    assertThat(check(second.auth(), Map.of()).status()).isEqualTo(401);
    assertThat(check(third.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(check(bystander.auth(), Map.of()).status()).isEqualTo(200);
    // The two old values and the new one were looked up again; the bystander was answered from
    // memory.
    assertThat(stats().loads() - before.loads()).isEqualTo(3);
  }

  @Test
  void checkWhenOwnerOrClientChangesThenCachedTokenFollows() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued t = fixtures.token(user.session(), List.of("admin"));
    assertThat(check(t.auth(), Map.of("permission", "users:create")).status()).isEqualTo(200);
    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of(
            "filter",
            Map.of("id", user.id()),
            "fields",
            Map.of("permissions", List.of("analytic"))));
    assertThat(check(t.auth(), Map.of("permission", "users:create")).status()).isEqualTo(403);
    assertThat(check(t.auth(), Map.of("permission", "attacks:view")).status()).isEqualTo(200);

    server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", tenant), "fields", Map.of("enabled", false)));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
    server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", tenant), "fields", Map.of("enabled", true)));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(200);

    server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", user.id()), "fields", Map.of("enabled", false)));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
  }

  @Test
  void checkWhenCachedTokenExpiresThenRefusedWithoutWaitingForEviction() {
    Issued t =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "soon",
                "permissions",
                List.of("analytic"),
                "expire_at",
                IsoTime.format(server.clock.instant().plus(Duration.ofSeconds(5)))));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(200);
    server.clock.advance(Duration.ofSeconds(5));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
  }

  @Test
  void checkWhenCachedTokenHasAllowedIpsThenCheckedEveryTime() {
    Issued t =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "fenced",
                "permissions",
                List.of("analytic"),
                "allowed_ips",
                List.of("10.0.0.0/8")));
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
    assertThat(check(t.auth(), Map.of()).status()).isEqualTo(401);
    Issued open =
        fixtures.token(
            admin.session(),
            Map.of(
                "realname",
                "open",
                "permissions",
                List.of("analytic"),
                "allowed_ips",
                List.of("127.0.0.1")));
    assertThat(check(open.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(check(open.auth(), Map.of()).status()).isEqualTo(200);
  }

  @Test
  void checkWhenSessionThenSameRulesAsEverywhere() {
    assertThat(check(admin.session(), Map.of("permission", "users:view")).status()).isEqualTo(200);
    assertThat(check(admin.session().withoutCsrf(), Map.of()).status()).isEqualTo(403);
  }

  @Test
  void forwardWhenRouteNeedsPermissionThenGrantedWithIdentityHeaders() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    Response r = forward(t.auth(), "GET", "/api/attacks/42?x=1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Auth-User-Id")).isEqualTo(Long.toString(admin.id()));
    assertThat(r.header("X-Auth-Client-Id")).isEqualTo(Long.toString(tenant));
    assertThat(r.header("X-Auth-Token-Id")).isEqualTo(Long.toString(t.id()));
    assertThat(forward(t.auth(), "POST", "/api/attacks").status()).isEqualTo(200);
    assertThat(
            server
                .http
                .send(
                    "GET",
                    "/v2/auth/forward",
                    t.auth(),
                    null,
                    Map.of("X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/api/me"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void forwardWhenTokenLacksPermissionOrRouteUnknownThenForbidden() {
    Issued reader = fixtures.token(admin.session(), List.of("attacks:view"));
    assertThat(forward(reader.auth(), "GET", "/api/attacks").status()).isEqualTo(200);
    assertThat(forward(reader.auth(), "POST", "/api/attacks").status()).isEqualTo(403);
    assertThat(forward(reader.auth(), "GET", "/api/secret-admin").status()).isEqualTo(403);
    assertThat(forward(reader.auth(), "GET", "/api/me/../attacks").status()).isEqualTo(403);
    assertThat(forward(reader.auth(), "GET", "/api/attacks/%2e%2e/admin").status()).isEqualTo(403);
    assertThat(server.http.get("/v2/auth/forward", reader.auth()).status()).isEqualTo(403);
  }

  @Test
  void forwardWhenNoTokenThenUnauthorized() {
    assertThat(forward(Auth.NONE, "GET", "/api/attacks").status()).isEqualTo(401);
    assertThat(forward(Auth.token("junk"), "GET", "/api/attacks").status()).isEqualTo(401);
  }

  @Test
  void forwardWhenSharedTokenThenNoUserIdHeader() {
    Issued shared = fixtures.sharedToken(admin.session(), List.of("analytic"));
    Response r = forward(shared.auth(), "GET", "/api/attacks");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Auth-User-Id")).isNull();
    assertThat(r.header("X-Auth-Token-Id")).isEqualTo(Long.toString(shared.id()));
  }

  @Test
  void checkWhenSharedTokenThenNoUserAndNoExpiry() {
    Issued shared = fixtures.sharedToken(admin.session(), List.of("analytic"));
    Response r = check(shared.auth(), Map.of());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().path("user_id").isNull()).isTrue();
    assertThat(r.body().path("shared").asBoolean()).isTrue();
    assertThat(r.body().path("token_id").asLong()).isEqualTo(shared.id());
    assertThat(r.body().path("expire_at").isNull()).isTrue();
  }

  @Test
  void hotEndpointsWhenAnsweredThenSecurityHeadersAsEverywhere() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    for (Response r :
        List.of(
            check(t.auth(), Map.of()),
            check(Auth.NONE, Map.of()),
            server.http.get("/healthz", Auth.NONE),
            forward(t.auth(), "GET", "/api/attacks"))) {
      assertThat(r.header("X-Content-Type-Options")).as("%s", r).isEqualTo("nosniff");
      assertThat(r.header("Cache-Control")).as("%s", r).isEqualTo("no-store");
      assertThat(r.header("Content-Security-Policy")).as("%s", r).startsWith("default-src 'none'");
    }
  }

  @Test
  void checkWhenBodyIsNotAJsonObjectThenBadRequestEnvelope() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    for (String text :
        List.of("{", "[]", "42", "\"x\"", "{\"permission\":7}", "{\"client_id\":\"x\"}")) {
      Response r = check(t.auth(), text);

      assertThat(r.status()).as("%s: %s", text, r).isEqualTo(400);
      assertThat(r.body().isObject()).as("%s: %s", text, r).isTrue();
    }
  }

  @Test
  void checkWhenBodyArrivesInChunksThenReadWhole() throws IOException {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    String granted = chunked(t.secret(), "{\"permission\":", "\"attacks:view\"}");
    String refused = chunked(t.secret(), "{\"permission\":", "\"users:view\"}");

    assertThat(granted).startsWith("HTTP/1.1 200");
    assertThat(refused).startsWith("HTTP/1.1 403");
  }

  @Test
  void checkWhenBodyOver64KibThenPayloadTooLargeWhetherDeclaredOrNot() throws IOException {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    String padding = "{\"pad\":\"" + "x".repeat(WebServer.MAX_BODY_BYTES) + "\"}";

    Response declared = server.http.post("/v2/auth/check", t.auth(), padding);
    String undeclared =
        chunked(t.secret(), padding.substring(0, 40_000), padding.substring(40_000));

    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.body().asText()).isEqualTo("Request body too large");
    assertThat(undeclared).startsWith("HTTP/1.1 413").contains("\"status\":413");
  }

  @Test
  void checkWhenClientExpectsContinueThenContinuedAndAnswered() throws IOException {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    String body = "{\"permission\":\"attacks:view\"}";
    try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v2/auth/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-WallarmApi-Token: "
                  + t.secret()
                  + "\r\nExpect: 100-continue\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(readLine(in)).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(readLine(in)).isEmpty();
      out.write(body.getBytes(StandardCharsets.US_ASCII));
      assertThat(readLine(in)).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void checkWhenOtherMethodOrSpellingThenAnsweredAsByTheRouter() {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    assertThat(server.http.get("/v2/auth/check", t.auth()).status()).isEqualTo(405);
    assertThat(server.http.post("/healthz", Auth.NONE, Map.of()).status()).isEqualTo(405);
    Response slash =
        server.http.post("/v2/auth/check/", t.auth(), Map.of("permission", "attacks:view"));
    assertThat(slash.status()).as("%s", slash).isEqualTo(200);
    assertThat(slash.body().path("token_id").asLong()).isEqualTo(t.id());
  }

  @Test
  void checkWhenCallerKeepsConnectionOpenThenEveryRequestAnsweredOnIt() throws IOException {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    String request =
        "POST /v2/auth/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-WallarmApi-Token: "
            + t.secret()
            + "\r\nContent-Length: 2\r\n\r\n{}";
    try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 3; i++) {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        assertThat(readLine(in)).isEqualTo("HTTP/1.1 200 OK");
        int length = -1;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
          assertThat(line.toLowerCase(Locale.ROOT)).doesNotStartWith("connection: close");
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8))
            .contains("\"token_id\":" + t.id())
            .endsWith("}}");
        // Content-Length is the answer's bytes: nothing of it is left on the connection.
        assertThat(in.available()).isZero();
      }
    }
  }

  @Test
  void checkWhenHttp2CleartextThenServedOverIt() throws Exception {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.app.port() + "/v2/auth/check"))
            .header("X-WallarmApi-Token", t.secret())
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();

    // The first request upgrades the connection (h2c); the second one travels on HTTP/2 itself.
    client.send(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"token_id\":" + t.id());
  }

  @Test
  void checkWhenBodyArrivesInManyTinyChunksThenReadWhole() throws IOException {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    String body = "{\"permission\":\"attacks:view\",\"pad\":\"" + "x".repeat(20_000) + "\"}";

    String answer = chunked(t.secret(), body.split(""));

    assertThat(answer).startsWith("HTTP/1.1 200").contains("\"token_id\":" + t.id());
  }

  @Test
  void checkWhenBodyTooLargeOverHttp2ThenRefusedAndConnectionKeepsServing() throws Exception {
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    String base = "http://127.0.0.1:" + server.app.port();
    client.send(
        HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    String padding = "{\"pad\":\"" + "x".repeat(WebServer.MAX_BODY_BYTES) + "\"}";

    HttpResponse<String> refused =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/auth/check"))
                .header("X-WallarmApi-Token", t.secret())
                .POST(HttpRequest.BodyPublishers.ofString(padding))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> after =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/auth/check"))
                .header("X-WallarmApi-Token", t.secret())
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(after.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(after.statusCode()).isEqualTo(200);
  }

  /** POST /v2/auth/check with the body sent in chunks of unannounced length: the raw answer. */
  private static String chunked(String secret, String... chunks) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.app.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder request =
          new StringBuilder(
              "POST /v2/auth/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "X-WallarmApi-Token: "
                  + secret
                  + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
      for (String chunk : chunks) {
        request
            .append(Integer.toHexString(chunk.length()))
            .append("\r\n")
            .append(chunk)
            .append("\r\n");
      }
      socket
          .getOutputStream()
          .write(request.append("0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      try {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (SocketException e) {
        return ""; // the server may close before reading everything; the tests then see no answer
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
