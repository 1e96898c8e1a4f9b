package dev.tokensmith.web;

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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Every list answers a {@code next_cursor} beside its body; passed back as {@code cursor}, it
 * returns the next page from where the last one ended (keyset): each row once, in order, however
 * rows are added or removed in between; null on the last page. The Wallarm client library reads
 * only {@code status} and {@code body}, and is not disturbed.
 */
@UsesDatabase
@WithServer
class ListCursorIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void tokensWhenPagedByCursorThenEachOnceAndADeletedOneShiftsNothing() {
    long tenant = fixtures.tenant("Token pages");
    TestUser admin = fixtures.user(tenant, "admin");
    List<Long> made = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      made.add(fixtures.token(admin.session(), List.of("admin")).id());
    }
    List<Long> seen =
        follow(
            (cursor, page) -> {
              if (page == 1) {
                // Deleting a row already shown must not make the next page skip one.
                assertThat(
                        server
                            .http
                            .delete("/v2/api_tokens/" + made.get(0), admin.session())
                            .status())
                    .isEqualTo(200);
              }
              return server.http.get(
                  "/v2/api_tokens?client_id="
                      + tenant
                      + "&limit=3"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  admin.session());
            });
    assertThat(seen).containsExactlyElementsOf(made);
  }

  @Test
  void usersWhenPagedByCursorInTheBodyThenEachOnceInIdOrder() {
    long tenant = fixtures.tenant("User pages");
    TestUser admin = fixtures.user(tenant, "admin");
    List<Long> made = new ArrayList<>(List.of(admin.id()));
    for (int i = 0; i < 4; i++) {
      made.add(fixtures.user(admin.session(), tenant, List.of("analytic")).id());
    }
    List<Long> seen =
        follow(
            (cursor, page) -> {
              Map<String, Object> body = new HashMap<>();
              body.put("filter", Map.of("clientid", tenant));
              body.put("limit", 2);
              if (cursor != null) {
                body.put("cursor", cursor);
              }
              return server.http.post("/v1/objects/user", admin.session(), body);
            });
    assertThat(seen).containsExactlyElementsOf(made);
  }

  @Test
  void clientsWhenPagedByCursorThenEveryClientOfThePartnerOnce() {
    fixtures.tenant("Client pages A");
    fixtures.tenant("Client pages B");
    Response all = server.http.get("/v1/objects/client?limit=1000", server.admin());
    List<Long> ids = new ArrayList<>();
    all.body().forEach(c -> ids.add(c.path("id").asLong()));
    List<Long> seen =
        follow(
            (cursor, page) ->
                server.http.get(
                    "/v1/objects/client?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    server.admin()));
    assertThat(seen).containsExactlyElementsOf(ids);
  }

  @Test
  void cursorWhenTamperedThenRefusedAndNothingLeaksAcrossClients() {
    long tenant = fixtures.tenant("Cursor owner");
    TestUser admin = fixtures.user(tenant, "admin");
    Issued mine = fixtures.token(admin.session(), List.of("admin"));
    TestUser neighbour = fixtures.user(fixtures.tenant("Cursor neighbour"), "admin");
    Auth other = neighbour.session();
    // A cursor only says where a page starts: the filter still decides what the caller sees.
    String start = Base64.getUrlEncoder().withoutPadding().encodeToString("k0".getBytes());
    Response page = server.http.get("/v2/api_tokens?cursor=" + start, other);
    assertThat(page.status()).isEqualTo(200);
    page.body().forEach(t -> assertThat(t.path("id").asLong()).isNotEqualTo(mine.id()));
    Response bad = server.http.get("/v2/api_tokens?cursor=not-a-cursor", other);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("cursor").path("error").asText()).isEqualTo("invalid");
  }

  /** Follows next_cursor from the first page to the last; the ids of every row, in order. */
  private static List<Long> follow(BiFunction<String, Integer, Response> request) {
    List<Long> ids = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 100; page++) {
      Response r = request.apply(cursor, page);
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      JsonNode next = r.json().path("next_cursor");
      assertThat(r.json().has("next_cursor")).as("next_cursor in %s", r).isTrue();
      r.body().forEach(row -> ids.add(row.path("id").asLong()));
      if (next.isNull()) {
        return ids;
      }
      cursor = next.asText();
    }
    throw new AssertionError("the cursor never ended");
  }
}
