package dev.tokensmith.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * Counts failed authentications per source address in one-minute windows that start at the first
 * failure. A login takes its place before the password is checked ({@link #reserve}) and gives it
 * back only when it succeeds ({@link #release}), so concurrent logins never check more passwords
 * than the limit. A bad token or cookie is counted after the fact ({@link #recordFailure}): a valid
 * token never touches this class.
 *
 * <p>Bounded, so a flood from many addresses cannot grow it without limit; Caffeine's eviction
 * keeps the counters that keep being used over one-off ones, and pushing out an address's counter
 * takes requests from many other addresses (an attacker who has those needs no eviction). Per
 * instance, by design: each instance protects itself and its share of the database.
 */
public final class FailedAuthLimiter {
  private static final long WINDOW_MILLIS = 60_000;

  private final int allowedPerMinute;
  private final Clock clock;
  private final Cache<String, Window> windows =
      Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(2)).build();

  public FailedAuthLimiter(int allowedPerMinute, Clock clock) {
    this.allowedPerMinute = allowedPerMinute;
    this.clock = clock;
  }

  /**
   * An attempt of one address: allowed (it holds a place in the window that started at {@code
   * windowStart}) or refused for {@code retryAfterSeconds}.
   */
  public record Attempt(String address, long windowStart, long retryAfterSeconds) {
    public boolean allowed() {
      return retryAfterSeconds == 0;
    }
  }

  /**
   * Takes a place for one attempt of the address, counted as a failure until released; refused when
   * none is left.
   */
  public Attempt reserve(String address) {
    long now = clock.millis();
    Attempt[] attempt = new Attempt[1];
    windows
        .asMap()
        .compute(
            address,
            (key, w) -> {
              if (w == null || now - w.start >= WINDOW_MILLIS) {
                attempt[0] = new Attempt(key, now, 0);
                return new Window(now, 1);
              }
              if (w.count >= allowedPerMinute) {
                attempt[0] = new Attempt(key, w.start, retryAfter(w, now));
                return w;
              }
              attempt[0] = new Attempt(key, w.start, 0);
              return new Window(w.start, w.count + 1);
            });
    return attempt[0];
  }

  /**
   * Gives back the place of an attempt that succeeded (nothing when its window has passed
   * meanwhile).
   */
  public void release(Attempt attempt) {
    if (!attempt.allowed()) {
      return;
    }
    windows
        .asMap()
        .computeIfPresent(
            attempt.address(),
            (key, w) ->
                w.start == attempt.windowStart() && w.count > 0
                    ? new Window(w.start, w.count - 1)
                    : w);
  }

  /**
   * Counts one failure that had no place reserved (a bad token or cookie): 0 when it was within the
   * limit, else the seconds until the address may try again.
   */
  public long recordFailure(String address) {
    // The same step as a reservation that is never given back.
    return reserve(address).retryAfterSeconds();
  }

  private static long retryAfter(Window w, long now) {
    return Math.max(1, (w.start + WINDOW_MILLIS - now + 999) / 1000);
  }

  private record Window(long start, int count) {}
}
