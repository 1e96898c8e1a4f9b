package dev.tokensmith.sso;

/**
 * A single sign-on step that did not succeed, with a short reason for the activity log (never a
 * value the IdP sent, never a secret).
 */
public final class SsoFailure extends RuntimeException {
  private final String reason;

  public SsoFailure(String reason, Throwable cause) {
    super(reason, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
