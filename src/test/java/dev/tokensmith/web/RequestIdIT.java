package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every answer carries an {@code X-Request-Id} (the caller's when well-formed), and the access log
 * names the route, status, duration, id and caller, never a secret, a query string or a cookie.
 */
@UsesDatabase
@WithServer(settings = "TOKENSMITH_ACCESS_LOG=true")
class RequestIdIT {
  static TestServer server;
  static Fixtures fixtures;
  static Fixtures.Issued token;
  static final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();

  @BeforeAll
  static void seed() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.tokensmith.access");
    accessLog.start();
    logger.addAppender(accessLog);
    token = fixtures.token(server.admin(), List.of("users:view"));
  }

  @AfterAll
  static void detach() {
    ((Logger) LoggerFactory.getLogger("dev.tokensmith.access")).detachAppender(accessLog);
  }

  @Test
  void everyAnswerWhenServedThenCarriesARequestId() {
    List<Response> answers =
        List.of(
            server.http.get("/v1/user", server.admin()),
            server.http.get("/v1/user", Auth.NONE),
            server.http.get("/no/such/path", Auth.NONE),
            server.http.post("/v2/auth/check", token.auth(), Map.of()),
            server.http.post("/v2/auth/check", Auth.token("x".repeat(64)), Map.of()),
            server.http.get("/healthz", Auth.NONE),
            server.http.get("/v2/auth/check", Auth.NONE),
            server.http.send("POST", "/healthz", Auth.NONE, null, Map.of()));
    assertThat(answers)
        .extracting(Response::status)
        .containsExactly(200, 401, 404, 200, 401, 200, 405, 405);
    assertThat(answers)
        .allSatisfy(r -> assertThat(r.header("X-Request-Id")).matches("[A-Za-z0-9._-]{1,128}"));
    assertThat(answers.stream().map(r -> r.header("X-Request-Id")).distinct()).hasSize(8);
  }

  @Test
  void requestIdWhenWellFormedThenKeptOtherwiseReplaced() {
    for (String path : List.of("/healthz", "/v1/user")) {
      assertThat(get(path, "gw-1234.abc_DEF").header("X-Request-Id")).isEqualTo("gw-1234.abc_DEF");
      for (String bad : List.of("has space", "x".repeat(129), "semi;colon", "ünicode")) {
        String answered = get(path, bad).header("X-Request-Id");
        assertThat(answered).isNotEqualTo(bad).matches("[A-Za-z0-9._-]{1,128}");
      }
    }
  }

  @Test
  void accessLogWhenOnThenRouteStatusIdAndCallerButNoSecretQueryOrCookie() throws Exception {
    String session = server.admin().cookie();
    Response checked =
        server.http.send(
            "POST",
            "/v2/auth/check?secret=query-value-1",
            token.auth(),
            Map.of(),
            Map.of("X-Request-Id", "checked-1", "Cookie", "tks_session=" + session));
    Response user =
        server.http.send(
            "DELETE",
            "/v2/node/987654?q=query-value-2",
            server.admin(),
            null,
            Map.of("X-Request-Id", "user-1"));
    assertThat(checked.status()).isEqualTo(200);
    assertThat(user.status()).isEqualTo(404);

    String checkLine = awaitLine("checked-1");
    assertThat(checkLine)
        .startsWith("POST /v2/auth/check 200 ")
        .contains("request_id=checked-1")
        .contains("caller=token:" + token.id());
    String userLine = awaitLine("user-1");
    assertThat(userLine)
        .startsWith("DELETE /v2/node/:id 404 ")
        .contains("caller=user:" + server.admin().userId());

    String all = lines();
    assertThat(all)
        .doesNotContain(token.secret())
        .doesNotContain(session)
        .doesNotContain("query-value")
        .doesNotContain("?")
        .doesNotContain(server.admin().csrf());
  }

  private static Response get(String path, String requestId) {
    return server.http.send("GET", path, server.admin(), null, Map.of("X-Request-Id", requestId));
  }

  // The line is written when the answer has gone out: the client may read it a moment before.
  private static String awaitLine(String requestId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      String found =
          List.copyOf(accessLog.list).stream()
              .filter(e -> e.getFormattedMessage().contains("request_id=" + requestId + " "))
              .map(ILoggingEvent::getFormattedMessage)
              .findFirst()
              .orElse(null);
      if (found != null) {
        return found;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access log line for " + requestId + " in:\n" + lines());
  }

  private static String lines() {
    return List.copyOf(accessLog.list).stream()
        .map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs())
        .collect(Collectors.joining("\n"));
  }
}
