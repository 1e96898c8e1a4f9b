package dev.tokensmith.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed notice is tried again: after 30 s, then twice as long after each failure up to an
 * hour, each wait drawn between its half and its whole (so that notices that failed together do not
 * all come back together), for 24 hours from the notice's creation; the last try falls on the end
 * of that window.
 */
final class Backoff {
  /** How long a notice is retried, counted from its creation. */
  static final Duration WINDOW = Duration.ofHours(24);

  static final Duration FIRST = Duration.ofSeconds(30);
  static final Duration LONGEST = Duration.ofHours(1);

  private Backoff() {}

  /**
   * The time of the next attempt after attempt number {@code attempts} (1 = the first) failed at
   * {@code now}; empty when the window is over and the notice is to be given up.
   */
  static Optional<Instant> next(
      int attempts, Instant now, Instant createAt, RandomGenerator random) {
    Instant end = createAt.plus(WINDOW);
    if (!now.isBefore(end)) {
      return Optional.empty();
    }
    int doublings = Math.min(Math.max(attempts - 1, 0), 20);
    long longest = Math.min(FIRST.toMillis() << doublings, LONGEST.toMillis());
    long wait = longest / 2 + random.nextLong(longest / 2 + 1);
    Instant next = now.plusMillis(wait);
    return Optional.of(next.isAfter(end) ? end : next);
  }
}
