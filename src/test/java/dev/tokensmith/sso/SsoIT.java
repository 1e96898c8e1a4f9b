package dev.tokensmith.sso;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on (4.6) through the real server and an in-process OpenID Connect IdP: the settings
 * API, the whole code flow as a browser drives it (redirects followed by hand, cookies kept), and
 * every way a login is refused.
 */
@UsesDatabase
@WithServer
class SsoIT {
  static final String IDP_CLIENT = "tokensmith";
  static final String IDP_SECRET = "idp-client-secret-0123456789";
  static final HttpClient BROWSER =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  static TestServer server;
  static Fixtures fixtures;
  static MockOAuth2Server idpServer;
  static long tenant;
  static TestUser admin;

  @BeforeAll
  static void seed() throws Exception {
    SecretLedger.record(IDP_SECRET);
    idpServer = new MockOAuth2Server();
    idpServer.start(InetAddress.getByName("127.0.0.1"), 0);
    tenant = fixtures.tenant("Sso");
    admin = fixtures.user(tenant, "admin");
    Response r = put(admin.session(), tenant, settings("sso-a.example", true, false));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    idpServer.shutdown();
  }

  static String issuer() {
    return idpServer.issuerUrl("idp").toString();
  }

  static Map<String, Object> settings(String domain, boolean provisioning, boolean strict) {
    Map<String, Object> body = new HashMap<>();
    body.put("enabled", true);
    body.put("issuer", issuer());
    body.put("client_id", IDP_CLIENT);
    body.put("client_secret", IDP_SECRET);
    body.put("default_role", "analytic");
    body.put("provisioning", provisioning);
    body.put("strict", strict);
    body.put("email_domains", List.of(domain));
    return body;
  }

  static Response put(Auth caller, long clientId, Map<String, Object> body) {
    return server.http.put("/v2/sso?client_id=" + clientId, caller, body);
  }

  // ---- the browser ---------------------------------------------------------------------------

