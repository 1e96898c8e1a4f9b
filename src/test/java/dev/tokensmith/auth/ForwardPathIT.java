package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/auth/forward} against path confusion: whatever the spelling of the original URI,
 * the route it is judged by is the one the strictest server behind the gateway would reach.
 */
@UsesDatabase
@WithServer(routes = PathConfusion.ROUTES)
class ForwardPathIT {
  static TestServer server;
  static Issued analyst;
  static Issued administrator;

  @BeforeAll
  static void seed(Fixtures fixtures) {
    long tenant = fixtures.tenant("Gateway");
    Fixtures.TestUser admin = fixtures.user(tenant, "admin");
    analyst = fixtures.token(admin.session(), List.of("analytic"));
    administrator = fixtures.token(admin.session(), List.of("admin"));
  }

  private static Response forward(Issued token, String uri) {
    return server.http.send(
        "GET",
        "/v2/auth/forward",
        token.auth(),
        null,
        Map.of("X-Original-Method", "GET", "X-Original-URI", uri));
  }

  @Test
  void forwardWhenPathWalksFromPublicToAdminThenAnalystForbidden() {
    assertThat(forward(analyst, "/public/x").status()).isEqualTo(200);
    assertThat(forward(analyst, "/admin/users").status()).isEqualTo(403);
    for (String uri : PathConfusion.WALKS) {
      Response r = forward(analyst, uri);

      assertThat(r.status()).as("%s: %s", uri, r).isEqualTo(403);
      assertThat(r.body().asText()).as(uri).isEqualTo("Check permissions failed");
    }
  }

  @Test
  void forwardWhenOrdinaryPathOrEncodedOrdinaryCharactersThenAllowed() {
    for (String uri : PathConfusion.PUBLIC) {
      Response r = forward(analyst, uri);

      assertThat(r.status()).as("%s: %s", uri, r).isEqualTo(200);
      assertThat(r.header("X-Auth-Token-Id")).isEqualTo(Long.toString(analyst.id()));
    }
  }

  @Test
  void forwardWhenAdminPathSpelledWithParametersOrEscapesThenJudgedAsTheAdminRoute() {
    for (String uri : List.of("/admin/users;jsessionid=1", "/admin/%75sers", "/%61dmin/users")) {
      assertThat(forward(analyst, uri).status()).as(uri).isEqualTo(403);
      assertThat(forward(administrator, uri).status()).as(uri).isEqualTo(200);
    }
  }

  @Test
  void forwardWhenOriginalRequestHeadersDisagreeThenForbidden() {
    Auth injected =
        (Auth.Custom)
            (request, changing) ->
                request
                    .header("X-WallarmApi-Token", analyst.secret())
                    .header("X-Original-Method", "GET")
                    .header("X-Original-URI", "/public/x")
                    .header("X-Forwarded-Uri", "/admin/users");
    Auth twice =
        (Auth.Custom)
            (request, changing) ->
                request
                    .header("X-WallarmApi-Token", analyst.secret())
                    .header("X-Original-Method", "GET")
                    .header("X-Original-URI", "/public/x")
                    .header("X-Original-URI", "/admin/users");
    Auth methods =
        (Auth.Custom)
            (request, changing) ->
                request
                    .header("X-WallarmApi-Token", analyst.secret())
                    .header("X-Forwarded-Method", "GET")
                    .header("X-Original-Method", "POST")
                    .header("X-Original-URI", "/public/x");
    Auth agreeing =
        (Auth.Custom)
            (request, changing) ->
                request
                    .header("X-WallarmApi-Token", analyst.secret())
                    .header("X-Original-Method", "GET")
                    .header("X-Original-URI", "/public/x")
                    .header("X-Forwarded-Uri", "/public/x");

    assertThat(server.http.get("/v2/auth/forward", injected).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/auth/forward", twice).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/auth/forward", methods).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/auth/forward", agreeing).status()).isEqualTo(200);
  }
}
