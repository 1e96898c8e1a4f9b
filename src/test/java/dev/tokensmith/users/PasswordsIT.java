package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A user's own password: changed with the current one (other sessions end), or set once through a
 * one-time link that an administrator issues (or that a user created without a password gets); and
 * the rules every new password meets.
 */
@UsesDatabase
@WithServer
class PasswordsIT {
  private static final String NEW_PASSWORD = "a-new-password-2";

  static TestServer server;
  static Fixtures fixtures;

  // ---- POST /v1/user/password -------------------------------------------------------------

  @Test
  void changeWhenCurrentPasswordRightThenNewOneLogsInAndOtherSessionsEnd() {
    TestUser user = fixtures.user(fixtures.tenant("Change"), "analytic");
    Auth.Session other = server.login(user.email(), Fixtures.PASSWORD);

    Response changed = change(user.session(), Fixtures.PASSWORD, NEW_PASSWORD);

    assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    assertThat(server.http.get("/v1/user", user.session()).status())
        .as("the session that changed it goes on")
        .isEqualTo(200);
    assertThat(server.http.get("/v1/user", other).status()).as("another session").isEqualTo(401);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(401);
    assertThat(login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void changeWhenCurrentPasswordWrongThen400ChangesNothingAndRecordsAFailure() {
    long tenant = fixtures.tenant("Wrong current");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    Auth.Session other = server.login(user.email(), Fixtures.PASSWORD);

    Response refused = change(user.session(), "not-the-password", NEW_PASSWORD);

    assertThat(refused.status()).as("%s", refused).isEqualTo(400);
    assertThat(refused.body().path("current_password").path("error").asText()).isEqualTo("invalid");
    assertThat(refused.body().path("current_password").path("value").isNull()).isTrue();
    assertThat(refused.text()).doesNotContain("not-the-password").doesNotContain(NEW_PASSWORD);
    assertThat(server.http.get("/v1/user", other).status()).isEqualTo(200);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
    List<JsonNode> records = activity(admin.session(), user.id());
    assertThat(records)
        .anyMatch(
            r ->
                r.path("action").asText().equals("password_change")
                    && r.path("outcome").asText().equals("failure")
                    && r.path("actor").path("id").asLong() == user.id());
    assertThat(records.toString()).doesNotContain("not-the-password").doesNotContain(NEW_PASSWORD);
  }

  @Test
  void changeWhenSucceedsThenRecordedWithoutThePassword() {
    long tenant = fixtures.tenant("Change recorded");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));

    assertThat(change(user.session(), Fixtures.PASSWORD, NEW_PASSWORD).status()).isEqualTo(200);

    List<JsonNode> records = activity(admin.session(), user.id());
    assertThat(records)
        .anyMatch(
            r ->
                r.path("action").asText().equals("password_change")
                    && r.path("outcome").asText().equals("success")
                    && r.path("source").asText().equals("ui"));
    assertThat(records.toString())
        .doesNotContain(NEW_PASSWORD)
        .doesNotContain(Fixtures.PASSWORD)
        .doesNotContain("argon2");
  }