  static HttpResponse<String> get(String url, String cookie) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
      if (cookie != null) {
        request.header("Cookie", cookie);
      }
      return BROWSER.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
        .findFirst()
        .orElse(null);
  }

  /**
   * A login up to the callback (not yet followed). The IdP's answer (these claims) is set up only
   * when the callback is to reach the IdP's token endpoint: a refusal before it leaves nothing
   * queued at the IdP for the next test.
   */
  record Flow(
      String callbackUrl,
      String browserCookie,
      String email,
      Map<String, Object> claims,
      List<String> audience,
      long expiry) {
    HttpResponse<String> complete() {
      idpServer.enqueueCallback(
          new DefaultOAuth2TokenCallback(
              "idp", "subject-" + email, "JWT", audience, claims, expiry));
      return completeWithoutIdp();
    }

    /** The callback of a login refused before the code reaches the IdP. */
    HttpResponse<String> completeWithoutIdp() {
      return get(callbackUrl, "tks_sso=" + browserCookie);
    }
  }

  /**
   * How far the server's clock is ahead of the real time the IdP signs with: an ID token that is to
   * live {@code n} seconds by the server's clock is issued for {@code n} plus this.
   */
  static long serverClockAhead() {
    return Duration.between(java.time.Instant.now(), server.clock.instant()).toSeconds();
  }

  /** A login followed from the start through the IdP's authorization endpoint to its callback. */
  record AtCallback(String url, String browserCookie) {
    HttpResponse<String> follow() {
      return get(url, "tks_sso=" + browserCookie);
    }
  }

  static AtCallback reachCallback(String email, String authorizationEndpoint) {
    HttpResponse<String> start =
        get(
            server.baseUrl()
                + "/v1/sso/start?email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8),
            null);
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    String location = start.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(authorizationEndpoint);
    assertThat(location).contains("code_challenge_method=S256").contains("nonce=");
    String browser = cookie(start, "tks_sso");
    assertThat(browser).isNotNull();
    HttpResponse<String> atIdp = get(location, null);
    assertThat(atIdp.statusCode()).isEqualTo(302);
    String callback = atIdp.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(server.baseUrl() + "/v1/sso/callback?");
    return new AtCallback(callback, browser);
  }

  static Flow startLogin(
      String email, Map<String, Object> claims, List<String> audience, long expiry) {
    AtCallback at = reachCallback(email, idpServer.authorizationEndpointUrl("idp").toString());
    return new Flow(
        at.url(), at.browserCookie(), email, claims, audience, expiry + serverClockAhead());
  }

  static Flow startLogin(String email, Map<String, Object> claims) {
    return startLogin(email, claims, List.of(IDP_CLIENT), 600);
  }

  /** The callback's answer clears the login's browser cookie. */
  static void browserCookieCleared(HttpResponse<?> callback) {
    assertThat(callback.headers().allValues("Set-Cookie"))
        .as("%s", callback.headers())
        .anySatisfy(c -> assertThat(c).startsWith("tks_sso=;").contains("Max-Age=0"));
  }

  /** The newest activity record (action and changes), to say why a login was refused. */
  static String lastActivity() {
    try (var c =
            java.sql.DriverManager.getConnection(
                server.database.url(), server.database.user(), "");
        var statement = c.createStatement();
        var rs =
            statement.executeQuery(
                "SELECT action, changes FROM activity ORDER BY id DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) + " " + rs.getString(2) : "";
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static Auth.Session sessionOf(HttpResponse<String> callback) {
    return sessionOf(callback, tenant);
  }

  static Auth.Session sessionOf(HttpResponse<String> callback, long clientId) {
    assertThat(callback.statusCode())
        .as("%s %s", callback.body(), callback.statusCode() == 302 ? "" : lastActivity())
        .isEqualTo(302);
    browserCookieCleared(callback);
    String location = callback.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/console/#sso_csrf=");
    String csrf = location.substring("/console/#sso_csrf=".length());
    String cookie = cookie(callback, "tks_session");
    SecretLedger.record(csrf);
    SecretLedger.record(cookie);
    return new Auth.Session(cookie, csrf, 0, clientId);
  }

  static Map<String, Object> claims(String email, Object role) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("email", email);
    if (role != null) {
      claims.put("tokensmith_role", role);
    }
    return claims;
  }

  /** The callback was refused (401), and the activity log says why (unless reason is null). */
  static void refused(HttpResponse<String> callback, String reason) {
    refused(callback, reason, admin);
  }

  /** The same, for a login to the client of {@code clientAdmin}. */
  static void refused(HttpResponse<String> callback, String reason, TestUser clientAdmin) {
    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(401);
    assertThat(callback.body()).isEqualTo("{\"status\":401,\"body\":\"Unauthorized\"}");
    assertThat(cookie(callback, "tks_session")).as("no session").isNull();
    browserCookieCleared(callback);
    if (reason == null) {
      return;
    }
    Response log =
        server.http.get(
            "/v2/activity_log?object_type=session&limit=1&client_id=" + clientAdmin.clientId(),
            clientAdmin.session());
    JsonNode last = log.body().path(0);
    assertThat(last.path("outcome").asText()).as("%s", log).isEqualTo("failure");
    assertThat(last.path("action").asText()).as("%s", log).isEqualTo("login_failed");
    assertThat(last.path("changes").path("sso").path(1).asText()).as("%s", log).isEqualTo(reason);
  }

  // ---- the code flow -------------------------------------------------------------------------

  @Test
  void loginWhenNewUserAndProvisioningThenCreatedWithTheClaimedRoleAndAWorkingSession() {
    String email = "new-1@sso-a.example";
    Auth.Session session =
        sessionOf(startLogin(email, claims(email, "wallarm_role:admin")).complete());

    Response me = server.http.get("/v1/user", session);
    assertThat(me.status()).as("%s", me).isEqualTo(200);
    assertThat(me.body().path("email").asText()).isEqualTo(email);
    assertThat(me.body().path("role").asText()).isEqualTo("admin");
    assertThat(me.body().path("sso").asText()).isEqualTo("sso");
    assertThat(me.body().path("client_id").asLong()).isEqualTo(tenant);
    // A change needs the CSRF token handed over in the redirect.
    assertThat(server.http.post("/v1/user", session, Map.of()).status()).isEqualTo(200);
    assertThat(server.http.post("/v1/user", session.withoutCsrf(), Map.of()).status())
        .isEqualTo(403);
  }

  @Test
  void loginWhenNoRoleClaimThenDefaultRoleAndLaterLoginsFollowTheClaim() {
    String email = "new-2@sso-a.example";
    Auth.Session first = sessionOf(startLogin(email, claims(email, null)).complete());
    assertThat(server.http.get("/v1/user", first).body().path("role").asText())
        .isEqualTo("analytic");

    Auth.Session second = sessionOf(startLogin(email, claims(email, "auditor")).complete());

    assertThat(server.http.get("/v1/user", second).body().path("role").asText())
        .isEqualTo("auditor");
  }

  @Test
  void callbackWhenStateReplayedThenRefused() {
    String email = "replay@sso-a.example";
    Flow flow = startLogin(email, claims(email, null));
    sessionOf(flow.complete());

    // Unknown once used: recorded without a client, since the state no longer names one.
    refused(flow.completeWithoutIdp(), null);
  }

  @Test
  void callbackWhenLoginOlderThanTenMinutesThenRefused() {
    String email = "late@sso-a.example";
    Flow flow = startLogin(email, claims(email, null));

    server.clock.advance(Duration.ofMinutes(11));

    refused(flow.completeWithoutIdp(), "state_expired");
  }

  @Test
  void loginWhenClaimLowersTheRoleThenTokensNarrowForGood() {
    String email = "lowered@sso-a.example";
    Auth.Session asAdmin = sessionOf(startLogin(email, claims(email, "admin")).complete());
    Response created =
        server.http.post(
            "/v2/api_tokens",
            asAdmin,
            Map.of("realname", "Before the IdP lowered me", "permissions", List.of("admin")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);

    sessionOf(startLogin(email, claims(email, "analytic")).complete());

    Response token = server.http.get("/v2/api_tokens/" + created.id(), admin.session());
    assertThat(token.body().path("permissions").toString()).doesNotContain("users:");
    // Raising the role again does not widen the token (T9).
    sessionOf(startLogin(email, claims(email, "admin")).complete());
    Response again = server.http.get("/v2/api_tokens/" + created.id(), admin.session());
    assertThat(again.body().path("permissions")).isEqualTo(token.body().path("permissions"));
  }

  @Test
  void callbackWhenAnotherBrowserThenRefused() {
    String email = "browser@sso-a.example";
    Flow flow = startLogin(email, claims(email, null));

    refused(get(flow.callbackUrl(), "tks_sso=someone-elses-cookie-value"), "browser_mismatch");
    // The state was used up by the refused attempt too (refused before the IdP: nothing queued
    // there for the next test's login).
    assertThat(flow.completeWithoutIdp().statusCode()).isEqualTo(401);
  }

  @Test
  void callbackWhenBrowserCookieTamperedThenRefused() {
    String email = "tampered@sso-a.example";
    Flow flow = startLogin(email, claims(email, null));
    String cookie = flow.browserCookie();
    char last = cookie.charAt(cookie.length() - 1);
    String tampered = cookie.substring(0, cookie.length() - 1) + (last == 'A' ? 'B' : 'A');

    refused(get(flow.callbackUrl(), "tks_sso=" + tampered), "browser_mismatch");
  }

  @Test
  void callbackWhenTheLoginLostItsPkceVerifierThenRefusedBeforeTheIdp() throws Exception {
    String email = "verifier@sso-a.example";
    Flow flow = startLogin(email, claims(email, null));
    try (var c =
            java.sql.DriverManager.getConnection(
                server.database.url(), server.database.user(), "");
        var statement = c.createStatement()) {
      assertThat(statement.executeUpdate("UPDATE sso_logins SET code_verifier = ''"))
          .isGreaterThan(0);
    }

    refused(flow.completeWithoutIdp(), "verifier_missing");
  }

  @Test
  void callbackWhenIdTokenExpiredByTheServersClockThenRefused() {
    String email = "clock@sso-a.example";
    // Valid for two minutes by every clock when issued; the server's clock then moves five on.
    Flow flow = startLogin(email, claims(email, null), List.of(IDP_CLIENT), 120);

    server.clock.advance(Duration.ofMinutes(5));

    refused(flow.complete(), "id_token_invalid");
  }

  @Test
  void callbackWhenIdTokenExpiredThenRefused() {
    String email = "expired@sso-a.example";
    Flow flow = startLogin(email, claims(email, null), List.of(IDP_CLIENT), -600);

    // The mock IdP's answer with an expired ID token fails at the exchange or at the ID token's
    // check
    // (OidcProviderTest checks the expiry itself).
    refused(flow.completeWithoutIdp(), null);
  }

  @Test
  void callbackWhenNonceDiffersThenRefused() {
    String email = "nonce@sso-a.example";
    Map<String, Object> claims = claims(email, null);
    // The IdP answers with a nonce of another login.
    claims.put("nonce", "not-the-nonce-sent");
    Flow flow = startLogin(email, claims);

    refused(flow.complete(), "id_token_invalid");
  }

  // ---- the ID token's checks, through the code exchange with a real IdP ----------------------

  @Test
  void callbackWhenIdTokenNamesAnotherIssuerThenRefusedAndNobodyCreated() {
    String email = "issuer@sso-a.example";
    Map<String, Object> claims = claims(email, "admin");
    // Signed with the configured IdP's own key, but issued in the name of another issuer.
    claims.put("iss", idpServer.issuerUrl("other-idp").toString());
    Flow flow = startLogin(email, claims);

    refused(flow.complete(), "id_token_invalid");
    assertThat(findUser(admin.session(), email).isMissingNode()).isTrue();
  }

  @Test
  void callbackWhenIdTokenForAnotherAudienceThenRefusedAndNobodyCreated() {
    String email = "audience@sso-a.example";
    Map<String, Object> claims = claims(email, "admin");
    // The IdP's token for another of its clients, not the client id configured here. (The mock
    // IdP's ID token is for the client that redeems the code whatever audience its callback
    // names: the claim itself is set.)
    claims.put("aud", List.of("someone-else"));
    Flow flow = startLogin(email, claims);

    refused(flow.complete(), "id_token_invalid");
    assertThat(findUser(admin.session(), email).isMissingNode()).isTrue();
  }

  /**
   * A client of its own whose SSO trusts {@code idp} (a stand-in IdP whose keys the test holds),
   * for e-mails of {@code domain}, with provisioning: its administrator.
   */
  static TestUser clientTrusting(StubIdp idp, String domain) {
    long clientId = fixtures.tenant("Sso " + domain);
    TestUser clientAdmin = fixtures.user(clientId, "admin");
    Map<String, Object> body = settings(domain, true, false);
    body.put("issuer", idp.issuer());
    Response r = put(clientAdmin.session(), clientId, body);
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return clientAdmin;
  }

  /** A whole login of {@code email} at the stand-in IdP: the callback's answer. */
  static HttpResponse<String> loginAt(StubIdp idp, String email) {
    idp.vouchFor(email);
    return reachCallback(email, idp.authorizationEndpoint()).follow();
  }

  static void loggedIn(HttpResponse<String> callback, TestUser clientAdmin, String email) {
    Auth.Session session = sessionOf(callback, clientAdmin.clientId());
    Response me = server.http.get("/v1/user", session);
    assertThat(me.status()).as("%s", me).isEqualTo(200);
    assertThat(me.body().path("email").asText()).isEqualTo(email);
  }

  @Test
  void callbackWhenIdTokenSignatureDoesNotVerifyThenRefused() throws Exception {
    try (StubIdp idp = new StubIdp(IDP_CLIENT, server.clock)) {
      RSAKey idpKey = StubIdp.newKey("idp-key");
      idp.publish(idpKey);
      TestUser clientAdmin = clientTrusting(idp, "sso-signature.example");
      String email = "forged@sso-signature.example";
      // Signed by another key under the key id of the IdP's: the key is found, the signature
      // does not verify with it.
      idp.signWith(StubIdp.newKey("forger"), idpKey.getKeyID());

      refused(loginAt(idp, email), "id_token_invalid", clientAdmin);
      assertThat(findUser(clientAdmin.session(), email).isMissingNode()).isTrue();

      // The same login signed by the IdP's key passes: the signature alone was refused.
      idp.signWith(idpKey);
      loggedIn(loginAt(idp, email), clientAdmin, email);
    }
  }

  @Test
  void callbackWhenIdTokenSignedWithAKeyTheJwksRotatedOutThenRefused() throws Exception {
    try (StubIdp idp = new StubIdp(IDP_CLIENT, server.clock)) {
      RSAKey old = StubIdp.newKey("key-2025");
      RSAKey current = StubIdp.newKey("key-2026");
      idp.publish(old);
      idp.signWith(old);
      TestUser clientAdmin = clientTrusting(idp, "sso-rotated-out.example");
      String email = "rotated-out@sso-rotated-out.example";
      loggedIn(loginAt(idp, email), clientAdmin, email);
      // The IdP rotates: the JWKS lists only the new key, which signs the next login (so the
      // server has fetched the JWKS without the old key).
      idp.publish(current);
      idp.signWith(current);
      loggedIn(loginAt(idp, email), clientAdmin, email);

      idp.signWith(old);

      refused(loginAt(idp, email), "id_token_invalid", clientAdmin);
    }
  }

  @Test
  void callbackWhenTheIdpRotatedToANewKeyThenTheJwksIsFetchedAgainAndTheLoginAccepted()
      throws Exception {
    try (StubIdp idp = new StubIdp(IDP_CLIENT, server.clock)) {
      RSAKey old = StubIdp.newKey("key-a");
      RSAKey next = StubIdp.newKey("key-b");
      idp.publish(old);
      idp.signWith(old);
      TestUser clientAdmin = clientTrusting(idp, "sso-rotated-in.example");
      String email = "rotated-in@sso-rotated-in.example";
      loggedIn(loginAt(idp, email), clientAdmin, email);
      assertThat(idp.jwksFetches()).isEqualTo(1);

      // A new key appears in the JWKS (the old one still listed) and signs from now on.
      idp.publish(next, old);
      idp.signWith(next);

      loggedIn(loginAt(idp, email), clientAdmin, email);
      assertThat(idp.jwksFetches()).as("the JWKS fetched again for the new key").isEqualTo(2);
    }
  }

  @Test
  void callbackWhenRoleClaimNamesNoRoleThenRefusedAndNobodyCreated() {
    String email = "unknown-role@sso-a.example";
    Flow flow = startLogin(email, claims(email, "wallarm_role:superuser"));

    refused(flow.complete(), "unknown_role");
    Response found =
        server.http.post(
            "/v1/objects/user",
            admin.session(),
            Map.of("filter", Map.of("clientid", tenant, "email", email)));
    assertThat(found.body()).isEmpty();
  }

  @Test
  void callbackWhenEmailOfAnotherClientsDomainThenRefused() {
    long other = fixtures.tenant("Sso other");
    TestUser otherAdmin = fixtures.user(other, "admin");
    Map<String, Object> body = settings("sso-b.example", true, false);
    assertThat(put(otherAdmin.session(), other, body).status()).isEqualTo(200);
    String email = "intruder@sso-b.example";
    // Started for this client's domain; the IdP vouches for an address of the other client.
    Flow flow = startLogin("someone@sso-a.example", claims(email, "admin"));

    refused(flow.complete(), "domain_not_allowed");
  }

  @Test
  void callbackWhenUserOfAnotherClientThenRefused() {
    String email = admin.email();
    // The fixture admin's address is not in this client's SSO domains.
    Flow flow = startLogin("x@sso-a.example", claims(email, null));

    refused(flow.complete(), "domain_not_allowed");
  }

  @Test
  void startWhenDomainHasNoSsoThenNotFound() {
    HttpResponse<String> start =
        get(server.baseUrl() + "/v1/sso/start?email=a@nowhere.example", null);

    assertThat(start.statusCode()).isEqualTo(404);
  }

  // ---- password login and strict -------------------------------------------------------------

  @Test
  void passwordLoginWhenUserInSsoModeThenSameAnswerAsWrongPassword() {
    TestUser user = fixtures.user(tenant, "analytic");
    Response moved =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of("filter", Map.of("id", user.id()), "fields", Map.of("sso", "sso")));
    assertThat(moved.status()).as("%s", moved).isEqualTo(200);

    Response refused =
        server.http.post(
            "/v1/login", Auth.NONE, Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    Response wrong =
        server.http.post(
            "/v1/login", Auth.NONE, Map.of("email", user.email(), "password", "wrong-password-1"));

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.text()).isEqualTo(wrong.text());
  }

  @Test
  void strictWhenTurnedOnThenEveryUserSsoAndNoWayBack() {
    long strictTenant = fixtures.tenant("Sso strict");
    TestUser strictAdmin = fixtures.user(strictTenant, "admin");
    TestUser analyst = fixtures.user(strictTenant, "analytic");
    String token = fixtures.token(analyst.session(), List.of("analytic")).secret();
    assertThat(server.http.get("/v1/user", Auth.token(token)).status()).isEqualTo(200);

    Response on =
        put(strictAdmin.session(), strictTenant, settings("sso-strict.example", false, true));
    assertThat(on.status()).as("%s", on).isEqualTo(200);

    Response users =
        server.http.post(
            "/v1/objects/user",
            strictAdmin.session(),
            Map.of("filter", Map.of("clientid", strictTenant)));
    for (JsonNode user : users.body()) {
      assertThat(user.path("sso").asText()).as("%s", user).isEqualTo("sso");
    }
    // Without API access the analyst's token stops.
    assertThat(server.http.get("/v1/user", Auth.token(token)).status()).isEqualTo(401);
    Response back =
        server.http.post(
            "/v1/objects/user/update",
            strictAdmin.session(),
            Map.of("filter", Map.of("id", analyst.id()), "fields", Map.of("sso", "none")));
    assertThat(back.status()).isEqualTo(400);
    assertThat(back.body().path("sso").path("error").asText()).isEqualTo("not_allowed");
    // Existing sessions survive the switch.
    assertThat(server.http.get("/v1/user", strictAdmin.session()).status()).isEqualTo(200);
  }

  // ---- API access (4.6) ---------------------------------------------------------------------

  static Response updateUser(long id, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update",
        admin.session(),
        Map.of("filter", Map.of("id", id), "fields", fields));
  }

  @Test
  void updateWhenSwitchedToSsoWithoutApiAccessThenTokensDisabledForGood() {
    TestUser user = fixtures.user(tenant, "admin");
    var token = fixtures.token(user.session(), List.of("admin"));

    assertThat(updateUser(user.id(), Map.of("sso", "sso")).status()).isEqualTo(200);

    Response read = server.http.get("/v2/api_tokens/" + token.id(), admin.session());
    assertThat(read.body().path("enabled").asBoolean()).as("%s", read).isFalse();
    assertThat(read.body().path("disabled_reason").asText()).isEqualTo("api_access_revoked");
    assertThat(server.http.get("/v1/user", token.auth()).status()).isEqualTo(401);
    // Granting API access again does not bring the token back (T7).
    assertThat(updateUser(user.id(), Map.of("api_access", true)).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/user", token.auth()).status()).isEqualTo(401);
  }

  @Test
  void updateWhenSsoAdminHasApiAccessThenTokensWork() {
    TestUser user = fixtures.user(tenant, "admin");
    var token = fixtures.token(user.session(), List.of("admin"));

    assertThat(updateUser(user.id(), Map.of("sso", "sso", "api_access", true)).status())
        .isEqualTo(200);

    assertThat(server.http.get("/v1/user", token.auth()).status()).isEqualTo(200);
    // Revoking it disables them.
    assertThat(updateUser(user.id(), Map.of("api_access", false)).status()).isEqualTo(200);
    Response read = server.http.get("/v2/api_tokens/" + token.id(), admin.session());
    assertThat(read.body().path("disabled_reason").asText()).isEqualTo("api_access_revoked");
  }

  @Test
  void updateWhenApiAccessForANonAdminThenNotAllowed() {
    TestUser user = fixtures.user(tenant, "analytic");

    Response r = updateUser(user.id(), Map.of("api_access", true));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("api_access").path("error").asText()).isEqualTo("not_allowed");
  }

  // ---- provisioned users belong to the IdP (4.6) -------------------------------------------

  static Response deleteUser(Auth caller, long id) {
    return server.http.post("/v1/objects/user/delete", caller, Map.of("filter", Map.of("id", id)));
  }

  static JsonNode findUser(Auth caller, String email) {
    Response found =
        server.http.post("/v1/objects/user", caller, Map.of("filter", Map.of("email", email)));
    assertThat(found.status()).as("%s", found).isEqualTo(200);
    return found.body().path(0);
  }

  @Test
  void disableOrDeleteWhenProvisionedAndProvisioningOnThenNotAllowed() {
    String email = "idp-owned@sso-a.example";
    sessionOf(startLogin(email, claims(email, "analytic")).complete());
    JsonNode user = findUser(admin.session(), email);
    assertThat(user.path("provisioned").asBoolean()).as("%s", user).isTrue();
    long id = user.path("id").asLong();

    Response disable = updateUser(id, Map.of("enabled", false));
    Response delete = deleteUser(admin.session(), id);

    assertThat(disable.status()).as("%s", disable).isEqualTo(400);
    assertThat(disable.body().path("enabled").path("error").asText()).isEqualTo("not_allowed");
    assertThat(delete.status()).as("%s", delete).isEqualTo(400);
    assertThat(delete.body().path("id").path("error").asText()).isEqualTo("not_allowed");
    JsonNode after = findUser(admin.session(), email);
    assertThat(after.path("enabled").asBoolean()).as("%s", after).isTrue();
    // Other changes stay the administrators' to make.
    Response renamed = updateUser(id, Map.of("realname", "Renamed here"));
    assertThat(renamed.status()).as("%s", renamed).isEqualTo(200);
  }

  @Test
  void disableOrDeleteWhenProvisionedByTheEmailFilterThenNotAllowedEither() {
    String email = "idp-owned-2@sso-a.example";
    sessionOf(startLogin(email, claims(email, null)).complete());

    // The Wallarm client library finds users by e-mail (username) as well as by id.
    Response disable =
        server.http.post(
            "/v1/objects/user/update",
            admin.session(),
            Map.of("filter", Map.of("username", email), "fields", Map.of("enabled", false)));
    Response delete =
        server.http.post(
            "/v1/objects/user/delete", admin.session(), Map.of("filter", Map.of("email", email)));

    assertThat(disable.status()).as("%s", disable).isEqualTo(400);
    assertThat(delete.status()).as("%s", delete).isEqualTo(400);
    assertThat(findUser(admin.session(), email).path("enabled").asBoolean()).isTrue();
  }

  @Test
  void disableOrDeleteWhenUserNotProvisionedThenAllowedWhileProvisioningOn() {
    TestUser user = fixtures.user(tenant, "analytic");
    assertThat(findUser(admin.session(), user.email()).path("provisioned").asBoolean()).isFalse();

    assertThat(updateUser(user.id(), Map.of("enabled", false)).status()).isEqualTo(200);
    assertThat(deleteUser(admin.session(), user.id()).status()).isEqualTo(200);
  }

  @Test
  void disableOrDeleteWhenProvisioningTurnedOffThenAllowed() {
    long t = fixtures.tenant("Sso handed back");
    TestUser a = fixtures.user(t, "admin");
    assertThat(put(a.session(), t, settings("sso-back.example", true, false)).status())
        .isEqualTo(200);
    String email = "handed-back@sso-back.example";
    sessionOf(startLogin(email, claims(email, "analytic")).complete());
    long id = findUser(a.session(), email).path("id").asLong();
    Response refused =
        server.http.post(
            "/v1/objects/user/update",
            a.session(),
            Map.of("filter", Map.of("id", id), "fields", Map.of("enabled", false)));
    assertThat(refused.status()).as("%s", refused).isEqualTo(400);

    assertThat(put(a.session(), t, settings("sso-back.example", false, false)).status())
        .isEqualTo(200);

    Response disabled =
        server.http.post(
            "/v1/objects/user/update",
            a.session(),
            Map.of("filter", Map.of("id", id), "fields", Map.of("enabled", false)));
    assertThat(disabled.status()).as("%s", disabled).isEqualTo(200);
    assertThat(disabled.body().path("enabled").asBoolean()).isFalse();
    assertThat(deleteUser(a.session(), id).status()).isEqualTo(200);
  }

  // ---- settings ------------------------------------------------------------------------------

  @Test
  void getWhenAdminThenSettingsWithoutTheSecret() {
    Response r = server.http.get("/v2/sso?client_id=" + tenant, admin.session());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("issuer").asText()).isEqualTo(issuer());
    assertThat(r.body().path("client_secret_set").asBoolean()).isTrue();
    assertThat(r.body().has("client_secret")).isFalse();
    assertThat(r.text()).doesNotContain(IDP_SECRET);
    assertThat(r.body().path("role_claim").asText()).isEqualTo("tokensmith_role");
  }

  @Test
  void getWhenNotAdminThenForbidden() {
    TestUser analyst = fixtures.user(tenant, "analytic");

    assertThat(server.http.get("/v2/sso", analyst.session()).status()).isEqualTo(403);
    assertThat(put(analyst.session(), tenant, settings("sso-a.example", true, false)).status())
        .isEqualTo(403);
  }

  @Test
  void putWhenIssuerPlainHttpElsewhereThenInvalid() {
    long t = fixtures.tenant("Sso issuer");
    TestUser a = fixtures.user(t, "admin");
    Map<String, Object> body = settings("sso-issuer.example", true, false);
    body.put("issuer", "http://idp.example.com/realms/x");

    Response r = put(a.session(), t, body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("issuer").path("error").asText()).isEqualTo("invalid");
    assertThat(r.text()).doesNotContain(IDP_SECRET);
  }

  @Test
  void putWhenDomainMalformedThenInvalid() {
    Map<String, Object> body = settings("not a domain", true, false);

    Response r = put(admin.session(), tenant, body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("email_domains").path("error").asText()).isEqualTo("invalid");
  }

  @Test
  void putWhenDomainOfAnotherClientThenConflict() {
    long t = fixtures.tenant("Sso conflict");
    TestUser a = fixtures.user(t, "admin");

    Response r = put(a.session(), t, settings("sso-a.example", true, false));

    assertThat(r.status()).isEqualTo(409);
  }

  @Test
  void testConnectionWhenIdpAnswersThenEndpoints() {
    Response r = server.http.post("/v2/sso/test?client_id=" + tenant, admin.session(), Map.of());

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().path("ok").asBoolean()).isTrue();
    assertThat(r.body().path("token_endpoint").asText()).contains("/idp/token");
  }

  @Test
  void testConnectionWhenNothingThereThenNotOk() {
    Response r =
        server.http.post(
            "/v2/sso/test?client_id=" + tenant,
            admin.session(),
            Map.of("issuer", "http://127.0.0.1:1/none"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("ok").asBoolean()).isFalse();
  }

  @Test
  void activityWhenSettingsWrittenThenRecordedWithoutTheSecret() {
    Response log = server.http.get("/v2/activity_log?object_type=sso&limit=100", admin.session());

    assertThat(log.status()).isEqualTo(200);
    assertThat(log.body().size()).isGreaterThan(0);
    assertThat(log.text()).doesNotContain(IDP_SECRET);
    assertThat(server.databaseText()).doesNotContain(IDP_SECRET);
  }
}
