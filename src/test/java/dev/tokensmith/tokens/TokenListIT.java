package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token descriptions, and the token list in another order than by id ({@code order_by}, {@code
 * order_desc}) paged by a cursor that belongs to that order.
 */
@UsesDatabase
@WithServer
class TokenListIT {
  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static TestUser analyst;
  // Descriptions are tried in a client of their own, so the sorted lists stay as seeded.
  static TestUser describer;

  /** What each listed token was made with. */
  record Made(long id, String name, String owner, Long expireDays, boolean used) {}

  static final List<Made> MADE = new ArrayList<>();

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Sorting");
    admin = fixtures.user(tenant, "admin");
    analyst = fixtures.user(tenant, "analytic");
    describer = fixtures.user(fixtures.tenant("Descriptions"), "admin");
    String[] names = {"delta", "Alpha", "charlie", "bravo", "alpha", "Echo", "foxtrot"};
    Long[] expiry = {10L, null, 3L, 10L, null, 1L, 30L};
    for (int i = 0; i < names.length; i++) {
      TestUser owner = i % 2 == 0 ? admin : analyst;
      Map<String, Object> body = new HashMap<>();
      body.put("realname", names[i]);
      body.put("permissions", List.of("analytic"));
      body.put(
          "expire_at",
          expiry[i] == null
              ? null
              : IsoTime.format(server.clock.instant().plus(Duration.ofDays(expiry[i]))));
      Issued t = fixtures.token(owner.session(), body);
      boolean used = i % 3 == 0;
      if (used) {
        server.clock.advance(Duration.ofMinutes(2 + i));
        assertThat(server.http.get("/v1/user", t.auth()).status()).isEqualTo(200);
      }
      server.clock.advance(Duration.ofSeconds(1));
      MADE.add(new Made(t.id(), names[i], realname(owner), expiry[i], used));
    }
    Issued shared = fixtures.sharedToken(admin.session(), List.of("analytic"));
    MADE.add(new Made(shared.id(), "shared", "", null, false));
    // Usage is written in batches: flush it so last_used_at is in the rows.
    server.app.flushUsage();
  }

  private static String realname(TestUser user) {
    return server.http.get("/v1/user", user.session()).body().path("realname").asText();
  }

  private static Response list(String query) {
    return server.http.get("/v2/api_tokens?" + query, admin.session());
  }

  /** Every page of a sorted list, two at a time, by next_cursor. */
  private static List<JsonNode> all(String order, boolean desc) {
    return all(admin, order, desc);
  }

  /** The same, of the list {@code reader} sees. */
  private static List<JsonNode> all(TestUser reader, String order, boolean desc) {
    List<JsonNode> rows = new ArrayList<>();
    String base = "limit=2&order_by=" + order + "&order_desc=" + desc;
    Response page = server.http.get("/v2/api_tokens?" + base, reader.session());
    while (true) {
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.body().forEach(rows::add);
      // A cursor that leads back to rows already read would page forever.
      assertThat(rows).as("pages of %s", base).hasSizeLessThanOrEqualTo(MADE.size() + 6);
      JsonNode next = page.json().path("next_cursor");
      if (next.isNull() || next.isMissingNode()) {
        return rows;
      }
      page =
          server.http.get(
              "/v2/api_tokens?"
                  + base
                  + "&cursor="
                  + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8),
              reader.session());
    }
  }

  private static List<Long> ids(List<JsonNode> rows) {
    return rows.stream().map(r -> r.path("id").asLong()).toList();
  }

  private static List<Long> expected(Comparator<Made> order) {
    return MADE.stream().sorted(order.thenComparing(Made::id)).map(Made::id).toList();
  }

  private static List<Long> reversed(List<Long> ids) {
    List<Long> copy = new ArrayList<>(ids);
    java.util.Collections.reverse(copy);
    return copy;
  }

  @Test
  void listWhenOrderedByNameThenCaseBlindThenByIdAcrossPages() {
    List<Long> byName = expected(Comparator.comparing(m -> m.name().toLowerCase(Locale.ROOT)));

    assertThat(ids(all("realname", false))).isEqualTo(byName);
    assertThat(ids(all("realname", true))).isEqualTo(reversed(byName));
  }

  @Test
  void listWhenOrderedByOwnerThenSharedFirstThenOwnersByName() {
    List<Long> byOwner = expected(Comparator.comparing(m -> m.owner().toLowerCase(Locale.ROOT)));

    assertThat(ids(all("user_realname", false))).isEqualTo(byOwner);
    assertThat(ids(all("user_realname", true))).isEqualTo(reversed(byOwner));
  }

  @Test
  void listWhenOwnerRenamedThenOrderedByTheNewName() {
    // A client of its own, so the seeded lists stay as they are.
    long client = fixtures.tenant("Renamed owners");
    TestUser first = fixtures.user(client, "admin");
    TestUser second = fixtures.user(client, "analytic");
    rename(first, "Bob");
    rename(second, "Carol");
    List<Long> bobs = new ArrayList<>();
    List<Long> carols = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bobs.add(fixtures.token(first.session(), List.of("analytic")).id());
      carols.add(fixtures.token(second.session(), List.of("analytic")).id());
    }
    List<Long> before = new ArrayList<>(bobs);
    before.addAll(carols);
    assertThat(ids(all(first, "user_realname", false))).isEqualTo(before);

    rename(second, "alice");

    List<Long> after = new ArrayList<>(carols);
    after.addAll(bobs);
    assertThat(ids(all(first, "user_realname", false))).isEqualTo(after);
    assertThat(ids(all(first, "user_realname", true))).isEqualTo(reversed(after));
  }

  private static void rename(TestUser user, String realname) {
    assertThat(
            fixtures.updateUser(server.admin(), user.id(), Map.of("realname", realname)).status())
        .isEqualTo(200);
  }

  @Test
  void listWhenOrderedByExpiryThenNeverLast() {
    List<Long> byExpiry =
        expected(
            Comparator.comparing(m -> m.expireDays() == null ? Long.MAX_VALUE : m.expireDays()));

    assertThat(ids(all("expire_at", false))).isEqualTo(byExpiry);
    assertThat(ids(all("expire_at", true))).isEqualTo(reversed(byExpiry));
  }

  @Test
  void listWhenOrderedByCreationOrLastUseThenInThatOrder() {
    assertThat(ids(all("create_at", true))).isEqualTo(reversed(expected((a, b) -> 0)));
    List<JsonNode> byUse = all("last_used_at", true);
    List<Long> used = MADE.stream().filter(Made::used).map(Made::id).toList();
    // The used ones first, latest use first (made in id order, so later ids were used later).
    assertThat(ids(byUse).subList(0, used.size())).isEqualTo(reversed(used));
    assertThat(byUse.get(0).path("last_used_ip").asText()).isNotEmpty();
    assertThat(byUse.get(byUse.size() - 1).path("last_used_at").isNull()).isTrue();
  }

  @Test
  void listWhenCursorOfAnotherOrderThen400() {
    String byName = list("limit=2&order_by=realname").json().path("next_cursor").asText();
    String natural = list("limit=2").json().path("next_cursor").asText();
    String byNameDesc =
        list("limit=2&order_by=realname&order_desc=true").json().path("next_cursor").asText();

    assertThat(list("limit=2&order_by=expire_at&cursor=" + byName).status()).isEqualTo(400);
    assertThat(list("limit=2&order_by=realname&order_desc=true&cursor=" + byName).status())
        .isEqualTo(400);
    assertThat(list("limit=2&cursor=" + byName).status()).isEqualTo(400);
    assertThat(list("limit=2&order_by=realname&cursor=" + natural).status()).isEqualTo(400);
    assertThat(list("limit=2&order_by=realname&cursor=" + byNameDesc).status()).isEqualTo(400);
    Response unknown = list("order_by=secret");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("order_by").path("error").asText()).isEqualTo("invalid");
    // The natural order still pages by its own cursor.
    assertThat(list("limit=2&cursor=" + natural).status()).isEqualTo(200);
  }

  @Test
  void listWhenSortedAsANonAdminThenOnlyOwnTokens() {
    Response own = server.http.get("/v2/api_tokens?order_by=realname", analyst.session());

    List<Long> analystTokens =
        MADE.stream()
            .filter(m -> m.owner().equals(realname(analyst)))
            .sorted(Comparator.comparing((Made m) -> m.name().toLowerCase(Locale.ROOT)))
            .map(Made::id)
            .toList();
    assertThat(ids(toList(own.body()))).isEqualTo(analystTokens);
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> rows = new ArrayList<>();
    array.forEach(rows::add);
    return rows;
  }

  @Test
  void descriptionWhenGivenThenShownChangedAndCleared() {
    Response created =
        server.http.post(
            "/v2/api_tokens",
            describer.session(),
            Map.of(
                "realname",
                "described",
                "description",
                "CI deploys of the billing service",
                "permissions",
                List.of("analytic")));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().path("description").asText())
        .isEqualTo("CI deploys of the billing service");
    long id = created.id();
    assertThat(
            server
                .http
                .get("/v2/api_tokens/" + id, describer.session())
                .body()
                .path("description")
                .asText())
        .isEqualTo("CI deploys of the billing service");

    Response changed =
        server.http.put(
            "/v2/api_tokens/" + id, describer.session(), Map.of("description", "x".repeat(1000)));
    assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    assertThat(changed.body().path("description").asText()).hasSize(1000);
    // A rename leaves the description as it is.
    assertThat(
            server
                .http
                .put("/v2/api_tokens/" + id, describer.session(), Map.of("realname", "renamed"))
                .body()
                .path("description")
                .asText())
        .hasSize(1000);

    Response cleared =
        server.http.put("/v2/api_tokens/" + id, describer.session(), Map.of("description", ""));
    assertThat(cleared.body().path("description").isNull()).isTrue();
  }

  @Test
  void descriptionWhenOver1000CharactersOrNotTextThen400() {
    Response tooLong =
        server.http.post(
            "/v2/api_tokens",
            describer.session(),
            Map.of(
                "realname",
                "long",
                "description",
                "x".repeat(1001),
                "permissions",
                List.of("analytic")));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body().path("description").path("error").asText()).isEqualTo("too_long");

    long id = fixtures.token(describer.session(), List.of("analytic")).id();
    Response notText =
        server.http.put("/v2/api_tokens/" + id, describer.session(), Map.of("description", 5));
    assertThat(notText.status()).isEqualTo(400);
    assertThat(notText.body().path("description").path("error").asText()).isEqualTo("invalid");
  }
}
