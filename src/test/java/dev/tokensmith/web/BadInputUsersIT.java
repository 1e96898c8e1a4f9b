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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input to the users endpoints and to login: the spec's 4xx bodies, and nothing changes. */
@UsesDatabase
class BadInputUsersIT {
  static TestServer server;
  static Fixtures fixtures;
  static Rejections rejections;
  static Auth.Session admin;
  static long userId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    fixtures = new Fixtures(server);
    rejections = new Rejections(server);
    admin = server.admin();
    userId = fixtures.user(fixtures.technicalClient(), "admin").id();
  }

  @AfterAll
  static void stop() {
    rejections.close();
    server.close();
  }

  static Map<String, Object> validCreate() {
    return Map.of(
        "email",
        "new.user@example.com",
        "realname",
        "New User",
        "password",
        "long-enough-1",
        "permissions",
        List.of("analytic"));
  }

  static Stream<Arguments> createFieldErrors() {
    return Stream.of(
        arguments("email", null, "required"),
        arguments("email", "", "required"),
        arguments("email", " ", "required"),
        arguments("email", "no-at-sign", "invalid"),
        arguments("email", "a@b@c", "invalid"),
        arguments("email", "a b@c", "invalid"),
        arguments("email", LONG + "@example.com", "too_long"),
        arguments("email", 5, "invalid"),
        arguments("email", List.of("a@b"), "invalid"),
        arguments("realname", null, "required"),
        arguments("realname", "", "required"),
        arguments("realname", LONG, "too_long"),
        arguments("realname", false, "invalid"),
        arguments("password", 12_345_678, "invalid"),
        arguments("permissions", null, "required"),
        arguments("permissions", "admin", "invalid"),
        arguments("permissions", List.of(), "invalid"),
        arguments("permissions", List.of("root"), "invalid"),
        arguments("clientid", -1, "invalid"),
        arguments("clientid", 0, "invalid"),
        arguments("clientid", TWO_TO_63, "invalid"),
        arguments("clientid", TEN_TO_30, "invalid"),
        arguments("clientid", "x", "invalid"),
        arguments("enabled", "yes", "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("createFieldErrors")
  void createWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create", admin, with(validCreate(), field, value)));

    assertField(r, field, code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "realname", "permissions"})
  void createWhenRequiredFieldMissingThenRequired(String field) {
    Map<String, Object> body = new HashMap<>(validCreate());
    body.remove(field);

    assertField(
        rejections.unchanged(() -> server.http.post("/v1/objects/user/create", admin, body)),
        field,
        "required");
  }

  @Test
  void createWhenEmailGrowsWhenLowerCasedThenTooLongAndNothingChanges() {
    // "İ" lower-cases to two characters: 257 characters as sent, 512 as the unique key.
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create",
                    admin,
                    with(validCreate(), "email", "a@" + "\u0130".repeat(255))));

    assertField(r, "email", "too_long");
  }

  @Test
  void createWhenEmailHasNonAsciiThatFitsThenStoredAndFoundInAnyCase() {
    String email = "zoë.\u0130@example.com";

    Response created =
        server.http.post("/v1/objects/user/create", admin, with(validCreate(), "email", email));
    Response duplicate =
        server.http.post(
            "/v1/objects/user/create",
            admin,
            with(validCreate(), "email", email.toUpperCase(java.util.Locale.ROOT)));

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().path("email").asText()).isEqualTo(email);
    assertStatus(duplicate, 409);
    assertThat(
            server
                .http
                .post(
                    "/v1/objects/user/delete", admin, Map.of("filter", Map.of("id", created.id())))
                .status())
        .isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {1025, 10_000})
  void createWhenPasswordTooLongThenErrorNeverEchoesIt(int length) {
    String password = "p".repeat(length);

    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create", admin, with(validCreate(), "password", password)));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("password").path("error").asText()).isIn("too_long", "invalid");
    assertThat(r.body().path("password").path("value").isNull()).as("%s", r).isTrue();
  }

  @Test
  void createWhenWrongTypedPasswordThenErrorNeverEchoesIt() {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create",
                    admin,
                    with(validCreate(), "password", List.of("my-secret-password"))));

    assertField(r, "password", "invalid");
    assertThat(r.text()).doesNotContain("my-secret-password");
  }

  @Test
  void createWhenEmailExistsInOtherCaseThenConflictAndNothingChanges() {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create",
                    admin,
                    with(validCreate(), "email", TestServer.ADMIN_EMAIL.toUpperCase())));

    assertStatus(r, 409);
  }

  @Test
  void createWhenUnknownClientThenForbiddenAndNothingChanges() {
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/create", admin, with(validCreate(), "clientid", 999_999))),
        403);
  }

  static Stream<Object> badIds() {
    return Stream.of(-1, 0, TWO_TO_63, TEN_TO_30, "1", 1.5, true, List.of(1));
  }

  @ParameterizedTest
  @MethodSource("badIds")
  void updateAndDeleteWhenFilterIdIsBadThenIdInvalidAndNothingChanges(Object id) {
    Map<String, Object> filter = with(Map.of(), "id", id);
    for (String path : List.of("/v1/objects/user/update", "/v1/objects/user/delete")) {
      Response r =
          rejections.unchanged(
              () ->
                  server.http.post(
                      path, admin, Map.of("filter", filter, "fields", Map.of("realname", "x"))));

      assertField(r, "id", "invalid");
    }
  }

  @Test
  void updateAndDeleteWhenIdMissingOrFilterMalformedThenFieldError() {
    for (String path : List.of("/v1/objects/user/update", "/v1/objects/user/delete")) {
      assertField(
          rejections.unchanged(() -> server.http.post(path, admin, Map.of())), "id", "required");
      assertField(
          rejections.unchanged(() -> server.http.post(path, admin, Map.of("filter", Map.of()))),
          "id",
          "required");
      assertField(
          rejections.unchanged(
              () -> server.http.post(path, admin, Map.of("filter", List.of(userId)))),
          "filter",
          "invalid");
      assertField(
          rejections.unchanged(() -> server.http.post(path, admin, Map.of("filter", "id"))),
          "filter",
          "invalid");
    }
  }

  @Test
  void updateAndDeleteWhenUnknownIdThenNotFoundAndNothingChanges() {
    for (String path : List.of("/v1/objects/user/update", "/v1/objects/user/delete")) {
      assertStatus(
          rejections.unchanged(
              () ->
                  server.http.post(
                      path,
                      admin,
                      Map.of("filter", Map.of("id", 999_999), "fields", Map.of("realname", "x")))),
          404);
    }
  }

  static Stream<Arguments> updateFieldErrors() {
    return Stream.of(
        arguments("realname", "", "required"),
        arguments("realname", LONG, "too_long"),
        arguments("realname", 1, "invalid"),
        arguments("permissions", "admin", "invalid"),
        arguments("permissions", List.of(), "invalid"),
        arguments("permissions", List.of("admin", "analytic"), "invalid"),
        arguments("enabled", "no", "invalid"),
        arguments("sso", "maybe", "invalid"),
        arguments("sso", true, "invalid"),
        arguments("api_access", "yes", "invalid"),
        arguments("api_access", 1, "invalid"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("updateFieldErrors")
  void updateWhenFieldIsBadThenFieldErrorAndNothingChanges(
      String field, Object value, String code) {
    Response r =
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/update",
                    admin,
                    Map.of(
                        "filter",
                        Map.of("id", userId),
                        "fields",
                        with(Map.of("realname", "Renamed"), field, value))));

    assertField(r, field, code);
  }

  @Test
  void updateWhenFieldsIsNotAnObjectThenFieldsInvalid() {
    assertField(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/update",
                    admin,
                    Map.of("filter", Map.of("id", userId), "fields", List.of("realname")))),
        "fields",
        "invalid");
  }

  @Test
  void updateWhenDisablingSelfThenEnabledNotAllowed() {
    assertField(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/update",
                    admin,
                    Map.of(
                        "filter",
                        Map.of("id", admin.userId()),
                        "fields",
                        Map.of("enabled", false)))),
        "enabled",
        "not_allowed");
  }

  @Test
  void deleteWhenSelfThenIdNotAllowed() {
    assertField(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/objects/user/delete",
                    admin,
                    Map.of("filter", Map.of("id", admin.userId())))),
        "id",
        "not_allowed");
  }

  static Stream<Arguments> loginFieldErrors() {
    return Stream.of(
        arguments("email", null, "required"),
        arguments("email", "", "required"),
        arguments("email", 5, "invalid"),
        arguments("email", LONG, "too_long"),
        arguments("email", Map.of(), "invalid"),
        arguments("password", 5, "invalid"),
        arguments("password", List.of("x"), "invalid"),
        arguments("password", "p".repeat(1025), "too_long"));
  }

  @ParameterizedTest(name = "[{index}] {0} → {2}")
  @MethodSource("loginFieldErrors")
  void loginWhenFieldIsBadThenFieldErrorWithoutPasswordAndNothingChanges(
      String field, Object value, String code) {
    Map<String, Object> body =
        with(
            Map.of("email", TestServer.ADMIN_EMAIL, "password", TestServer.ADMIN_PASSWORD),
            field,
            value);

    Response r = rejections.unchanged(() -> server.http.post("/v1/login", Auth.NONE, body));

    assertField(r, field, code);
    if (field.equals("password")) {
      assertThat(r.body().path("password").path("value").isNull())
          .as("the password is never echoed: %s", r)
          .isTrue();
    }
  }

  @Test
  void loginWhenUnknownEmailOrWrongPasswordThenUnauthorizedAndNothingChanges() {
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/login",
                    Auth.NONE,
                    Map.of("email", "nobody@example.com", "password", "whatever-1"))),
        401);
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post(
                    "/v1/login",
                    Auth.NONE,
                    Map.of("email", TestServer.ADMIN_EMAIL, "password", "wrong-password"))),
        401);
    assertStatus(
        rejections.unchanged(
            () ->
                server.http.post("/v1/login", Auth.NONE, Map.of("email", TestServer.ADMIN_EMAIL))),
        401);
  }

  @Test
  void listWhenFilterHasWrongTypesThenFieldError() {
    assertField(
        server.http.post("/v1/objects/user", admin, Map.of("filter", Map.of("clientid", "x"))),
        "clientid",
        "invalid");
    assertField(
        server.http.post("/v1/objects/user", admin, Map.of("filter", Map.of("email", 5))),
        "email",
        "invalid");
    assertField(
        server.http.post("/v1/objects/user", admin, Map.of("limit", 1001)), "limit", "invalid");
    assertField(
        server.http.post("/v1/objects/user", admin, Map.of("offset", -1)), "offset", "invalid");
  }
}