  @Test
  void changeWhenNewPasswordBreaksTheRulesThen400NamingTheRuleWithoutEchoingIt() {
    TestUser user = fixtures.user(fixtures.tenant("Rules"), "analytic");
    Map<String, String> cases =
        Map.of(
            "short-pw-1",
            "too_short",
            "Unbelievable",
            "too_common",
            user.email().toUpperCase(),
            "same_as_email");

    cases.forEach(
        (password, code) -> {
          Response refused = change(user.session(), Fixtures.PASSWORD, password);

          assertThat(refused.status()).as("%s: %s", password, refused).isEqualTo(400);
          assertThat(refused.body().path("new_password").path("error").asText())
              .as(password)
              .isEqualTo(code);
          assertThat(refused.body().path("new_password").path("value").isNull()).isTrue();
          assertThat(refused.text()).doesNotContain(password);
        });
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void changeWhenFieldMissingThen400Required() {
    TestUser user = fixtures.user(fixtures.tenant("Missing"), "analytic");

    Response refused =
        server.http.post(
            "/v1/user/password", user.session(), Map.of("current_password", Fixtures.PASSWORD));

    assertThat(refused.status()).as("%s", refused).isEqualTo(400);
    assertThat(refused.body().path("new_password").path("error").asText()).isEqualTo("required");
    Response noCurrent =
        server.http.post("/v1/user/password", user.session(), Map.of("new_password", NEW_PASSWORD));
    assertThat(noCurrent.status()).as("%s", noCurrent).isEqualTo(400);
    assertThat(noCurrent.body().path("current_password").path("error").asText())
        .isEqualTo("required");
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void changeWhenMadeWithATokenOrWithoutCsrfThenRefused() {
    TestUser user = fixtures.user(fixtures.tenant("Token change"), "admin");
    Auth token = fixtures.token(user.session(), List.of("admin")).auth();

    Response withToken =
        server.http.post(
            "/v1/user/password",
            token,
            Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD));
    Response withoutCsrf =
        server.http.post(
            "/v1/user/password",
            user.session().withoutCsrf(),
            Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD));

    assertThat(withToken.status()).as("%s", withToken).isEqualTo(401);
    assertThat(withoutCsrf.status()).as("%s", withoutCsrf).isEqualTo(403);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void changeWhenCurrentPasswordWrongTooOftenThenTheAccountIsLimitedLikeLogins() {
    try (TestServer limited =
        TestServer.start(Map.of("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", "3"))) {
      Fixtures own = new Fixtures(limited);
      TestUser user = own.user(own.tenant("Limited change"), "analytic");

      for (int i = 0; i < 3; i++) {
        Response wrong =
            limited.http.post(
                "/v1/user/password",
                user.session(),
                Map.of("current_password", "wrong-" + i, "new_password", NEW_PASSWORD));
        assertThat(wrong.status()).as("%s", wrong).isEqualTo(400);
      }
      Response fourth =
          limited.http.post(
              "/v1/user/password",
              user.session(),
              Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD));
      Response login =
          limited.http.post(
              "/v1/login", Auth.NONE, Map.of("email", user.email(), "password", Fixtures.PASSWORD));

      assertThat(fourth.status()).as("%s", fourth).isEqualTo(429);
      assertThat(login.status()).as("the failures count against logins too").isEqualTo(429);
      limited.clock.advance(Duration.ofMinutes(2));
      assertThat(
              limited
                  .http
                  .post(
                      "/v1/login",
                      Auth.NONE,
                      Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                  .status())
          .as("the password never changed")
          .isEqualTo(200);
    }
  }

  // ---- POST /v1/objects/user/invite and POST /v1/user/set_password ------------------------

  @Test
  void inviteWhenAdminThenLinkShownOnceAndItSetsThePasswordOnceEndingSessions() {
    long tenant = fixtures.tenant("Invite");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));

    Response invited = invite(admin.session(), user.id());

