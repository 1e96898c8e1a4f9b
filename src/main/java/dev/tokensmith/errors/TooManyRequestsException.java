package dev.tokensmith.errors;

/**
 * 429: too many failed authentications from one address; {@code Retry-After} says when to come
 * back.
 */
public final class TooManyRequestsException extends ServiceException {
  private final long retryAfterSeconds;

  public TooManyRequestsException(long retryAfterSeconds) {
    super(429, "Too many requests");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
