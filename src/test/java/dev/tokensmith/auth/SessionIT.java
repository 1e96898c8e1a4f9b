package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Console sessions (spec 4.1): the cookie, the CSRF header, logout, and how disabling a user or a
 * client ends access at once (spec 1.1, 1.2) — sessions and tokens alike.
 */
@UsesDatabase
@WithServer
class SessionIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void loginWhenPasswordRightThenHttpOnlyStrictCookieAndCsrfTokenInBody() {
    TestUser user = fixtures.user(fixtures.tenant("Login"), "analytic");

    Response login = login(user.email(), Fixtures.PASSWORD);

    assertThat(login.status()).as("%s", login).isEqualTo(200);
    String cookie =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("tks_session="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie.split(";")).extracting(String::trim).contains("HttpOnly", "SameSite=Strict");
    assertThat(cookie.substring("tks_session=".length(), cookie.indexOf(';')))
        .hasSizeGreaterThanOrEqualTo(32);
    assertThat(login.body().path("csrf_token").asText()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(login.body().path("id").asLong()).isEqualTo(user.id());
    assertThat(login.body().path("email").asText()).isEqualTo(user.email());
    assertThat(login.body().path("role").asText()).isEqualTo("analytic");
    assertThat(login.text()).doesNotContain(Fixtures.PASSWORD).doesNotContain("password");
  }

