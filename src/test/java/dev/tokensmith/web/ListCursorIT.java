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
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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

  @Test
  void cursorWhenItsSeekValueIsNoTextThenRefusedOnEverySortedList() {
    TestUser admin = fixtures.user(fixtures.tenant("Cursor values"), "admin");
    // A value PostgreSQL cannot compare with a text column (U+0000).
    for (String value : List.of("ab\0c", "\0")) {
      for (String path :
          List.of(
              "/v2/api_tokens?order_by=realname&cursor=" + seek("realname.asc", 1, value),
              "/v2/node?order_by=hostname&cursor=" + seek("hostname.asc", 1, value),
              "/v2/node?order_by=type&order_desc=true&cursor=" + seek("type.desc", 1, value))) {
        Response refused = server.http.get(path, admin.session());
        assertThat(refused.status()).as("%s: %s", path, refused).isEqualTo(400);
        assertThat(refused.body().path("cursor").path("error").asText()).isEqualTo("invalid");
      }
    }
    // An order by a number (a time) takes nothing else as the value to start past.
    for (String path :
        List.of(
            "/v2/api_tokens?order_by=create_at&cursor=" + seek("create_at.asc", 1, "1e3"),
            "/v2/node?order_by=last_activity&cursor=" + seek("last_activity.asc", 1, "soon"),
            "/v2/node?order_by=create_time&cursor=" + seek("create_time.asc", 1, ""))) {
      Response refused = server.http.get(path, admin.session());
      assertThat(refused.status()).as("%s: %s", path, refused).isEqualTo(400);
      assertThat(refused.body().path("cursor").path("error").asText()).isEqualTo("invalid");
    }
  }

  private static String seek(String order, long id, String value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("s" + order + "\n" + id + "\n" + value).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void activityCursorWhenItNamesAnotherClientsRecordThenThePageTellsNothingOfIt() {
    long tenant = fixtures.tenant("Activity cursor owner");
    TestUser admin = fixtures.user(tenant, "admin");
    long neighbourClient = fixtures.tenant("Activity cursor neighbour");
    TestUser neighbour = fixtures.user(neighbourClient, "admin");
    fixtures.token(admin.session(), List.of("admin"));
    long foreign =
        server
            .http
            .get("/v2/activity_log?client_id=" + neighbourClient + "&limit=1", neighbour.session())
            .body()
            .path(0)
            .path("id")
            .asLong();
    assertThat(foreign).isPositive();
    String cursor =
        Base64.getUrlEncoder().withoutPadding().encodeToString(("k" + foreign).getBytes());
    String from = "from=" + Instant.ofEpochMilli(server.clock.millis() - 3_600_000);
    Response page =
        server.http.get(
            "/v2/activity_log?client_id=" + tenant + "&" + from + "&cursor=" + cursor,
            admin.session());
    // Where the other client's record lies in time is not told by which of one's own come back.
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body().size()).isZero();
  }

  @Test
  void tokensWhenFilteredAndPagedByCursorThenEachOfTheFilterOnce() {
    long tenant = fixtures.tenant("Token filter pages");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser other = fixtures.user(admin.session(), tenant, List.of("admin"));
    for (int i = 0; i < 9; i++) {
      Issued t = fixtures.token((i % 3 == 0 ? other : admin).session(), List.of("analytic"));
      if (i % 2 == 0) {
        assertThat(
                server
                    .http
                    .put("/v2/api_tokens/" + t.id(), admin.session(), Map.of("enabled", false))
                    .status())
            .isEqualTo(200);
      }
    }
    for (String filter :
        List.of(
            "enabled=false", "enabled=true", "user_id=" + other.id(), "user_id=" + admin.id())) {
      String base = "/v2/api_tokens?client_id=" + tenant + "&" + filter;
      assertWalkedOnceEach(
          filter,
          server.http.get(base + "&limit=1000", admin.session()),
          (cursor, page) ->
              server.http.get(
                  base + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                  admin.session()));
    }
  }

  @Test
  void usersWhenFilteredByEnabledAndPagedByCursorThenEachOfTheFilterOnce() {
    long tenant = fixtures.tenant("User filter pages");
    TestUser admin = fixtures.user(tenant, "admin");
    for (int i = 0; i < 6; i++) {
      TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
      if (i % 2 == 1) {
        assertThat(
                fixtures.updateUser(admin.session(), user.id(), Map.of("enabled", false)).status())
            .isEqualTo(200);
      }
    }
    for (boolean enabled : List.of(true, false)) {
      Map<String, Object> filter = Map.of("clientid", tenant, "enabled", enabled);
      assertWalkedOnceEach(
          "enabled=" + enabled,
          server.http.post(
              "/v1/objects/user", admin.session(), Map.of("filter", filter, "limit", 1000)),
          (cursor, page) -> {
            Map<String, Object> body = new HashMap<>();
            body.put("filter", filter);
            body.put("limit", 2);
            if (cursor != null) {
              body.put("cursor", cursor);
            }
            return server.http.post("/v1/objects/user", admin.session(), body);
          });
    }
  }

  // Records written straight into the table, their times out of id order (as two instances'
  // clocks may write them), some at one time: a page within a time range is read in time order.
  @Test
  void activityWhenFilteredAndPagedByCursorThenEachOfTheFilterOnce() throws Exception {
    long tenant = fixtures.tenant("Activity filter pages");
    TestUser admin = fixtures.user(tenant, "admin");
    long start = server.clock.millis() - 3_600_000;
    String[] types = {"api_token", "user", "node"};
    String[] actions = {"create", "update", "login", "delete"};
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO activity (occurred_at, client_id, object_type, object_id, object_name,"
                    + " action, outcome, actor_type, actor_id, actor_name, source, ip, changes)"
                    + " VALUES (?, ?, ?, 1, 'row', ?, 'success', 'user', ?, 'actor', 'ui', NULL,"
                    + " '{}')")) {
      for (int i = 0; i < 40; i++) {
        insert.setLong(1, start + (i * 7 % 13) * 1000);
        insert.setLong(2, tenant);
        insert.setString(3, types[i % 3]);
        insert.setString(4, actions[i % 4]);
        insert.setLong(5, 900_000_000L + i % 5);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    String from = "from=" + Instant.ofEpochMilli(start + 3000);
    String to = "to=" + Instant.ofEpochMilli(start + 9000);
    for (String filter :
        List.of(
            "object_type=user",
            "action=update",
            "object_type=api_token&action=create",
            "actor_id=900000002",
            from,
            to,
            from + "&" + to,
            "action=login&" + from)) {
      String base = "/v2/activity_log?client_id=" + tenant + "&" + filter;
      assertWalkedOnceEach(
          filter,
          server.http.get(base + "&limit=1000", admin.session()),
          (cursor, page) ->
              server.http.get(
                  base + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                  admin.session()));
    }
    // Within a time range the log is newest first by time, then by id.
    List<Long> times = new ArrayList<>();
    server
        .http
        .get(
            "/v2/activity_log?client_id=" + tenant + "&" + from + "&" + to + "&limit=1000",
            admin.session())
        .body()
        .forEach(r -> times.add(Instant.parse(r.path("time").asText()).toEpochMilli()));
    assertThat(times).hasSize(21).isSortedAccordingTo(Comparator.reverseOrder());
  }

  /**
   * Walking a filtered list by cursor answers the rows of the whole filter, each once, in the order
   * of one page holding them all ({@code all}, which must not be empty).
   */
  private static void assertWalkedOnceEach(
      String filter, Response all, BiFunction<String, Integer, Response> request) {
    assertThat(all.status()).as("%s: %s", filter, all).isEqualTo(200);
    List<Long> expected = new ArrayList<>();
    all.body().forEach(row -> expected.add(row.path("id").asLong()));
    assertThat(expected).as(filter).isNotEmpty().doesNotHaveDuplicates();
    assertThat(follow(request)).as(filter).containsExactlyElementsOf(expected);
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
