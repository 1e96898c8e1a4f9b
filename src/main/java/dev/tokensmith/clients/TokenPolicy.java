package dev.tokensmith.clients;

/**
 * A client's rules for its tokens, checked at every write of a token (create, update, renew,
 * re-enable); a token written before a rule was tightened keeps what it has until its next write.
 *
 * @param maxLifetimeDays the longest lifetime a token may be given, in days from the write; null =
 *     no limit (then a token may also never expire)
 * @param defaultLifetimeDays the lifetime, in days, of a token created without {@code expire_at};
 *     null = none (such a token never expires, or is refused when a maximum is set). Never more
 *     than the maximum
 * @param sharedRequireAllowedIps true when a shared token must name the addresses it may be used
 *     from ({@code allowed_ips} not empty)
 */
public record TokenPolicy(
    Integer maxLifetimeDays, Integer defaultLifetimeDays, boolean sharedRequireAllowedIps) {
  /** The longest lifetime a policy may name: 100 years. */
  public static final int MAX_DAYS = 36_500;

  /** No rules: any lifetime, never expiring allowed, shared tokens usable from anywhere. */
  public static final TokenPolicy NONE = new TokenPolicy(null, null, false);
}