  @Test
  void loginWhenEmailInOtherCaseThenLoggedIn() {
    TestUser user = fixtures.user(fixtures.tenant("Case"), "analytic");

    assertThat(login(user.email().toUpperCase(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void sessionPostWhenCsrfHeaderMissingThenForbiddenAndNothingChanged() {
    long tenant = fixtures.tenant("CSRF missing");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));

    Response rename =
        server.http.post(
            "/v1/objects/user/update",
            admin.session().withoutCsrf(),
            Map.of(
                "filter",
                Map.of("id", analyst.id()),
                "fields",
                Map.of("realname", "Changed by a forged form")));
    Response token =
        server.http.post(
            "/v2/api_tokens",
            admin.session().withoutCsrf(),
            Map.of("realname", "forged", "permissions", List.of("admin")));
    Response logout = server.http.post("/v1/logout", admin.session().withoutCsrf(), null);

    for (Response refused : List.of(rename, token, logout)) {
      assertThat(refused.status()).as("%s", refused).isEqualTo(403);
      assertThat(refused.json().path("status").asInt()).isEqualTo(403);
      assertThat(refused.body().asText()).isEqualTo("Check permissions failed");
    }
    assertThat(realname(admin.session(), analyst.id())).isEqualTo("User " + analyst.email());
    assertThat(server.http.get("/v2/api_tokens", admin.session()).body()).isEmpty();
    assertThat(server.http.get("/v1/user", admin.session()).status())
        .as("the session survives")
        .isEqualTo(200);
  }

  @Test
  void sessionPostWhenCsrfHeaderWrongThenForbiddenAndNothingChanged() {
    long tenant = fixtures.tenant("CSRF wrong");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser other = fixtures.user(tenant, "admin");
    Auth.Session forged =
        new Auth.Session(admin.session().cookie(), other.session().csrf(), admin.id(), tenant);

    Response withOthersToken =
        server.http.post(
            "/v1/objects/user/update",
            forged,
            Map.of("filter", Map.of("id", other.id()), "fields", Map.of("realname", "Forged")));
    Response withGarbagePost =
        server.http.send(
            "POST",
            "/v1/objects/user/update",
            admin.session().withoutCsrf(),
            Map.of("filter", Map.of("id", other.id()), "fields", Map.of("realname", "Forged")),
            Map.of("X-CSRF-Token", "x".repeat(43)));

    assertThat(withOthersToken.status())
        .as("another session's CSRF token: %s", withOthersToken)
        .isEqualTo(403);
    assertThat(withGarbagePost.status()).as("%s", withGarbagePost).isEqualTo(403);
    assertThat(realname(admin.session(), other.id())).isEqualTo("User " + other.email());
  }

  @Test
  void sessionGetWhenCsrfHeaderMissingThenAnswered() {
    TestUser admin = fixtures.user(fixtures.tenant("CSRF get"), "admin");

    Response me = server.http.get("/v1/user", admin.session().withoutCsrf());
    Response tokens = server.http.get("/v2/api_tokens", admin.session().withoutCsrf());

    assertThat(me.status()).as("%s", me).isEqualTo(200);
    assertThat(me.body().path("id").asLong()).isEqualTo(admin.id());
    assertThat(tokens.status()).as("%s", tokens).isEqualTo(200);
  }

  @Test
  void logoutWhenCalledThenSessionEnds() {
    TestUser user = fixtures.user(fixtures.tenant("Logout"), "analytic");
    Auth.Session other = server.login(user.email(), Fixtures.PASSWORD);

    Response logout = server.http.post("/v1/logout", user.session(), null);

    assertThat(logout.status()).as("%s", logout).isEqualTo(200);
    assertThat(logout.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("tks_session=;"));
    Response after = server.http.get("/v1/user", user.session());
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().path("body").asText()).isEqualTo("Unauthorized");
    assertThat(server.http.post("/v1/logout", user.session(), null).status()).isEqualTo(401);
    // Only that session ends: another login of the same user goes on.
    assertThat(server.http.get("/v1/user", other).status()).isEqualTo(200);
  }

  @Test
  void loginWhenPasswordWrongOrEmailUnknownThenSameAnswer() {
    TestUser user = fixtures.user(fixtures.tenant("Wrong"), "analytic");

    Response wrongPassword = login(user.email(), "not-the-password");
    Response unknownEmail = login("nobody-" + user.email(), "not-the-password");
    Response noPassword = server.http.post("/v1/login", Auth.NONE, Map.of("email", user.email()));

    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownEmail.status()).isEqualTo(401);
    assertThat(noPassword.status()).isEqualTo(401);
    assertThat(unknownEmail.text())
        .isEqualTo(wrongPassword.text())
        .isEqualTo(noPassword.text())
        .isEqualTo("{\"status\":401,\"body\":\"Unauthorized\"}");
    assertThat(wrongPassword.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(unknownEmail.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void loginWhenPasswordMalformedThenErrorNeverEchoesIt() {
    TestUser user = fixtures.user(fixtures.tenant("Long password"), "analytic");
    String longPassword = "Secret-Passphrase-" + "x".repeat(1100);

    Response tooLong = login(user.email(), longPassword);
    Response notText =
        server.http.post(
            "/v1/login",
            Auth.NONE,
            Map.of("email", user.email(), "password", List.of("Secret-In-A-List")));

    assertThat(tooLong.status()).isIn(400, 401);
    assertThat(tooLong.text()).doesNotContain("Secret-Passphrase").doesNotContain("xxxxxxxx");
    assertThat(notText.status()).isIn(400, 401);
    assertThat(notText.text()).doesNotContain("Secret-In-A-List");
  }

  @Test
  void disableUserWhenSessionOpenThenNextRequestUnauthorizedAndReEnableDoesNotRevive() {
    long tenant = fixtures.tenant("Disable user");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    assertThat(server.http.get("/v1/user", user.session()).status()).isEqualTo(200);

    assertThat(setUserEnabled(admin.session(), user.id(), false).status()).isEqualTo(200);

    assertThat(server.http.get("/v1/user", user.session()).status()).isEqualTo(401);
    Response login = login(user.email(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(401);
    assertThat(login.text()).isEqualTo(login("nobody@example.com", Fixtures.PASSWORD).text());

    assertThat(setUserEnabled(admin.session(), user.id(), true).status()).isEqualTo(200);

    assertThat(server.http.get("/v1/user", user.session()).status())
        .as("the old session stays ended")
        .isEqualTo(401);
    Auth.Session fresh = server.login(user.email(), Fixtures.PASSWORD);
    assertThat(server.http.get("/v1/user", fresh).status()).isEqualTo(200);
  }

  @Test
  void disableClientWhenUsersLoggedInThenNoLoginNoSessionAndReEnableRestores() {
    long tenant = fixtures.tenant("Disable client");
    TestUser user = fixtures.user(tenant, "admin");

    assertThat(setClientEnabled(tenant, false).status()).isEqualTo(200);

    Response login = login(user.email(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(401);
    assertThat(login.text()).isEqualTo(login("nobody@example.com", Fixtures.PASSWORD).text());
    assertThat(server.http.get("/v1/user", user.session()).status()).isEqualTo(401);
    assertThat(server.http.post("/v1/objects/user", user.session(), Map.of()).status())
        .isEqualTo(401);

    assertThat(setClientEnabled(tenant, true).status()).isEqualTo(200);

    // Nothing was deleted: the session opened before works again, and so does a new login.
    assertThat(server.http.get("/v1/user", user.session()).status()).isEqualTo(200);
    Auth.Session fresh = server.login(user.email(), Fixtures.PASSWORD);
    assertThat(server.http.get("/v1/user", fresh).status()).isEqualTo(200);
  }

  @Test
  void disableClientWhenTokensExistThenVerificationFailsUntilReEnabled() {
    long tenant = fixtures.tenant("Disable tokens");
    TestUser admin = fixtures.user(tenant, "admin");
    Issued personal = fixtures.token(admin.session(), List.of("admin"));
    Issued shared = fixtures.sharedToken(admin.session(), List.of("admin"));
    Issued bearer = fixtures.token(admin.session(), List.of("analytic"));
    List<Auth> credentials = List.of(personal.auth(), shared.auth(), Auth.bearer(bearer.secret()));
    credentials.forEach(
        auth -> assertThat(server.http.get("/v1/user", auth).status()).isEqualTo(200));

    assertThat(setClientEnabled(tenant, false).status()).isEqualTo(200);

    for (Auth auth : credentials) {
      Response refused = server.http.get("/v1/user", auth);
      assertThat(refused.status()).as("%s", refused).isEqualTo(401);
      assertThat(server.http.get("/v2/api_tokens", auth).status()).isEqualTo(401);
    }

    assertThat(setClientEnabled(tenant, true).status()).isEqualTo(200);

    for (Auth auth : credentials) {
      assertThat(server.http.get("/v1/user", auth).status()).isEqualTo(200);
    }
    Response listed = server.http.get("/v2/api_tokens", personal.auth());
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body().findValues("enabled"))
        .allSatisfy(e -> assertThat(e.asBoolean()).isTrue());
  }

  private static Response login(String email, String password) {
    return server.http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
  }

  private static String realname(Auth auth, long userId) {
    return server
        .http
        .post("/v1/objects/user", auth, Map.of("filter", Map.of("id", userId)))
        .body()
        .get(0)
        .path("realname")
        .asText();
  }

  private static Response setUserEnabled(Auth auth, long userId, boolean enabled) {
    return server.http.post(
        "/v1/objects/user/update",
        auth,
        Map.of("filter", Map.of("id", userId), "fields", Map.of("enabled", enabled)));
  }

  private static Response setClientEnabled(long clientId, boolean enabled) {
    return server.http.post(
        "/v1/objects/client/update",
        server.admin(),
        Map.of("filter", Map.of("id", clientId), "fields", Map.of("enabled", enabled)));
  }
}
