package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The two failure limits of a login: places are taken before the password is checked, so no amount
 * of concurrency gets more than the limit; a success gives its place back.
 */
class LoginLimitersTest {
  private static final int LIMIT = 10;

  private final MutableClock clock = new MutableClock();
  private final FailedAuthLimiter addresses = new FailedAuthLimiter(LIMIT, clock);
  private final AccountLoginLimiter accounts =
      new AccountLoginLimiter(LIMIT, clock, new SecureRandom());

  @Test
  void reserveWhenManyAtOnceFromOneAddressThenOnlyTheLimitAllowed() throws Exception {
    assertThat(concurrently(40, () -> addresses.reserve("203.0.113.1").allowed())).isEqualTo(LIMIT);
    assertThat(addresses.reserve("203.0.113.1").retryAfterSeconds()).isBetween(1L, 60L);
  }

  @Test
  void reserveWhenManyAtOnceForOneAccountThenOnlyTheLimitAllowed() throws Exception {
    assertThat(concurrently(40, () -> accounts.reserve("victim@example.com").allowed()))
        .isEqualTo(LIMIT);
    assertThat(accounts.reserve("victim@example.com").retryAfterSeconds()).isBetween(1L, 60L);
  }

  @Test
  void accountWhenEmailInOtherCaseThenSameCounter() {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(
              accounts.reserve(i % 2 == 0 ? "Victim@Example.com" : "victim@example.COM").allowed())
          .isTrue();
    }

    assertThat(accounts.reserve("VICTIM@EXAMPLE.COM").allowed()).isFalse();
    assertThat(accounts.reserve("someone-else@example.com").allowed()).isTrue();
  }

  @Test
  void releaseWhenLoginSucceededThenItsPlaceIsFreeAgain() {
    List<FailedAuthLimiter.Attempt> taken = new ArrayList<>();
    List<AccountLoginLimiter.Attempt> takenAccount = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      taken.add(addresses.reserve("203.0.113.2"));
      takenAccount.add(accounts.reserve("user@example.com"));
    }
    assertThat(addresses.reserve("203.0.113.2").allowed()).isFalse();
    assertThat(accounts.reserve("user@example.com").allowed()).isFalse();

    addresses.release(taken.get(0));
    accounts.release(takenAccount.get(0));

    assertThat(addresses.reserve("203.0.113.2").allowed()).isTrue();
    assertThat(accounts.reserve("user@example.com").allowed()).isTrue();
    assertThat(addresses.reserve("203.0.113.2").allowed()).isFalse();
    assertThat(accounts.reserve("user@example.com").allowed()).isFalse();
  }

  @Test
  void releaseWhenWindowPassedMeanwhileThenNewWindowUntouched() {
    FailedAuthLimiter.Attempt old = addresses.reserve("203.0.113.3");
    AccountLoginLimiter.Attempt oldAccount = accounts.reserve("late@example.com");
    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < LIMIT; i++) {
      assertThat(addresses.reserve("203.0.113.3").allowed()).isTrue();
      assertThat(accounts.reserve("late@example.com").allowed()).isTrue();
    }

    addresses.release(old);
    accounts.release(oldAccount);

    assertThat(addresses.reserve("203.0.113.3").allowed())
        .as("an old place freed nothing now")
        .isFalse();
    assertThat(accounts.reserve("late@example.com").allowed()).isFalse();
  }

  @Test
  void recordFailureWhenManyAtOnceThenOnlyTheLimitAnswered401() throws Exception {
    assertThat(concurrently(40, () -> addresses.recordFailure("203.0.113.4") == 0))
        .isEqualTo(LIMIT);
    assertThat(addresses.reserve("203.0.113.4").allowed())
        .as("bad tokens count against logins too")
        .isFalse();
  }

  // Runs the task n times at once and counts the true answers.
  private static int concurrently(int n, Callable<Boolean> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<Boolean> results = new ArrayList<>();
      for (Future<Boolean> answer : answers) {
        results.add(answer.get());
      }
      return (int) results.stream().filter(Predicate.isEqual(true)).count();
    } finally {
      pool.shutdownNow();
    }
  }
}
