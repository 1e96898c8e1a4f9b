package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.clients.TokenPolicy;
import dev.tokensmith.errors.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A client's token policy applied to one write of a token. Only the writes that give a token more
 * life or reach are held to it (a create, a new expiry, a re-enable, new addresses, a renewal): a
 * token written before the policy was tightened keeps what it has, and may still be renamed,
 * narrowed or disabled, until such a write.
 */
final class TokenRules {
  private final TokenPolicy policy;
  private final Instant now;

  TokenRules(TokenPolicy policy, Instant now) {
    this.policy = policy;
    this.now = now;
  }

  /**
   * The expiry a create gets: the one asked for, else ({@code given} false) the policy's default
   * lifetime from now, else never.
   */
  Instant expiryAtCreate(boolean given, Instant asked) {
    if (!given && policy.defaultLifetimeDays() != null) {
      return now.plus(Duration.ofDays(policy.defaultLifetimeDays()));
    }
    return asked;
  }

  /**
   * Refuses an expiry past the policy's maximum lifetime (400 {@code expire_at} {@code
   * not_allowed}), or none at all when there is a maximum ({@code required}).
   */
  void requireLifetime(Instant expireAt) {
    Integer max = policy.maxLifetimeDays();
    if (max == null) {
      return;
    }
    if (expireAt == null) {
      throw ValidationException.of("expire_at", REQUIRED, null);
    }
    if (expireAt.isAfter(now.plus(Duration.ofDays(max)))) {
      throw ValidationException.of("expire_at", NOT_ALLOWED, expireAt.toString());
    }
  }

  /** Refuses a shared token usable from anywhere when the policy wants its addresses named. */
  void requireAllowedIps(boolean shared, List<String> allowedIps) {
    if (shared && policy.sharedRequireAllowedIps() && allowedIps.isEmpty()) {
      throw ValidationException.of("allowed_ips", REQUIRED, allowedIps);
    }
  }
}
