package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login limits (spec 3, 4.1): a login takes its place before its password is checked, so
 * concurrent logins from one address check at most the address's limit; and failed logins of one
 * account count from every address together, a locked account answering exactly like a limited
 * address whether or not the e-mail exists. The loopback peer is a trusted proxy, so {@code
 * X-Forwarded-For} names the caller; every test starts in a fresh minute.
 */
@UsesDatabase
class LoginLimitIT {
  private static final int PER_ADDRESS = 10;
  private static final int PER_ACCOUNT = 3;
  private static final AtomicInteger ADDRESS = new AtomicInteger(10);

  /**
   * Ten failures a minute per address; slow hashing, so that concurrent logins overlap while
   * checked.
   */
  @AutoClose static TestServer byAddress;

  /** Three failures a minute per account. */
  @AutoClose static TestServer byAccount;

  static Fixtures accountFixtures;
  static long tenant;

  @BeforeAll
  static void start() {
    byAddress =
        TestServer.start(
            Map.of(
                "TOKENSMITH_AUTH_FAILURES_PER_MINUTE",
                Integer.toString(PER_ADDRESS),
                "TOKENSMITH_PASSWORD_MEMORY_KIB",
                "16384",
                "TOKENSMITH_PASSWORD_PASSES",
                "10",
                "TOKENSMITH_TRUSTED_PROXIES",
                "127.0.0.1/32"));
    byAccount =
        TestServer.start(
            Map.of(
                "TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE",
                Integer.toString(PER_ACCOUNT),
                "TOKENSMITH_TRUSTED_PROXIES",
                "127.0.0.1/32"));
    accountFixtures = new Fixtures(byAccount);
    tenant = accountFixtures.tenant("Locked accounts");
  }

  @BeforeEach
  void freshMinute() {
    byAddress.clock.advance(Duration.ofMinutes(2));
    byAccount.clock.advance(Duration.ofMinutes(2));
  }

  @Test
  void
      loginWhenManyAtOnceFromOneAddressThenAtMostTheLimitOfPasswordsCheckedAndRightOneAfterThemRefused()
          throws Exception {
    Fixtures fixtures = new Fixtures(byAddress);
    TestUser user = fixtures.user(fixtures.tenant("Concurrent logins"), "analytic");
    String ip = nextAddress();

    // 40 attempts, the 17th with the right password: 16 at once, then 24 at once.
    List<Response> answers =
        new ArrayList<>(concurrently(16, i -> login(byAddress, ip, user.email(), "wrong-" + i)));
    answers.addAll(
        concurrently(
            24,
            i -> login(byAddress, ip, user.email(), i == 0 ? Fixtures.PASSWORD : "wrong-x" + i)));

    Response right = answers.get(16);
    assertLimited(right);
    assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(answers).extracting(Response::status).containsOnly(401, 429);
    assertThat(answers.stream().filter(r -> r.status() == 401).count())
        .as("passwords checked")
        .isEqualTo(PER_ADDRESS);
    assertThat(failedLogins(byAddress, "ip", ip)).as("login_failed records").isEqualTo(PER_ADDRESS);
    answers.stream().filter(r -> r.status() == 429).forEach(LoginLimitIT::assertLimited);
  }

  @Test
  void loginWhenAccountFailedFromManyAddressesThenLockedEverywhereEvenForRightPassword() {
    TestUser user = accountFixtures.user(tenant, "analytic");
    TestUser neighbour = accountFixtures.user(tenant, "analytic");
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < PER_ACCOUNT; i++) {
      addresses.add(nextAddress());
      Response refused = login(byAccount, addresses.get(i), user.email(), "wrong-password");
      assertThat(refused.status()).as("failure %d: %s", i + 1, refused).isEqualTo(401);
    }

    Response right = login(byAccount, nextAddress(), user.email(), Fixtures.PASSWORD);
    Response otherCase =
        login(byAccount, nextAddress(), user.email().toUpperCase(), Fixtures.PASSWORD);

    assertLimited(right);
    assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
    assertLimited(otherCase);
    // The addresses themselves are not limited: another account logs in from them.
    assertThat(login(byAccount, addresses.get(0), neighbour.email(), Fixtures.PASSWORD).status())
        .isEqualTo(200);

    byAccount.clock.advance(Duration.ofSeconds(60));
    assertThat(login(byAccount, nextAddress(), user.email(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
  }

  @Test
  void loginWhenUnknownEmailLockedThenSameAnswerAsLockedExistingAccount() {
    TestUser user = accountFixtures.user(tenant, "analytic");
    String unknown = "nobody-" + user.email();
    for (String email : List.of(user.email(), unknown)) {
      for (int i = 0; i < PER_ACCOUNT; i++) {
        assertThat(login(byAccount, nextAddress(), email, "wrong-password").status())
            .isEqualTo(401);
      }
    }

    Response existing = login(byAccount, nextAddress(), user.email(), "wrong-password");
    Response missing = login(byAccount, nextAddress(), unknown, "wrong-password");

    assertLimited(existing);
    assertLimited(missing);
    assertThat(missing.text())
        .isEqualTo(existing.text())
        .isEqualTo("{\"status\":429,\"body\":\"Too many requests\"}");
    assertThat(missing.header("Retry-After")).isEqualTo(existing.header("Retry-After"));
  }

  @Test
  void loginWhenManyAddressesAtOnceOnOneAccountThenAtMostTheAccountLimitChecked() throws Exception {
    TestUser user = accountFixtures.user(tenant, "analytic");

    List<Response> answers =
        concurrently(20, i -> login(byAccount, nextAddress(), user.email(), "wrong-" + i));

    assertThat(answers).extracting(Response::status).containsOnly(401, 429);
    assertThat(answers.stream().filter(r -> r.status() == 401).count()).isEqualTo(PER_ACCOUNT);
    assertThat(failedLogins(byAccount, "object_name", user.email())).isEqualTo(PER_ACCOUNT);
  }

  private static void assertLimited(Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(429);
    assertThat(response.json().path("status").asInt()).isEqualTo(429);
    String retryAfter = response.header("Retry-After");
    assertThat(retryAfter).as("Retry-After").isNotNull().matches("[0-9]+");
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
  }

  private static Response login(TestServer server, String ip, String email, String password) {
    return server.http.send(
        "POST",
        "/v1/login",
        Auth.NONE,
        Map.of("email", email, "password", password),
        Map.of("X-Forwarded-For", ip));
  }

  /** Sends n requests at the same moment; their answers in the order of {@code i}. */
  private static List<Response> concurrently(int n, IntFunction<Response> request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Response>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        pending.add(
            pool.submit(
                () -> {
                  start.await();
                  return request.apply(index);
                }));
      }
      start.countDown();
      List<Response> answers = new ArrayList<>();
      for (Future<Response> answer : pending) {
        answers.add(answer.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * How many failed logins the activity log holds with {@code column} = {@code value}: one per
   * password checked.
   */
  private static long failedLogins(TestServer server, String column, String value)
      throws SQLException {
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM activity WHERE action = 'login_failed' AND "
                    + column
                    + " = ?")) {
      s.setString(1, value);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String nextAddress() {
    int n = ADDRESS.incrementAndGet();
    return "198.51." + n / 250 + "." + n % 250;
  }
}
