package dev.tokensmith.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The activity log (spec 4.8): every change and login leaves a record naming who, from where and
 * what changed; the log filters, exports as CSV, stays within its client and never holds a secret.
 */
@UsesDatabase
@WithServer
class ActivityLogIT {
  private static final String LOCAL = "127.0.0.1";

  static TestServer server;
  static Fixtures fixtures;

  @Test
  void tokenChangesWhenMadeBySessionOrTokenThenEachRecordedWithActorSourceIpAndChanges() {
    long tenant = fixtures.tenant("Token activity");
    TestUser admin = fixtures.user(tenant, "admin");
    Response created =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of("realname", "Automation", "permissions", List.of("admin")));
    Issued automation = new Issued(created.id(), created.body().path("secret").asText());
    Issued target =
        fixtures.token(
            admin.session(), Map.of("realname", "Target", "permissions", List.of("analytic")));
    String path = "/v2/api_tokens/" + target.id();
    String oldHint = server.http.get(path, admin.session()).body().path("secret_hint").asText();

    assertThat(server.http.put(path, automation.auth(), Map.of("realname", "Renamed")).status())
        .isEqualTo(200);
    assertThat(server.http.put(path, automation.auth(), Map.of("enabled", false)).status())
        .isEqualTo(200);
    Map<String, Object> enable = new HashMap<>();
    enable.put("enabled", true);
    enable.put("expire_at", null);
    assertThat(server.http.put(path, automation.auth(), enable).status()).isEqualTo(200);
    Response renewed = server.http.post(path + "/secret", admin.session(), Map.of());
    assertThat(renewed.status()).isEqualTo(200);
    String newSecret = renewed.body().path("secret").asText();
    assertThat(server.http.delete(path, automation.auth()).status()).isEqualTo(200);

    List<JsonNode> log = oldestFirst(log(admin.session(), "object_type=api_token"));
    JsonNode create =
        one(log, r -> r.path("object_id").asLong() == automation.id() && action(r, "create"));
    assertActor(create, "user", admin.id(), admin.email(), "ui");
    assertThat(create.path("client_id").asLong()).isEqualTo(tenant);
    assertThat(create.path("object_name").asText()).isEqualTo("Automation");
    assertThat(create.path("outcome").asText()).isEqualTo("success");
    assertThat(change(create, "realname")).containsExactly(null, "Automation");
    assertThat(change(create, "secret_hint"))
        .containsExactly(null, created.body().path("secret_hint").asText());

    List<JsonNode> ofTarget =
        log.stream().filter(r -> r.path("object_id").asLong() == target.id()).toList();
    assertThat(ofTarget)
        .extracting(r -> r.path("action").asText())
        .containsExactly("create", "update", "disable", "enable", "renew", "delete");
    String tokenActor = "Automation";
    JsonNode update = ofTarget.get(1);
    assertActor(update, "api_token", automation.id(), tokenActor, "api_token");
    assertThat(change(update, "realname")).containsExactly("Target", "Renamed");
    JsonNode disable = ofTarget.get(2);
    assertActor(disable, "api_token", automation.id(), tokenActor, "api_token");
    assertThat(change(disable, "enabled")).containsExactly(true, false);
    assertThat(change(disable, "disabled_reason")).containsExactly(null, "manual");
    assertThat(change(ofTarget.get(3), "enabled")).containsExactly(false, true);
    assertActor(ofTarget.get(5), "api_token", automation.id(), tokenActor, "api_token");

