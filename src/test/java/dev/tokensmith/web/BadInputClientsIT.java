package dev.tokensmith.web;

import static dev.tokensmith.web.BadInputTokensIT.LONG;
import static dev.tokensmith.web.BadInputTokensIT.TEN_TO_30;
import static dev.tokensmith.web.BadInputTokensIT.TWO_TO_63;
import static dev.tokensmith.web.BadInputTokensIT.with;
import static dev.tokensmith.web.Rejections.assertField;
import static dev.tokensmith.web.Rejections.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input to the client endpoints and the activity log's query: the spec's 4xx bodies, nothing
 * changes.
 */
@UsesDatabase
class BadInputClientsIT {
  static TestServer server;
  static Rejections rejections;
  static Auth.Session admin;
  static String partnerUuid;
  static long tenantId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    rejections = new Rejections(server);
    admin = server.admin();
    partnerUuid = server.http.get("/v1/user", admin).body().path("partner_uuid").asText();
    tenantId = new Fixtures(server).tenant("Tenant under test");
  }

  @AfterAll
  static void stop() {
    rejections.close();
    server.close();
  }

  static Map<String, Object> validCreate() {
    return Map.of("name", "New tenant", "vuln_prefix", "NEW1", "partner_uuid", partnerUuid);
  }

  static Stream<Arguments> createFieldErrors() {
    return Stream.of(
        arguments("name", null, "required"),
        arguments("name", "", "required"),
        arguments("name", "  ", "required"),
        arguments("name", LONG, "too_long"),
        arguments("name", 5, "invalid"),
        arguments("name", List.of(), "invalid"),
        arguments("vuln_prefix", "abc", "invalid"),
        arguments("vuln_prefix", "abcd", "invalid"),
        arguments("vuln_prefix", "AB-D", "invalid"),
        arguments("vuln_prefix", "ABCDE", "too_long"),
        arguments("vuln_prefix", 1234, "invalid"),
        arguments("partner_uuid", null, "required"),
        arguments("partner_uuid", LONG, "too_long"),
        arguments("partner_uuid", 7, "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("createFieldErrors")
  void createWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/create", admin, with(validCreate(), field, value)));

    assertField(r, field, code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "partner_uuid"})
  void createWhenRequiredFieldMissingThenRequired(String field) {
    Map<String, Object> body = new HashMap<>(validCreate());
    body.remove(field);

    assertField(
        rejections.unchanged(() -> server.http.post("/v1/objects/client/create", admin, body)),
        field,
        "required");
  }

  @Test
  void createWhenOtherPartnerUuidThenForbiddenAndNothingChanges() {
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/create",
                    admin,
                    with(validCreate(), "partner_uuid", UUID.randomUUID().toString()))),
        403);
  }

  @Test
  void createWhenPrefixTakenThenConflictAndNothingChanges() {
    String taken =
        server
            .http
            .post("/v1/objects/client", admin, Map.of("filter", Map.of("id", List.of(tenantId))))
            .body()
            .path(0)
            .path("vuln_prefix")
            .asText();

    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/create", admin, with(validCreate(), "vuln_prefix", taken))),
        409);
  }

  static Stream<Object> badIds() {
    return Stream.of(-1, 0, TWO_TO_63, TEN_TO_30, "1", 1.5, false, Map.of());
  }

  @ParameterizedTest
  @MethodSource("badIds")
  void updateWhenFilterIdIsBadThenIdInvalidAndNothingChanges(Object id) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/update",
                    admin,
                    Map.of("filter", with(Map.of(), "id", id), "fields", Map.of("name", "x"))));

    assertField(r, "id", "invalid");
  }

  @Test
  void updateWhenIdMissingOrUnknownThenRequiredOrNotFound() {
    assertField(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/update", admin, Map.of("fields", Map.of("name", "x")))),
        "id",
        "required");
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/update",
                    admin,
                    Map.of("filter", Map.of("id", 999_999), "fields", Map.of("name", "x")))),
        404);
  }

  static Stream<Arguments> updateFieldErrors() {
    return Stream.of(
        arguments("name", "", "required"),
        arguments("name", LONG, "too_long"),
        arguments("name", 9, "invalid"),
        arguments("enabled", "no", "invalid"),
        arguments("show_once", 1, "invalid"),
        arguments("max_tokens", -1, "invalid"),
        arguments("max_tokens", TWO_TO_63, "invalid"),
        arguments("max_tokens", 1L << 32, "invalid"),
        arguments("max_tokens", "5", "invalid"),
        arguments("max_tokens", TEN_TO_30, "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("updateFieldErrors")
  void updateWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/update",
                    admin,
                    Map.of(
                        "filter",
                        Map.of("id", tenantId),
                        "fields",
                        with(Map.of("name", "Renamed"), field, value))));

    assertField(r, field, code);
  }

  @Test
  void updateWhenDisablingTechnicalTenantThenEnabledNotAllowed() {
    assertField(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/client/update",
                    admin,
                    Map.of(
                        "filter",
                        Map.of("id", admin.clientId()),
                        "fields",
                        Map.of("enabled", false)))),
        "enabled",
        "not_allowed");
  }

  @Test
  void listWhenFilterIdsAreBadThenIdInvalid() {
    for (Object ids :
        List.of(List.of(-1), List.of("1"), List.of(TWO_TO_63), "x", List.of(List.of(1)))) {
      assertField(
          server.http.post("/v1/objects/client", admin, Map.of("filter", Map.of("id", ids))),
          "id",
          "invalid");
    }
  }

  static Stream<Arguments> badActivityQueries() {
    return Stream.of(
        arguments("limit=0", "limit", "invalid"),
        arguments("limit=1001", "limit", "invalid"),
        arguments("limit=-1", "limit", "invalid"),
        arguments("limit=abc", "limit", "invalid"),
        arguments("offset=-1", "offset", "invalid"),
        arguments("offset=1e3", "offset", "invalid"),
        arguments("from=yesterday", "from", "invalid"),
        arguments("to=2033-02-30T00:00:00Z", "to", "invalid"),
        arguments("from=2033-06-13", "from", "invalid"),
        arguments("from=" + "1".repeat(41), "from", "too_long"),
        arguments("object_type=planet", "object_type", "invalid"),
        arguments("action=explode", "action", "invalid"),
        arguments("actor_id=-1", "actor_id", "invalid"),
        arguments("actor_id=abc", "actor_id", "invalid"),
        arguments("client_id=abc", "client_id", "invalid"),
        arguments("client_id=0", "client_id", "invalid"),
        arguments("client_id=9223372036854775808", "client_id", "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badActivityQueries")
  void activityLogWhenQueryParameterIsBadThenFieldError(String query, String field, String code) {
    assertField(server.http.get("/v2/activity_log?" + query, admin), field, code);
    assertField(server.http.get("/v2/activity_log.csv?" + query, admin), field, code);
  }

  @Test
  void activityLogWhenUnknownClientThenForbidden() {
    assertStatus(server.http.get("/v2/activity_log?client_id=999999", admin), 403);
  }

  @Test
  void activityLogWhenTimeWithOffsetThenAccepted() {
    Response r =
        server.http.get(
            "/v2/activity_log?from=2020-01-01T00:00:00%2B02:00&to=2099-01-01T00:00:00Z", admin);

    assertThat(r.status()).as("%s", r).isEqualTo(200);
  }

  @Test
  void partnerClientWhenPartnerIdIsBadThenFieldError() {
    assertField(server.http.get("/v2/partner_client?partnerid=abc", admin), "partnerid", "invalid");
    assertField(server.http.get("/v2/partner_client?limit=0", admin), "limit", "invalid");
  }
}
