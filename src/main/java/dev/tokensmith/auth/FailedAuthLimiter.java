package dev.tokensmith.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * Counts failed authentications per source address in fixed one-minute windows. Bounded, so a
 * flood from many addresses cannot grow it without limit; per instance, by design: each instance
 * protects itself and its share of the database.
 */
public final class FailedAuthLimiter {
  private static final long WINDOW_MILLIS = 60_000;

  private final int allowedPerMinute;
  private final Clock clock;
  private final Cache<String, Window> windows = Caffeine.newBuilder()
      .maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(2)).build();

  public FailedAuthLimiter(int allowedPerMinute, Clock clock) {
    this.allowedPerMinute = allowedPerMinute;
    this.clock = clock;
  }

  /** Seconds until the address may try again, or 0 when it is not limited. */
  public long retryAfterSeconds(String ip) {
    Window window = windows.getIfPresent(ip);
    long now = clock.millis();
    if (window == null || now - window.start >= WINDOW_MILLIS || window.count < allowedPerMinute) {
      return 0;
    }
    return Math.max(1, (window.start + WINDOW_MILLIS - now + 999) / 1000);
  }

  /** Counts one failure from the address. */
  public void recordFailure(String ip) {
    long now = clock.millis();
    windows.asMap().compute(ip, (key, w) -> w == null || now - w.start >= WINDOW_MILLIS ? new Window(now, 1)
        : new Window(w.start, w.count + 1));
  }

  private record Window(long start, int count) {
  }
}
