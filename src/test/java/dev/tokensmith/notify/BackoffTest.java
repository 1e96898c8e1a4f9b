package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void nextWhenAttemptsGrowThenWaitDoublesFromThirtySecondsToAnHourWithinItsJitter() {
    Random random = new Random(7);
    for (int attempts = 1; attempts <= 40; attempts++) {
      long longest = Math.min(30_000L << Math.min(attempts - 1, 20), 3_600_000L);
      for (int draw = 0; draw < 50; draw++) {
        Instant next = Backoff.next(attempts, CREATED, CREATED, random).orElseThrow();
        long wait = Duration.between(CREATED, next).toMillis();
        assertThat(wait).as("attempt %d", attempts).isBetween(longest / 2, longest);
      }
    }
  }

  @Test
  void nextWhenWaitsDrawnThenTheyDifferSoFailuresSpreadOut() {
    Random random = new Random(11);
    long distinct =
        java.util.stream.IntStream.range(0, 20)
            .mapToObj(i -> Backoff.next(3, CREATED, CREATED, random).orElseThrow())
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void nextWhenTheWindowEndsSoonerThenTheLastTryFallsOnItsEnd() {
    Instant end = CREATED.plus(Backoff.WINDOW);
    Instant now = end.minusSeconds(60);
    assertThat(Backoff.next(30, now, CREATED, new Random(1))).contains(end);
  }

  @Test
  void nextWhenTwentyFourHoursPassedThenGivenUp() {
    Instant end = CREATED.plus(Backoff.WINDOW);
    assertThat(Backoff.next(30, end, CREATED, new Random(1))).isEmpty();
    assertThat(Backoff.next(1, end.plusSeconds(1), CREATED, new Random(1))).isEmpty();
  }
}
