package dev.tokensmith.tokens;

import dev.tokensmith.access.Credential;
import dev.tokensmith.clients.Client;
import dev.tokensmith.users.User;

/** The outcome of checking a secret: an expected result, not an exception. */
public sealed interface Verification {

  /**
   * The secret belongs to a token that may be used now.
   *
   * @param owner the owner, or a shared token's creator (null if that user has been deleted)
   * @param ownerClient the owner's client (for a shared token: the token's client)
   * @param usage when this token's use was last written (kept with its cache entry)
   */
  record Verified(
      Credential token,
      User owner,
      Client tokenClient,
      Client ownerClient,
      UsageRecorder.Mark usage)
      implements Verification {}

  /**
   * The secret does not authenticate; {@code reason} is for metrics and tests, never for the
   * caller.
   */
  record Rejected(Reason reason) implements Verification {}

  /** Why a secret was refused. */
  enum Reason {
    MALFORMED,
    UNKNOWN,
    DISABLED,
    EXPIRED,
    CLIENT_DISABLED,
    OWNER_DISABLED,
    SSO_WITHOUT_API_ACCESS,
    IP_NOT_ALLOWED,
    WRONG_USAGE
  }
}
