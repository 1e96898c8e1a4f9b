package dev.tokensmith.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Counts failed logins per account — the e-mail as typed, in any case, whether or not such a user
 * exists — in one-minute windows, from whatever address they come, so that many addresses cannot
 * try one account without bound. Like {@link FailedAuthLimiter}, a login takes its place before the
 * password is checked and gives it back only when it succeeds.
 *
 * <p>The e-mail is the caller's to choose, so a map that evicts would let a flood of made-up
 * e-mails push a real account's counter out. Instead each e-mail falls, by a keyed hash that no
 * caller can predict (a random key per instance), into one of a fixed number of counters that are
 * never evicted: the memory is fixed (512 KiB), and two e-mails can only ever share a counter,
 * which makes the limit stricter for them, never looser. Raising a counter takes one password
 * check, which the per-address limit and the hashing cost bound.
 */
public final class AccountLoginLimiter {
  private static final long WINDOW_MILLIS = 60_000;
  private static final int SLOTS = 1 << 16;

  private final int allowedPerMinute;
  private final Clock clock;
  private final SecretKeySpec key;

  /**
   * Per slot: the window (minutes since the epoch) in the high 32 bits, its count in the low 32.
   */
  private final AtomicLongArray slots = new AtomicLongArray(SLOTS);

  public AccountLoginLimiter(int allowedPerMinute, Clock clock, SecureRandom random) {
    this.allowedPerMinute = allowedPerMinute;
    this.clock = clock;
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
  }

  /**
   * An attempt on one account: allowed (holding a place in {@code window}) or refused for {@code
   * retryAfterSeconds}.
   */
  public record Attempt(int slot, long window, long retryAfterSeconds) {
    public boolean allowed() {
      return retryAfterSeconds == 0;
    }
  }

  /**
   * Takes a place for one login to the account, counted as a failure until released; refused when
   * none is left.
   */
  public Attempt reserve(String email) {
    int slot = slot(email);
    long now = clock.millis();
    long window = now / WINDOW_MILLIS;
    while (true) {
      long current = slots.get(slot);
      long count = current >>> 32 == window ? current & 0xFFFF_FFFFL : 0;
      if (count >= allowedPerMinute) {
        return new Attempt(
            slot, window, Math.max(1, ((window + 1) * WINDOW_MILLIS - now + 999) / 1000));
      }
      if (slots.compareAndSet(slot, current, window << 32 | count + 1)) {
        return new Attempt(slot, window, 0);
      }
    }
  }

  /**
   * Gives back the place of a login that succeeded (nothing when its window has passed meanwhile).
   */
  public void release(Attempt attempt) {
    if (!attempt.allowed()) {
      return;
    }
    while (true) {
      long current = slots.get(attempt.slot());
      if (current >>> 32 != attempt.window() || (current & 0xFFFF_FFFFL) == 0) {
        return;
      }
      if (slots.compareAndSet(attempt.slot(), current, current - 1)) {
        return;
      }
    }
  }

  private int slot(String email) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return ((digest[0] & 0xFF) << 8 | digest[1] & 0xFF) & (SLOTS - 1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
