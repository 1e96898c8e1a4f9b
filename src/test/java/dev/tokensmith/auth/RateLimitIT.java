package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failed authentications are limited per source address (spec 3): three a minute here. Each test
 * speaks from its own address (the loopback peer is a trusted proxy, so {@code X-Forwarded-For}
 * names the caller) and starts in a fresh minute.
 */
@UsesDatabase
@WithServer(
    settings = {
      "TOKENSMITH_AUTH_FAILURES_PER_MINUTE=" + RateLimitIT.LIMIT,
      "TOKENSMITH_TRUSTED_PROXIES=127.0.0.1/32"
    })
class RateLimitIT {
  static final int LIMIT = 3;
  private static final AtomicInteger ADDRESS = new AtomicInteger(10);

  static TestServer server;
  static TestUser user;
  static Issued token;
  static Issued deleted;

  @BeforeAll
  static void seed(Fixtures fixtures) {
    user = fixtures.user(fixtures.tenant("Limited"), "admin");
    token = fixtures.token(user.session(), List.of("admin"));
    deleted = fixtures.token(user.session(), List.of("admin"));
    assertThat(server.http.delete("/v2/api_tokens/" + deleted.id(), user.session()).status())
        .isEqualTo(200);
  }

  @BeforeEach
  void freshMinute() {
    server.clock.advance(Duration.ofMinutes(2));
  }

  @Test
  void loginWhenLimitOfFailuresReachedThenNextAnswers429WithRetryAfter() {
    // The plain peer address, no forwarding header.
    for (int i = 0; i < LIMIT; i++) {
      assertThat(server.http.post("/v1/login", Auth.NONE, credentials("wrong-password")).status())
          .isEqualTo(401);
    }

    Response limited = server.http.post("/v1/login", Auth.NONE, credentials("wrong-password"));

    assertLimited(limited);
  }

  @Test
  void loginWhenAddressLimitedThenCorrectPasswordRefused() {
    String ip = nextAddress();
    failLogins(ip, LIMIT);

    Response right = login(ip, Fixtures.PASSWORD);

    assertLimited(right);
    assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void tokenWhenLimitOfBadCredentialsReachedThenNextAnswers429WithRetryAfter() {
    String ip = nextAddress();
    String unknown = TestSecrets.unknown("tks1");
    List<Auth> bad =
        List.of(Auth.token("not-a-token"), Auth.token(deleted.secret()), Auth.bearer(unknown));
    for (Auth auth : bad) {
      Response refused = get(ip, "/v1/user", auth);
      assertThat(refused.status()).as("%s", refused).isEqualTo(401);
    }

    assertLimited(get(ip, "/v1/user", Auth.token(unknown)));
    assertLimited(
        get(ip, "/v2/api_tokens", Auth.header("Cookie", "tks_session=forged-session-value")));
  }

  @Test
  void sessionWhenCookieForgedThenCountsAsFailure() {
    String ip = nextAddress();
    for (int i = 0; i < LIMIT; i++) {
      assertThat(get(ip, "/v1/user", Auth.header("Cookie", "tks_session=forged-" + i)).status())
          .isEqualTo(401);
    }

    assertLimited(login(ip, "wrong-password"));
  }

  @Test
  void tokenWhenAddressLimitedThenValidTokenStillWorks() {
    // Documented decision (Authenticator): a 320-bit secret cannot be guessed, and a gateway's
    // shared address must not lock out its good callers.
    String ip = nextAddress();
    failLogins(ip, LIMIT);
    assertLimited(get(ip, "/v1/user", Auth.token("not-a-token")));

    Response valid = get(ip, "/v1/user", token.auth());
    Response bearer = get(ip, "/v2/api_tokens", Auth.bearer(token.secret()));

    assertThat(valid.status()).as("%s", valid).isEqualTo(200);
    assertThat(valid.body().path("id").asLong()).isEqualTo(user.id());
    assertThat(bearer.status()).as("%s", bearer).isEqualTo(200);
  }

  @Test
  void limitWhenClockPassesTheMinuteThenAddressMayTryAgain() {
    String ip = nextAddress();
    failLogins(ip, LIMIT);
    assertLimited(login(ip, "wrong-password"));

    server.clock.advance(Duration.ofSeconds(30));
    Response stillLimited = login(ip, Fixtures.PASSWORD);
    assertLimited(stillLimited);
    assertThat(Long.parseLong(stillLimited.header("Retry-After"))).isBetween(1L, 30L);

    server.clock.advance(Duration.ofSeconds(31));
    assertThat(login(ip, "wrong-password").status()).isEqualTo(401);
    assertThat(login(ip, Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void limitWhenOneAddressLimitedThenOtherAddressesNot() {
    String limited = nextAddress();
    String other = nextAddress();
    failLogins(limited, LIMIT);
    assertLimited(login(limited, Fixtures.PASSWORD));

    assertThat(login(other, "wrong-password").status()).isEqualTo(401);
    assertThat(login(other, Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(get(other, "/v1/user", Auth.token("not-a-token")).status()).isEqualTo(401);
  }

  @Test
  void nodeSyncWhenLimitOfFailuresReachedThen429AndTheRightPairStillSyncs() {
    String ip = nextAddress();
    Response node =
        server.http.post("/v2/node", user.session(), Map.of("hostname", "limited-" + ip));
    Response pair =
        server.http.post(
            "/v2/node/register",
            Auth.token(node.body().path("token").asText()),
            Map.of("hostname", "host"));
    String uuid = pair.body().path("uuid").asText();
    String secret = pair.body().path("secret").asText();
    for (int i = 0; i < LIMIT; i++) {
      assertThat(sync(ip, uuid, TestSecrets.unknown("tkn1")).status()).isEqualTo(401);
    }

    assertLimited(sync(ip, uuid, TestSecrets.unknown("tkn1")));
    assertThat(sync(ip, uuid, secret).status()).isEqualTo(200);
  }

  private static Response sync(String ip, String uuid, String secret) {
    return server.http.send(
        "POST",
        "/v2/node/sync",
        Auth.NONE,
        Map.of(),
        Map.of("X-Forwarded-For", ip, "X-WallarmAPI-UUID", uuid, "X-WallarmAPI-Secret", secret));
  }

  private static void assertLimited(Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(429);
    assertThat(response.json().path("status").asInt()).isEqualTo(429);
    assertThat(response.json().has("body")).isTrue();
    String retryAfter = response.header("Retry-After");
    assertThat(retryAfter).as("Retry-After").isNotNull().matches("[0-9]+");
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
  }

  private static void failLogins(String ip, int times) {
    for (int i = 0; i < times; i++) {
      Response refused = login(ip, "wrong-password");
      assertThat(refused.status()).as("failure %d: %s", i + 1, refused).isEqualTo(401);
    }
  }

  private static Map<String, Object> credentials(String password) {
    Map<String, Object> body = new HashMap<>();
    body.put("email", user.email());
    body.put("password", password);
    return body;
  }

  private static Response login(String ip, String password) {
    return server.http.send(
        "POST", "/v1/login", Auth.NONE, credentials(password), Map.of("X-Forwarded-For", ip));
  }

  private static Response get(String ip, String path, Auth auth) {
    return server.http.send("GET", path, auth, null, Map.of("X-Forwarded-For", ip));
  }

  private static String nextAddress() {
    return "203.0.113." + ADDRESS.incrementAndGet();
  }
}