    assertThat(invited.status()).as("%s", invited).isEqualTo(200);
    assertThat(invited.body().path("id").asLong()).isEqualTo(user.id());
    String url = invited.body().path("set_password_url").asText();
    assertThat(url).matches("/console/set-password\\?code=[A-Za-z0-9_-]{43}");
    assertThat(read(admin.session(), user.id()).has("set_password_url"))
        .as("shown once: a read never has it")
        .isFalse();
    Response set = setPassword(code(url), NEW_PASSWORD);
    assertThat(set.status()).as("%s", set).isEqualTo(200);
    assertThat(set.body().path("email").asText()).isEqualTo(user.email());
    assertThat(server.http.get("/v1/user", user.session()).status())
        .as("the user's sessions end")
        .isEqualTo(401);
    assertThat(login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(401);

    Response again = setPassword(code(url), "yet-another-password-3");

    assertThat(again.status()).as("%s", again).isEqualTo(400);
    assertThat(again.body().path("code").path("error").asText()).isEqualTo("used");
    assertThat(again.body().path("code").path("value").isNull()).isTrue();
    assertThat(login(user.email(), NEW_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void inviteWhenTheUserHoldsMoreThanTheCallerOrIsTheCallerThenRefusedWithoutALink() {
    long tenant = fixtures.tenant("Invite above");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser manager =
        fixtures.user(admin.session(), tenant, List.of("users:view", "users:update"));
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));
    Fixtures.Issued adminToken = fixtures.token(admin.session(), List.of("admin"));

    Response above = invite(manager.session(), admin.id());
    Response beside = invite(manager.session(), analyst.id());
    Response self = invite(admin.session(), admin.id());
    Response owner = invite(adminToken.auth(), admin.id());

    assertThat(above.status()).as("%s", above).isEqualTo(403);
    assertThat(above.text()).doesNotContain("set_password_url");
    assertThat(beside.status())
        .as("a user holding what the caller lacks: %s", beside)
        .isEqualTo(403);
    assertThat(self.status()).as("%s", self).isEqualTo(400);
    assertThat(self.body().path("id").path("error").asText()).isEqualTo("not_allowed");
    assertThat(owner.status()).as("a token for its owner: %s", owner).isEqualTo(400);
    assertThat(login(admin.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void setPasswordWhenTheUserWasDisabledSinceTheLinkThenItSetsNothing() {
    long tenant = fixtures.tenant("Invite disabled");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String code = code(invite(admin.session(), user.id()).body().path("set_password_url"));

    assertThat(enabled(admin.session(), user.id(), false).status()).isEqualTo(200);
    assertThat(enabled(admin.session(), user.id(), true).status()).isEqualTo(200);
    Response set = setPassword(code, NEW_PASSWORD);

    assertThat(set.status()).as("%s", set).isEqualTo(400);
    assertThat(login(user.email(), NEW_PASSWORD).status()).isEqualTo(401);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void inviteWhenAnotherLinkIssuedThenThePreviousOneNoLongerWorks() {
    long tenant = fixtures.tenant("Invite twice");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String first = code(invite(admin.session(), user.id()).body().path("set_password_url"));
    String second = code(invite(admin.session(), user.id()).body().path("set_password_url"));

    Response old = setPassword(first, NEW_PASSWORD);
    Response current = setPassword(second, NEW_PASSWORD);

    assertThat(old.status()).as("%s", old).isEqualTo(400);
    assertThat(old.body().path("code").path("error").asText()).isEqualTo("invalid");
    assertThat(current.status()).as("%s", current).isEqualTo(200);
  }

  @Test
  void setPasswordWhenLinkOlderThan72HoursThen400Expired() {
    long tenant = fixtures.tenant("Invite expiry");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String almost = code(invite(admin.session(), user.id()).body().path("set_password_url"));
    TestUser other = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String late = code(invite(admin.session(), other.id()).body().path("set_password_url"));

    server.clock.advance(Duration.ofHours(72).minusSeconds(1));
    Response inTime = setPassword(almost, NEW_PASSWORD);
    server.clock.advance(Duration.ofSeconds(1));
    Response expired = setPassword(late, NEW_PASSWORD);

    assertThat(inTime.status()).as("%s", inTime).isEqualTo(200);
    assertThat(expired.status()).as("%s", expired).isEqualTo(400);
    assertThat(expired.body().path("code").path("error").asText()).isEqualTo("expired");
    assertThat(login(other.email(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void setPasswordWhenCodeUnknownOrMalformedThen400Invalid() {
    for (String code : List.of("x".repeat(43), "short", "a b", "é".repeat(43))) {
      Response refused = setPassword(code, NEW_PASSWORD);

      assertThat(refused.status()).as("%s: %s", code, refused).isEqualTo(400);
      assertThat(refused.body().path("code").path("error").asText()).isEqualTo("invalid");
      assertThat(refused.text()).doesNotContain(NEW_PASSWORD);
    }
    Response missing =
        server.http.post("/v1/user/set_password", Auth.NONE, Map.of("new_password", "x"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().path("code").path("error").asText()).isEqualTo("required");
  }

  @Test
  void setPasswordWhenNewPasswordBreaksTheRulesThen400AndTheLinkStillWorks() {
    long tenant = fixtures.tenant("Invite rules");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String code = code(invite(admin.session(), user.id()).body().path("set_password_url"));

    Response tooShort = setPassword(code, "short-1");
    Response asEmail = setPassword(code, user.email());
    Response fine = setPassword(code, NEW_PASSWORD);

    assertThat(tooShort.body().path("new_password").path("error").asText()).isEqualTo("too_short");
    assertThat(asEmail.body().path("new_password").path("error").asText())
        .isEqualTo("same_as_email");
    assertThat(asEmail.text()).doesNotContain(user.email());
    assertThat(fine.status()).as("%s", fine).isEqualTo(200);
  }

  @Test
  void setPasswordWhenSameCodeTwiceAtOnceThenExactlyOneSetsIt() throws Exception {
    long tenant = fixtures.tenant("Invite race");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String code = code(invite(admin.session(), user.id()).body().path("set_password_url"));
    List<Response> answers =
        race(
            () -> setPassword(code, "first-racer-password"),
            () -> setPassword(code, "second-racer-password"));

    assertThat(answers).extracting(Response::status).containsExactlyInAnyOrder(200, 400);
    Response loser = answers.stream().filter(r -> r.status() == 400).findFirst().orElseThrow();
    assertThat(loser.body().path("code").path("error").asText()).isEqualTo("used");
    long working =
        List.of("first-racer-password", "second-racer-password").stream()
            .filter(p -> login(user.email(), p).status() == 200)
            .count();
    assertThat(working).isEqualTo(1);
  }

  @Test
  void changeWhenTwoAtOnceFromTwoSessionsThenExactlyOneNewPasswordHolds() {
    TestUser user = fixtures.user(fixtures.tenant("Change race"), "analytic");
    Auth.Session other = server.login(user.email(), Fixtures.PASSWORD);
    List<String> passwords = List.of("first-changed-password", "second-changed-password");

    List<Response> answers =
        race(
            () -> change(user.session(), Fixtures.PASSWORD, passwords.get(0)),
            () -> change(other, Fixtures.PASSWORD, passwords.get(1)));

    assertThat(answers).extracting(Response::status).containsOnlyOnce(200);
    Response loser = answers.stream().filter(r -> r.status() != 200).findFirst().orElseThrow();
    // The loser either saw the other change (its current password is no longer right: 400, or the
    // row was taken: 409) or arrived after it ended every other session of the user, its own: 401.
    assertThat(loser.status()).as("%s", loser).isIn(400, 401, 409);
    assertThat(passwords.stream().filter(p -> login(user.email(), p).status() == 200).count())
        .isEqualTo(1);
    assertThat(login(user.email(), Fixtures.PASSWORD).status()).isEqualTo(401);
  }

  @Test
  void inviteWhenTwoAtOnceThenOnlyTheLinkIssuedLastWorks() {
    long tenant = fixtures.tenant("Invite race twice");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));

    List<Response> answers =
        race(() -> invite(admin.session(), user.id()), () -> invite(admin.session(), user.id()));

    assertThat(answers).extracting(Response::status).containsExactly(200, 200);
    List<Response> uses =
        answers.stream()
            .map(a -> setPassword(code(a.body().path("set_password_url")), NEW_PASSWORD))
            .toList();
    assertThat(uses).extracting(Response::status).containsExactlyInAnyOrder(200, 400);
  }

  @Test
  void setPasswordWhenWrongCodesTooOftenThenTheAddressIsLimited() {
    try (TestServer limited =
        TestServer.start(
            Map.of(
                "TOKENSMITH_AUTH_FAILURES_PER_MINUTE", "3",
                "TOKENSMITH_TRUSTED_PROXIES", "127.0.0.1/32"))) {
      Fixtures own = new Fixtures(limited);
      long tenant = own.tenant("Limited codes");
      TestUser admin = own.user(tenant, "admin");
      TestUser user = own.user(admin.session(), tenant, List.of("analytic"));
      String code =
          code(
              limited
                  .http
                  .post(
                      "/v1/objects/user/invite",
                      admin.session(),
                      Map.of("filter", Map.of("id", user.id())))
                  .body()
                  .path("set_password_url"));
      Auth guesser = Auth.header("X-Forwarded-For", "203.0.113.7");

      for (int i = 0; i < 3; i++) {
        assertThat(setPassword(limited, guesser, "y".repeat(42) + i, NEW_PASSWORD).status())
            .isEqualTo(400);
      }
      Response right = setPassword(limited, guesser, code, NEW_PASSWORD);
      Response elsewhere =
          setPassword(limited, Auth.header("X-Forwarded-For", "203.0.113.8"), code, NEW_PASSWORD);

      assertThat(right.status()).as("%s", right).isEqualTo(429);
      assertThat(right.header("Retry-After")).isNotNull();
      assertThat(elsewhere.status()).as("another address: %s", elsewhere).isEqualTo(200);
    }
  }

  @Test
  void inviteWhenCallerLacksUsersUpdateOrUserOutOfReachThenRefusedAndNoLink() {
    long tenant = fixtures.tenant("Invite refused");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser analyst = fixtures.user(admin.session(), tenant, List.of("analytic"));
    TestUser stranger = fixtures.user(fixtures.tenant("Invite elsewhere"), "analytic");

    Response byAnalyst = invite(analyst.session(), admin.id());
    Response outOfReach = invite(admin.session(), stranger.id());
    Response noFilter =
        server.http.post("/v1/objects/user/invite", admin.session(), Map.of("filter", Map.of()));

    assertThat(byAnalyst.status()).as("%s", byAnalyst).isEqualTo(403);
    assertThat(outOfReach.status()).as("%s", outOfReach).isEqualTo(404);
    assertThat(noFilter.status()).as("%s", noFilter).isEqualTo(400);
    for (Response r : List.of(byAnalyst, outOfReach, noFilter)) {
      assertThat(r.text()).doesNotContain("set_password_url");
    }
  }

  @Test
  void inviteWhenPublicUrlSetThenTheLinkIsAbsolute() {
    try (TestServer behindTls =
        TestServer.start(Map.of("TOKENSMITH_PUBLIC_URL", "https://tokens.example.com/"))) {
      Fixtures own = new Fixtures(behindTls);
      long tenant = own.tenant("Absolute link");
      TestUser admin = own.user(tenant, "admin");
      TestUser user = own.user(admin.session(), tenant, List.of("analytic"));

      Response invited =
          behindTls.http.post(
              "/v1/objects/user/invite",
              admin.session(),
              Map.of("filter", Map.of("id", user.id())));

      assertThat(invited.body().path("set_password_url").asText())
          .matches("https://tokens\\.example\\.com/console/set-password\\?code=[A-Za-z0-9_-]{43}");
    }
  }

  @Test
  void inviteWhenIssuedThenRecordedWithoutTheCode() {
    long tenant = fixtures.tenant("Invite recorded");
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    String code = code(invite(admin.session(), user.id()).body().path("set_password_url"));
    assertThat(setPassword(code, NEW_PASSWORD).status()).isEqualTo(200);

    List<JsonNode> records = activity(admin.session(), user.id());

    JsonNode invite =
        records.stream()
            .filter(r -> r.path("action").asText().equals("invite"))
            .findFirst()
            .orElseThrow();
    assertThat(invite.path("actor").path("id").asLong()).isEqualTo(admin.id());
    assertThat(records)
        .anyMatch(
            r ->
                r.path("action").asText().equals("password_set")
                    && r.path("actor").path("id").asLong() == user.id());
    assertThat(records.toString()).doesNotContain(code).doesNotContain(NEW_PASSWORD);
  }

  // ---- POST /v1/objects/user/create ---------------------------------------------------------

  @Test
  void createWhenNoPasswordThenTheAnswerCarriesALinkAndTheUserSetsTheirOwn() {
    long tenant = fixtures.tenant("Create invited");
    TestUser admin = fixtures.user(tenant, "admin");
    String email = "invited-" + System.nanoTime() + "@example.com";

    Response created = create(admin.session(), tenant, email, null);

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    String url = created.body().path("set_password_url").asText();
    assertThat(url).startsWith("/console/set-password?code=");
    assertThat(login(email, "").status()).isEqualTo(401);
    assertThat(setPassword(code(url), NEW_PASSWORD).status()).isEqualTo(200);
    assertThat(login(email, NEW_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void createWhenPasswordGivenThenNoLinkInTheAnswer() {
    long tenant = fixtures.tenant("Create with password");
    TestUser admin = fixtures.user(tenant, "admin");

    Response created =
        create(admin.session(), tenant, "set-" + System.nanoTime() + "@example.com", NEW_PASSWORD);

    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().has("set_password_url")).isFalse();
  }

  @Test
  void createWhenPasswordBreaksTheRulesForAdministratorsThen400AndNoUser() {
    long tenant = fixtures.tenant("Create rules");
    TestUser admin = fixtures.user(tenant, "admin");
    String email = "rules-" + System.nanoTime() + "@example.com";
    Map<String, String> cases = new HashMap<>();
    cases.put("Short1!", "too_short");
    cases.put("tenchars10", "too_short");
    cases.put("ten-chars!", "too_short");
    cases.put("eleven1char", "too_short");
    cases.put("unbelievable", "too_common");
    cases.put(email.toUpperCase(), "same_as_email");

    cases.forEach(
        (password, code) -> {
          Response refused = create(admin.session(), tenant, email, password);

          assertThat(refused.status()).as("%s: %s", password, refused).isEqualTo(400);
          assertThat(refused.body().path("password").path("error").asText())
              .as(password)
              .isEqualTo(code);
          assertThat(refused.body().path("password").path("value").isNull()).isTrue();
        });
    assertThat(
            server
                .http
                .post("/v1/objects/user", admin.session(), Map.of("filter", Map.of("email", email)))
                .body())
        .isEmpty();
  }

  @Test
  void createWhenPasswordShapedLikeTheTerraformProvidersThenCreatedAndLogsIn() {
    long tenant = fixtures.tenant("Create generated");
    TestUser admin = fixtures.user(tenant, "admin");
    for (int i = 0; i < 25; i++) {
      String password = TerraformPasswords.generate();
      String email = "generated-" + i + "-" + System.nanoTime() + "@example.com";

      Response created = create(admin.session(), tenant, email, password);

      assertThat(created.status()).as("%s: %s", password, created).isEqualTo(200);
      assertThat(login(email, password).status()).isEqualTo(200);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Response change(Auth session, String current, String next) {
    return server.http.post(
        "/v1/user/password", session, Map.of("current_password", current, "new_password", next));
  }

  private static Response invite(Auth admin, long userId) {
    return server.http.post(
        "/v1/objects/user/invite", admin, Map.of("filter", Map.of("id", userId)));
  }

  private static Response enabled(Auth admin, long userId, boolean enabled) {
    return server.http.post(
        "/v1/objects/user/update",
        admin,
        Map.of("filter", Map.of("id", userId), "fields", Map.of("enabled", enabled)));
  }

  private static Response setPassword(String code, String password) {
    return setPassword(server, Auth.NONE, code, password);
  }

  private static Response setPassword(TestServer target, Auth auth, String code, String password) {
    return target.http.post(
        "/v1/user/set_password", auth, Map.of("code", code, "new_password", password));
  }

  private static Response login(String email, String password) {
    return server.http.post("/v1/login", Auth.NONE, Map.of("email", email, "password", password));
  }

  private static Response create(Auth admin, long tenant, String email, String password) {
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    body.put("realname", "Some One");
    body.put("permissions", List.of("analytic"));
    body.put("clientid", tenant);
    if (password != null) {
      body.put("password", password);
    }
    return server.http.post("/v1/objects/user/create", admin, body);
  }

  private static JsonNode read(Auth admin, long userId) {
    return server
        .http
        .post("/v1/objects/user", admin, Map.of("filter", Map.of("id", userId)))
        .body()
        .path(0);
  }

  private static List<JsonNode> activity(Auth admin, long userId) {
    Response response = server.http.get("/v2/activity_log?object_type=user&limit=1000", admin);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(SecretLedger.findIn(response.text())).as("a secret in the activity log").isNull();
    List<JsonNode> records = new ArrayList<>();
    response
        .body()
        .forEach(
            r -> {
              if (r.path("object_id").asLong() == userId) {
                records.add(r);
              }
            });
    return records;
  }

  private static String code(JsonNode url) {
    return code(url.asText());
  }

  private static String code(String url) {
    return url.substring(url.indexOf("code=") + "code=".length());
  }

  // The requests sent at once, each from a thread of its own; the answers in the same order.
  @SafeVarargs
  private static List<Response> race(Supplier<Response>... requests) {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(requests.length);
    try {
      List<CompletableFuture<Response>> racing = new ArrayList<>();
      for (Supplier<Response> request : requests) {
        racing.add(
            CompletableFuture.supplyAsync(
                () -> {
                  await(start);
                  return request.get();
                },
                threads));
      }
      start.countDown();
      return racing.stream().map(CompletableFuture::join).toList();
    } finally {
      threads.shutdown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
