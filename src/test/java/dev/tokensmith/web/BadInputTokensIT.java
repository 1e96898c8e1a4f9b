package dev.tokensmith.web;

import static dev.tokensmith.web.Rejections.assertField;
import static dev.tokensmith.web.Rejections.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input to the API token endpoints: the spec's 400/404 bodies, and nothing changes. */
@UsesDatabase
class BadInputTokensIT {
  static final String LONG = "x".repeat(10_000);
  static final BigInteger TWO_TO_63 = BigInteger.TWO.pow(63);
  static final BigDecimal TEN_TO_30 = new BigDecimal("1e30");

  static TestServer server;
  static Fixtures fixtures;
  static Rejections rejections;
  static Auth.Session admin;
  static long tokenId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    fixtures = new Fixtures(server);
    rejections = new Rejections(server);
    admin = server.admin();
    tokenId = fixtures.token(admin, List.of("admin")).id();
  }

  @AfterAll
  static void stop() {
    rejections.close();
    server.close();
  }

  static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
    Map<String, Object> body = new HashMap<>(base);
    body.put(field, value);
    return body;
  }

  static Map<String, Object> validCreate() {
    return Map.of("realname", "bad input", "permissions", List.of("api_tokens:view"));
  }

  static Stream<Arguments> createFieldErrors() {
    return Stream.of(
        arguments("realname", null, "required"),
        arguments("realname", "", "required"),
        arguments("realname", "   ", "required"),
        arguments("realname", LONG, "too_long"),
        arguments("realname", 5, "invalid"),
        arguments("realname", true, "invalid"),
        arguments("realname", List.of("a"), "invalid"),
        arguments("realname", Map.of("a", 1), "invalid"),
        arguments("permissions", null, "required"),
        arguments("permissions", "admin", "invalid"),
        arguments("permissions", List.of(), "invalid"),
        arguments("permissions", List.of(1), "invalid"),
        arguments("permissions", List.of("nonexistent"), "invalid"),
        arguments("permissions", List.of("admin", "users:view"), "invalid"),
        arguments("permissions", List.of("custom"), "invalid"),
        arguments("permissions", List.of(LONG), "invalid"),
        arguments("permissions", Map.of("admin", true), "invalid"),
        arguments("expire_at", 5, "invalid"),
        arguments("expire_at", "tomorrow", "invalid"),
        arguments("expire_at", "2033-02-30T00:00:00Z", "invalid"),
        arguments("expire_at", "2033-06-13", "invalid"),
        arguments("expire_at", "2033-06-13T25:00:00Z", "invalid"),
        arguments("expire_at", "1969-12-31T23:59:59Z", "invalid"),
        arguments("expire_at", "+10000-01-01T00:00:00Z", "invalid"),
        arguments("expire_at", LONG, "too_long"),
        arguments("expire_at", "2020-01-01T00:00:00.000Z", "in_past"),
        arguments("enabled", "yes", "invalid"),
        arguments("enabled", 1, "invalid"),
        arguments("shared", "true", "invalid"),
        arguments("usage", "nope", "invalid"),
        arguments("usage", 5, "invalid"),
        arguments("allowed_ips", "10.0.0.0/8", "invalid"),
        arguments("allowed_ips", List.of("nope"), "invalid"),
        arguments("allowed_ips", List.of("10.0.0.0/33"), "invalid"),
        arguments("allowed_ips", List.of(5), "invalid"),
        arguments("allowed_ips", List.of("example.com"), "invalid"),
        arguments("allowed_ips", List.of(LONG), "invalid"),
        arguments("allowed_ips", Collections.nCopies(91, "10.0.0.1"), "invalid"),
        arguments("user_id", -1, "invalid"),
        arguments("user_id", 0, "invalid"),
        arguments("user_id", TWO_TO_63, "invalid"),
        arguments("user_id", TEN_TO_30, "invalid"),
        arguments("user_id", "1", "invalid"),
        arguments("user_id", 1.5, "invalid"),
        arguments("user_id", 999_999, "not_allowed"),
        arguments("client_id", -1, "invalid"),
        arguments("client_id", 0, "invalid"),
        arguments("client_id", TWO_TO_63, "invalid"),
        arguments("client_id", TEN_TO_30, "invalid"),
        arguments("client_id", "abc", "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("createFieldErrors")
  void createWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () -> server.http.post("/v2/api_tokens", admin, with(validCreate(), field, value)));

    assertField(r, field, code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"realname", "permissions"})
  void createWhenRequiredFieldMissingThenRequired(String field) {
    Map<String, Object> body = new HashMap<>(validCreate());
    body.remove(field);

    Response r = rejections.unchanged(() -> server.http.post("/v2/api_tokens", admin, body));

    assertField(r, field, "required");
  }

  @Test
  void createWhenExpiryIsNowOrJustPastThenInPast() {
    for (var at : List.of(server.clock.instant(), server.clock.instant().minusMillis(1))) {
      Response r =
          rejections.unchanged(
              () ->
                  server.http.post(
                      "/v2/api_tokens",
                      admin,
                      with(validCreate(), "expire_at", IsoTime.format(at))));

      assertField(r, "expire_at", "in_past");
    }
  }

  @Test
  void createWhenOtherUsersIdThenUserIdNotAllowed() {
    long other = fixtures.user(fixtures.technicalClient(), "admin").id();

    Response r =
        rejections.unchanged(
            () -> server.http.post("/v2/api_tokens", admin, with(validCreate(), "user_id", other)));

    assertField(r, "user_id", "not_allowed");
  }

  @Test
  void createWhenUnknownClientIdThenForbiddenAndNothingChanges() {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v2/api_tokens", admin, with(validCreate(), "client_id", 999_999)));

    assertStatus(r, 403);
  }

  @Test
  void createWhenUnknownFieldsThenIgnored() {
    Response r =
        server.http.post(
            "/v2/api_tokens", admin, with(validCreate(), "surprise", Map.of("deep", List.of(1))));

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(server.http.delete("/v2/api_tokens/" + r.id(), admin).status()).isEqualTo(200);
  }

  static Stream<Arguments> updateFieldErrors() {
    return Stream.of(
        arguments("realname", "", "required"),
        arguments("realname", " ", "required"),
        arguments("realname", LONG, "too_long"),
        arguments("realname", 5, "invalid"),
        arguments("enabled", "no", "invalid"),
        arguments("enabled", 0, "invalid"),
        arguments("expire_at", "2020-01-01T00:00:00Z", "in_past"),
        arguments("expire_at", "soon", "invalid"),
        arguments("expire_at", "2033-13-01T00:00:00Z", "invalid"),
        arguments("expire_at", 2_000_000_000, "invalid"),
        arguments("permissions", "admin", "invalid"),
        arguments("permissions", List.of(), "invalid"),
        arguments("permissions", List.of("users:fly"), "invalid"),
        arguments("allowed_ips", List.of("300.0.0.1"), "invalid"),
        arguments("allowed_ips", "any", "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("updateFieldErrors")
  void updateWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.put(
                    "/v2/api_tokens/" + tokenId,
                    admin,
                    with(Map.of("realname", "renamed"), field, value)));

    assertField(r, field, code);
  }

  @Test
  void updateWhenEnablingWithoutExpiryThenExpireAtRequired() {
    long id =
        fixtures
            .token(
                admin, Map.of("realname", "off", "permissions", List.of("admin"), "enabled", false))
            .id();

    Response r =
        rejections.unchanged(
            () -> server.http.put("/v2/api_tokens/" + id, admin, Map.of("enabled", true)));

    assertField(r, "expire_at", "required");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-1",
        "9223372036854775808",
        "18446744073709551616",
        "1e30",
        "1.5",
        "abc",
        "0x10",
        "99999999",
        "%20",
        "1%3B1",
        "00000000000000000001"
      })
  void tokenPathWhenIdIsBadOrUnknownThenNotFoundAndNothingChanges(String id) {
    String path = "/v2/api_tokens/" + id;
    Map<String, Object> body = Map.of("realname", "renamed");
    for (Response r :
        List.of(
            server.http.get(path, admin),
            server.http.get(path + "/secret", admin),
            rejections.unchanged(() -> server.http.put(path, admin, body)),
            rejections.unchanged(() -> server.http.post(path + "/secret", admin, Map.of())),
            rejections.unchanged(() -> server.http.delete(path, admin)))) {
      assertStatus(r, 404);
    }
  }

  static Stream<Object> badGraceSeconds() {
    return Stream.of(-1, 604_801, "60", 1.5, TEN_TO_30, TWO_TO_63, true, List.of(60), Map.of());
  }

  @ParameterizedTest
  @MethodSource("badGraceSeconds")
  void renewWhenGraceSecondsIsBadThenInvalidAndSecretUnchanged(Object grace) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v2/api_tokens/" + tokenId + "/secret",
                    admin,
                    with(Map.of(), "grace_seconds", grace)));

    assertField(r, "grace_seconds", "invalid");
  }

  static Stream<Arguments> badListQueries() {
    return Stream.of(
        arguments("limit=0", "limit", "invalid"),
        arguments("limit=1001", "limit", "invalid"),
        arguments("limit=-1", "limit", "invalid"),
        arguments("limit=abc", "limit", "invalid"),
        arguments("limit=1.5", "limit", "invalid"),
        arguments("limit=", "limit", "invalid"),
        arguments("limit=9223372036854775808", "limit", "invalid"),
        arguments("limit=1e30", "limit", "invalid"),
        arguments("offset=-1", "offset", "invalid"),
        arguments("offset=abc", "offset", "invalid"),
        arguments("client_id=abc", "client_id", "invalid"),
        arguments("client_id=-1", "client_id", "invalid"),
        arguments("client_id=0", "client_id", "invalid"),
        arguments("client_id=9223372036854775808", "client_id", "invalid"),
        arguments("user_id=abc", "user_id", "invalid"),
        arguments("user_id=-5", "user_id", "invalid"),
        arguments("enabled=yes", "enabled", "invalid"),
        arguments("shared=1", "shared", "invalid"),
        arguments("realname=" + "x".repeat(256), "realname", "too_long"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badListQueries")
  void listWhenQueryParameterIsBadThenFieldError(String query, String field, String code) {
    assertField(server.http.get("/v2/api_tokens?" + query, admin), field, code);
  }

  @Test
  void listWhenLimitAtBoundsThenOk() {
    assertThat(server.http.get("/v2/api_tokens?limit=1", admin).status()).isEqualTo(200);
    assertThat(server.http.get("/v2/api_tokens?limit=1000", admin).status()).isEqualTo(200);
  }

  @Test
  void listWhenFilterBodyHasWrongTypesThenFieldError() {
    assertField(
        server.http.send("GET", "/v2/api_tokens", admin, Map.of("filter", List.of()), Map.of()),
        "filter",
        "invalid");
    assertField(
        server.http.send(
            "GET", "/v2/api_tokens", admin, Map.of("filter", Map.of("enabled", "yes")), Map.of()),
        "enabled",
        "invalid");
    assertField(
        server.http.send("GET", "/v2/api_tokens", admin, Map.of("limit", 0), Map.of()),
        "limit",
        "invalid");
  }

  @Test
  void listWhenUnknownClientIdThenForbidden() {
    assertStatus(server.http.get("/v2/api_tokens?client_id=999999", admin), 403);
  }

  @Test
  void createWhenNinetyLongIpv6RangesThenStoredAndNinetyOneThenInvalid() {
    List<String> ranges =
        IntStream.range(0, 91)
            .mapToObj(i -> String.format("1111:2222:3333:4444:5555:6666:7777:%04x/128", 0x1000 + i))
            .toList();

    Response tooMany =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v2/api_tokens", admin, with(validCreate(), "allowed_ips", ranges)));
    Response stored =
        server.http.post(
            "/v2/api_tokens", admin, with(validCreate(), "allowed_ips", ranges.subList(0, 90)));

    assertField(tooMany, "allowed_ips", "invalid");
    assertThat(stored.status()).as("%s", stored).isEqualTo(200);
    assertThat(server.http.get("/v2/api_tokens/" + stored.id(), admin).body().path("allowed_ips"))
        .hasSize(90);
  }
}