    // A renewal names the token by its hints only: never the old or the new value.
    JsonNode renew = ofTarget.get(4);
    assertActor(renew, "user", admin.id(), admin.email(), "ui");
    assertThat(renew.path("changes").fieldNames())
        .toIterable()
        .contains("secret_hint")
        .isSubsetOf("secret_hint", "token_generated_at", "grace_seconds");
    assertThat(change(renew, "secret_hint")).containsExactly(oldHint, hint(newSecret));
    assertThat(renew.toString()).doesNotContain(newSecret).doesNotContain(target.secret());
    assertThat(SecretLedger.findIn(log.toString())).isNull();
  }

  @Test
  void userChangesWhenMadeByAdminThenEachRecorded() {
    long tenant = fixtures.tenant("User activity");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));

    assertThat(updateUser(admin.session(), user.id(), Map.of("realname", "New Name")).status())
        .isEqualTo(200);
    assertThat(
            updateUser(admin.session(), user.id(), Map.of("permissions", List.of("auditor")))
                .status())
        .isEqualTo(200);
    assertThat(updateUser(admin.session(), user.id(), Map.of("enabled", false)).status())
        .isEqualTo(200);
    assertThat(updateUser(admin.session(), user.id(), Map.of("enabled", true)).status())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .post(
                    "/v1/objects/user/delete",
                    admin.session(),
                    Map.of("filter", Map.of("id", user.id())))
                .status())
        .isEqualTo(200);

    List<JsonNode> records =
        oldestFirst(log(admin.session(), "object_type=user")).stream()
            .filter(r -> r.path("object_id").asLong() == user.id())
            .toList();
    assertThat(records)
        .extracting(r -> r.path("action").asText())
        .containsExactly("create", "update", "update", "disable", "enable", "delete");
    records.forEach(r -> assertActor(r, "user", admin.id(), admin.email(), "ui"));
    assertThat(records)
        .allSatisfy(r -> assertThat(r.path("object_name").asText()).isEqualTo(user.email()));
    assertThat(change(records.get(0), "email")).containsExactly(null, user.email());
    assertThat(change(records.get(0), "permissions")).containsExactly(null, List.of("analytic"));
    assertThat(change(records.get(1), "realname"))
        .containsExactly("User " + user.email(), "New Name");
    assertThat(change(records.get(2), "permissions"))
        .containsExactly(List.of("analytic"), List.of("auditor"));
    assertThat(change(records.get(3), "enabled")).containsExactly(true, false);
    assertThat(change(records.get(4), "enabled")).containsExactly(false, true);
    assertThat(records.toString()).doesNotContain(Fixtures.PASSWORD).doesNotContain("pbkdf2");
  }

  @Test
  void loginWhenSucceedsOrFailsThenRecordedAsSessionActivity() {
    long tenant = fixtures.tenant("Login activity");
    TestUser admin = fixtures.user(tenant, "admin");
    Response failed =
        server.http.post(
            "/v1/login", Auth.NONE, Map.of("email", admin.email(), "password", "a-wrong-password"));
    assertThat(failed.status()).isEqualTo(401);

    List<JsonNode> sessions = log(admin.session(), "object_type=session");
    JsonNode login = one(sessions, r -> action(r, "login"));
    JsonNode refused = one(sessions, r -> action(r, "login_failed"));

    assertActor(login, "user", admin.id(), admin.email(), "ui");
    assertThat(login.path("outcome").asText()).isEqualTo("success");
    assertActor(refused, "user", admin.id(), admin.email(), "ui");
    assertThat(refused.path("outcome").asText()).isEqualTo("failure");
    assertThat(refused.path("client_id").asLong()).isEqualTo(tenant);
    assertThat(sessions.toString())
        .doesNotContain("a-wrong-password")
        .doesNotContain(Fixtures.PASSWORD);
  }

  @Test
  void clientDisableWhenGlobalAdminActsThenTenantLogShowsIt() {
    long tenant = fixtures.tenant("Client activity");
    TestUser admin = fixtures.user(tenant, "admin");
    for (boolean enabled : new boolean[] {false, true}) {
      assertThat(
              server
                  .http
                  .post(
                      "/v1/objects/client/update",
                      server.admin(),
                      Map.of("filter", Map.of("id", tenant), "fields", Map.of("enabled", enabled)))
                  .status())
          .isEqualTo(200);
    }

    List<JsonNode> records = oldestFirst(log(admin.session(), "object_type=client"));

    assertThat(records)
        .extracting(r -> r.path("action").asText())
        .containsExactly("create", "disable", "enable");
    assertActor(records.get(1), "user", server.admin().userId(), TestServer.ADMIN_EMAIL, "ui");
    assertThat(change(records.get(1), "enabled")).containsExactly(true, false);
  }

  @Test
  void filtersWhenGivenThenOnlyMatchingRecordsNewestFirst() {
    long tenant = fixtures.tenant("Filters");
    TestUser admin = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(admin.session(), List.of("admin"));
    fixtures.user(token.auth(), tenant, List.of("analytic"));
    Instant middle = server.clock.instant().plus(Duration.ofMinutes(30));
    server.clock.advance(Duration.ofHours(1));
    TestUser late = fixtures.user(admin.session(), tenant, List.of("auditor"));

    List<JsonNode> all = log(admin.session(), "");
    List<Long> ids = all.stream().map(r -> r.path("id").asLong()).toList();
    assertThat(ids)
        .isSortedAccordingTo(Comparator.reverseOrder())
        .doesNotHaveDuplicates()
        .hasSizeGreaterThan(5);
    assertThat(log(admin.session(), "object_type=user"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.path("object_type").asText()).isEqualTo("user"));
    assertThat(log(admin.session(), "action=login"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.path("action").asText()).isEqualTo("login"));
    // actor_id matches the id whatever the actor's type; the token's own records are its one
    // create.
    List<JsonNode> byActor = log(admin.session(), "actor_id=" + token.id());
    assertThat(byActor)
        .allSatisfy(r -> assertThat(r.path("actor").path("id").asLong()).isEqualTo(token.id()));
    List<JsonNode> byToken =
        byActor.stream()
            .filter(r -> r.path("actor").path("type").asText().equals("api_token"))
            .toList();
    assertThat(byToken).extracting(r -> r.path("action").asText()).containsExactly("create");
    assertActor(byToken.get(0), "api_token", token.id(), "token", "api_token");
    assertThat(log(admin.session(), "object_type=user&action=create&actor_id=" + admin.id()))
        .extracting(r -> r.path("object_id").asLong())
        .containsExactly(late.id());

    List<JsonNode> after = log(admin.session(), "from=" + encode(middle));
    List<JsonNode> before = log(admin.session(), "to=" + encode(middle));
    assertThat(after).extracting(r -> r.path("object_id").asLong()).contains(late.id());
    assertThat(after)
        .allSatisfy(r -> assertThat(Instant.parse(r.path("time").asText())).isAfter(middle));
    assertThat(before)
        .allSatisfy(r -> assertThat(Instant.parse(r.path("time").asText())).isBefore(middle));
    assertThat(before.size() + after.size()).isEqualTo(all.size());

    assertThat(log(admin.session(), "limit=2&offset=1"))
        .extracting(r -> r.path("id").asLong())
        .containsExactlyElementsOf(ids.subList(1, 3));
    assertThat(log(admin.session(), "offset=" + ids.size())).isEmpty();
    for (String bad :
        List.of("action=steal", "object_type=secret", "from=yesterday", "limit=0", "limit=1001")) {
      Response response = server.http.get("/v2/activity_log?" + bad, admin.session());
      assertThat(response.status()).as("%s: %s", bad, response).isEqualTo(400);
      assertThat(response.body().path(bad.substring(0, bad.indexOf('='))).path("error").asText())
          .isEqualTo("invalid");
    }
  }

  @Test
  void logWhenCallerOfAnotherClientThenRecordsNeverShown() {
    long tenant = fixtures.tenant("Private");
    TestUser admin = fixtures.user(tenant, "admin");
    fixtures.token(admin.session(), List.of("admin"));
    TestUser neighbour = fixtures.user(fixtures.tenant("Neighbour"), "admin");
    TestUser stranger = fixtures.otherPartnerAdmin();
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));

    List<JsonNode> own = log(neighbour.session(), "");
    assertThat(own)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.path("client_id").asLong()).isEqualTo(neighbour.clientId()));
    assertThat(own.toString()).doesNotContain(admin.email());
    for (Auth outsider : List.of(neighbour.session(), stranger.session())) {
      for (String path :
          List.of("/v2/activity_log?client_id=", "/v2/activity_log.csv?client_id=")) {
        Response refused = server.http.get(path + tenant, outsider);
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.text()).doesNotContain(admin.email());
      }
    }
    // Inside the client, the log needs activity_log:view (an Analyst has none).
    assertThat(server.http.get("/v2/activity_log", analyst.session()).status()).isEqualTo(403);
    // The partner's Global Administrator reaches it by naming the tenant.
    assertThat(log(server.admin(), "client_id=" + tenant).toString()).contains(admin.email());
  }

  @Test
  void csvWhenExportedThenTextCsvWithHeaderAndTheSameFilteredRows() {
    long tenant = fixtures.tenant("Export");
    TestUser admin = fixtures.user(tenant, "admin");
    fixtures.token(
        admin.session(),
        Map.of("realname", "Quote \" and, comma", "permissions", List.of("admin")));
    fixtures.user(admin.session(), tenant, List.of("analytic"));

    for (String filter : List.of("", "object_type=user", "action=create")) {
      Response csv = server.http.get("/v2/activity_log.csv?" + filter, admin.session());
      assertThat(csv.status()).as("%s", csv).isEqualTo(200);
      assertThat(csv.header("Content-Type")).startsWith("text/csv");
      List<List<String>> rows = parseCsv(csv.text());
      assertThat(rows.get(0))
          .containsExactly(
              "id",
              "time",
              "client_id",
              "object_type",
              "object_id",
              "object_name",
              "action",
              "outcome",
              "actor_type",
              "actor_id",
              "actor_name",
              "source",
              "ip",
              "changes");
      List<JsonNode> json = log(admin.session(), filter);
      assertThat(rows.subList(1, rows.size()))
          .extracting(row -> Long.parseLong(row.get(0)))
          .containsExactlyElementsOf(json.stream().map(r -> r.path("id").asLong()).toList());
      for (int i = 0; i < json.size(); i++) {
        List<String> row = rows.get(i + 1);
        JsonNode record = json.get(i);
        assertThat(row.get(3)).isEqualTo(record.path("object_type").asText());
        assertThat(row.get(6)).isEqualTo(record.path("action").asText());
        assertThat(row.get(10)).isEqualTo(record.path("actor").path("name").asText());
        assertThat(row.get(5)).isEqualTo(record.path("object_name").asText(""));
      }
      assertThat(SecretLedger.findIn(csv.text())).isNull();
    }
  }

  @Test
  void csvWhenCallerMayViewButNotExportThenForbidden() {
    long tenant = fixtures.tenant("No export");
    TestUser viewer = fixtures.user(tenant, List.of("activity_log:view"));
    TestUser auditor = fixtures.user(tenant, "auditor");

    assertThat(server.http.get("/v2/activity_log", viewer.session()).status()).isEqualTo(200);
    assertThat(server.http.get("/v2/activity_log.csv", viewer.session()).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/activity_log.csv", auditor.session()).status()).isEqualTo(200);
  }

  @Test
  void csvWhenNameStartsWithFormulaThenCellDefused() {
    long tenant = fixtures.tenant("Formula");
    TestUser admin = fixtures.user(tenant, "admin");
    fixtures.token(
        admin.session(),
        Map.of(
            "realname",
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "permissions",
            List.of("admin")));
    fixtures.token(admin.session(), Map.of("realname", "+1+1", "permissions", List.of("admin")));
    fixtures.token(admin.session(), Map.of("realname", "@SUM(1)", "permissions", List.of("admin")));

    Response csv = server.http.get("/v2/activity_log.csv?object_type=api_token", admin.session());

    List<List<String>> rows = parseCsv(csv.text());
    assertThat(rows).hasSize(4);
    assertThat(rows.subList(1, 4))
        .extracting(row -> row.get(5))
        .containsExactly("'@SUM(1)", "'+1+1", "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assertThat(rows)
        .allSatisfy(
            row ->
                assertThat(row)
                    .allSatisfy(
                        cell ->
                            assertThat(cell)
                                .doesNotStartWith("=")
                                .doesNotStartWith("+")
                                .doesNotStartWith("@")
                                .doesNotStartWith("-")));
  }

  @Test
  void pagesWhenFollowedByCursorThenEveryRecordOnceNewestFirstAndNewOnesDoNotShift()
      throws Exception {
    long tenant = fixtures.tenant("Paging");
    TestUser admin = fixtures.user(tenant, "admin");
    insertRecords(tenant, 1203);
    long total = count(admin.session(), "");
    assertThat(total).isGreaterThanOrEqualTo(1203);
    assertThat(count(admin.session(), "object_type=node")).isEqualTo(1203);

    List<Long> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Response page =
          server.http.get(
              "/v2/activity_log?limit=500" + (cursor == null ? "" : "&cursor=" + cursor),
              admin.session());
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.body().forEach(r -> seen.add(r.path("id").asLong()));
      if (pages == 0) {
        // A record made after the first page is newer: it does not push anything onto the next.
        fixtures.token(admin.session(), List.of("admin"));
      }
      cursor =
          page.json().path("next_cursor").isNull()
              ? null
              : page.json().path("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(pages).isEqualTo((int) ((total + 499) / 500));
    assertThat(seen)
        .hasSize((int) total)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo(Comparator.reverseOrder());

    Response csv =
        server.http.get("/v2/activity_log.csv?object_type=node&limit=2", admin.session());
    assertThat(csv.status()).as("%s", csv).isEqualTo(200);
    List<List<String>> rows = parseCsv(csv.text());
    assertThat(rows).as("every row of the filter, whatever limit says").hasSize(1 + 1203);
    List<Long> exported =
        rows.subList(1, rows.size()).stream().map(row -> Long.parseLong(row.get(0))).toList();
    assertThat(exported).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void cursorWhenMalformedOrBesideAnOffsetThenRefused() {
    TestUser admin = fixtures.user(fixtures.tenant("Cursors"), "admin");
    for (String bad : List.of("cursor=abc", "cursor=" + "A".repeat(40), "cursor=eDE")) {
      Response refused = server.http.get("/v2/activity_log?" + bad, admin.session());
      assertThat(refused.status()).as("%s: %s", bad, refused).isEqualTo(400);
      assertThat(refused.body().path("cursor").path("error").asText()).isIn("invalid", "too_long");
    }
    String next =
        server
            .http
            .get("/v2/activity_log?limit=1", admin.session())
            .json()
            .path("next_cursor")
            .asText();
    Response both = server.http.get("/v2/activity_log?offset=1&cursor=" + next, admin.session());
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.body().path("offset").path("error").asText()).isEqualTo("not_allowed");
    Response last = server.http.get("/v2/activity_log?limit=1000", admin.session());
    assertThat(last.json().has("next_cursor")).isTrue();
    assertThat(last.json().path("next_cursor").isNull()).isTrue();
  }

  private static long count(Auth auth, String query) {
    Response response = server.http.get("/v2/activity_log/count?" + query, auth);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return response.body().path("count").asLong();
  }

  // Records written straight into the table: more than an export's batch, quickly.
  private static void insertRecords(long client, int n) throws Exception {
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO activity (occurred_at, client_id, object_type, object_id, object_name,"
                    + " action, outcome, actor_type, actor_id, actor_name, source, ip, changes)"
                    + " VALUES (?, ?, 'node', ?, 'edge', 'update', 'success', 'system', NULL,"
                    + " 'system', 'system', NULL, '{}')")) {
      long time = server.clock.millis();
      for (int i = 0; i < n; i++) {
        insert.setLong(1, time);
        insert.setLong(2, client);
        insert.setLong(3, i);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The log is newest first; a change's story reads oldest first. */
  private static List<JsonNode> oldestFirst(List<JsonNode> records) {
    List<JsonNode> reversed = new ArrayList<>(records);
    Collections.reverse(reversed);
    return reversed;
  }

  private static List<JsonNode> log(Auth auth, String query) {
    String q =
        query.contains("limit=") ? query : (query.isEmpty() ? "" : query + "&") + "limit=1000";
    Response response = server.http.get("/v2/activity_log?" + q, auth);
    assertThat(response.status()).as("%s: %s", query, response).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    response.body().forEach(records::add);
    assertThat(SecretLedger.findIn(response.text())).as("a secret in the activity log").isNull();
    return records;
  }

  private static JsonNode one(List<JsonNode> records, Predicate<JsonNode> match) {
    List<JsonNode> found = records.stream().filter(match).toList();
    assertThat(found).as("records matching in %s", records).hasSize(1);
    return found.get(0);
  }

  private static boolean action(JsonNode record, String action) {
    return record.path("action").asText().equals(action);
  }

  private static void assertActor(
      JsonNode record, String type, long id, String namePrefix, String source) {
    JsonNode actor = record.path("actor");
    assertThat(actor.path("type").asText()).as("actor type of %s", record).isEqualTo(type);
    assertThat(actor.path("id").asLong()).as("actor id of %s", record).isEqualTo(id);
    assertThat(actor.path("name").asText()).as("actor name of %s", record).startsWith(namePrefix);
    assertThat(record.path("source").asText()).as("source of %s", record).isEqualTo(source);
    assertThat(record.path("ip").asText()).as("ip of %s", record).isEqualTo(LOCAL);
  }

  /** A change as [old, new] in plain Java values (lists of texts, texts, booleans, null). */
  private static List<Object> change(JsonNode record, String field) {
    JsonNode pair = record.path("changes").path(field);
    assertThat(pair.isArray() && pair.size() == 2).as("changes.%s of %s", field, record).isTrue();
    List<Object> values = new ArrayList<>();
    for (JsonNode value : pair) {
      values.add(plain(value));
    }
    return values;
  }

  private static Object plain(JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isArray()) {
      List<Object> items = new ArrayList<>();
      value.forEach(item -> items.add(plain(item)));
      return items;
    }
    return value.isNumber() ? (Object) value.asLong() : value.asText();
  }

  private static String hint(String secret) {
    return secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
  }

  private static Response updateUser(Auth auth, long id, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update", auth, Map.of("filter", Map.of("id", id), "fields", fields));
  }

  private static String encode(Instant instant) {
    return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
  }

  /** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks. */
  private static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (c != '\r') {
        cell.append(c);
      }
    }
    if (cell.length() > 0 || !row.isEmpty()) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }
}
