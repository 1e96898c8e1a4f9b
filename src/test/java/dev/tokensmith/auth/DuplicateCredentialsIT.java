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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One request, one credential: two tokens are refused with 400 whichever headers carry them, on the
 * verifier's hot lane and on every other authenticated route; never "first wins".
 */
@UsesDatabase
@WithServer
class DuplicateCredentialsIT {
  static TestServer server;
  static TestUser admin;
  static Issued token;
  static Issued other;

  /** Method and path of routes that authenticate, the hot lane first. */
  static final List<List<String>> ROUTES =
      List.of(
          List.of("POST", "/v2/auth/check"),
          List.of("GET", "/v2/auth/forward"),
          List.of("GET", "/v1/user"),
          List.of("GET", "/v2/api_tokens"),
          List.of("POST", "/v1/user"),
          List.of("POST", "/v1/objects/user"),
          List.of("GET", "/v2/activity_log"));

  @BeforeAll
  static void seed(Fixtures fixtures) {
    admin = fixtures.user(fixtures.tenant("Duplicates"), "admin");
    token = fixtures.token(admin.session(), List.of("admin"));
    other = fixtures.token(admin.session(), List.of("analytic"));
  }

  /** A request carrying the given headers in order (a name may repeat). */
  private static Auth headers(String... namesAndValues) {
    return (Auth.Custom)
        (request, changing) -> {
          for (int i = 0; i < namesAndValues.length; i += 2) {
            request.header(namesAndValues[i], namesAndValues[i + 1]);
          }
        };
  }

  private static Response send(List<String> route, Auth auth) {
    Object body = route.get(0).equals("POST") ? Map.of() : null;
    return server.http.send(
        route.get(0),
        route.get(1),
        auth,
        body,
        Map.of("X-Original-Method", "GET", "X-Original-URI", "/v1/user"));
  }

  @Test
  void anyRouteWhenTwoTokensThenBadRequestNamingTheHeaderWithoutItsValue() {
    Map<String, Auth> twoTokens = new LinkedHashMap<>();
    twoTokens.put(
        "token header twice",
        headers("X-WallarmApi-Token", token.secret(), "X-WallarmApi-Token", other.secret()));
    twoTokens.put(
        "token header twice, same value",
        headers("X-WallarmApi-Token", token.secret(), "X-WallarmApi-Token", token.secret()));
    twoTokens.put(
        "token header twice, other casing",
        headers("X-WallarmApi-Token", token.secret(), "x-wallarmapi-token", "junk"));
    twoTokens.put(
        "token header and bearer",
        headers("X-WallarmApi-Token", token.secret(), "Authorization", "Bearer " + other.secret()));
    twoTokens.put(
        "token header and bearer, same value",
        headers("X-WallarmApi-Token", token.secret(), "Authorization", "Bearer " + token.secret()));
    twoTokens.put(
        "bearer and token header",
        headers("Authorization", "bearer " + token.secret(), "X-WallarmApi-Token", token.secret()));
    for (List<String> route : ROUTES) {
      for (Map.Entry<String, Auth> sent : twoTokens.entrySet()) {
        Response r = send(route, sent.getValue());

        assertThat(r.status()).as("%s, %s: %s", route, sent.getKey(), r).isEqualTo(400);
        assertThat(r.body().path("X-WallarmApi-Token").path("error").asText())
            .as("%s", r)
            .isEqualTo("invalid");
        assertThat(r.body().path("X-WallarmApi-Token").path("value").isNull()).as("%s", r).isTrue();
      }
      Response authorizations =
          send(
              route,
              headers(
                  "Authorization",
                  "Bearer " + token.secret(),
                  "Authorization",
                  "Bearer " + other.secret()));
      assertThat(authorizations.status()).as("%s: %s", route, authorizations).isEqualTo(400);
      assertThat(authorizations.body().path("Authorization").path("error").asText())
          .isEqualTo("invalid");
      assertThat(authorizations.body().path("Authorization").path("value").isNull()).isTrue();
    }
  }

  @Test
  void anyRouteWhenOneTokenInEitherHeaderThenServed() {
    for (List<String> route : ROUTES) {
      assertThat(send(route, token.auth()).status()).as("%s", route).isEqualTo(200);
      assertThat(send(route, Auth.bearer(token.secret())).status()).as("%s", route).isEqualTo(200);
    }
  }

  @Test
  void anyRouteWhenTokenAndSessionCookieThenTheTokenWins() {
    TestUser analyst = new Fixtures(server).user(admin.clientId(), "analytic");
    Auth tokenAndCookie =
        headers(
            "X-WallarmApi-Token",
            token.secret(),
            "Cookie",
            "tks_session=" + analyst.session().cookie());
    for (List<String> route : ROUTES) {
      assertThat(send(route, tokenAndCookie).status()).as("%s", route).isEqualTo(200);
    }
    Response identity = server.http.post("/v2/auth/check", tokenAndCookie, Map.of());
    assertThat(identity.body().path("token_id").asLong()).isEqualTo(token.id());
  }
}
