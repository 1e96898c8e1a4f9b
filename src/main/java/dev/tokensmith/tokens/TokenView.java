package dev.tokensmith.tokens;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tokensmith.clients.TokenPolicy;
import java.time.Instant;
import java.util.List;

/**
 * A token on the wire (section 4.3). A backward-compatible token's permissions follow its owner's
 * role and are not shown (4.5); the secret is there only in the answer to a create.
 */
record TokenView(
    long id,
    long clientId,
    Long userId,
    String userRealname,
    long createdBy,
    String realname,
    String description,
    boolean shared,
    String usage,
    String sourceRole,
    List<String> permissions,
    List<String> actualPermissions,
    boolean enabled,
    String disabledReason,
    Instant disabledAt,
    Instant expireAt,
    Instant createAt,
    Instant tokenGeneratedAt,
    Instant lastUsedAt,
    String lastUsedIp,
    boolean legacy,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean legacyPairActive,
    List<String> allowedIps,
    String secretHint,
    @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

  static TokenView of(TokenService.Described d) {
    return of(d, null);
  }

  static TokenView of(TokenService.Created created) {
    return of(created.described(), created.secret());
  }

  private static TokenView of(TokenService.Described d, String secret) {
    ApiToken t = d.token();
    return new TokenView(
        t.id(),
        t.clientId(),
        t.userId(),
        d.ownerName(),
        t.createdBy(),
        t.realname(),
        t.description(),
        t.shared(),
        t.scope().usage().id(),
        t.sourceRole(),
        t.scope().legacy() ? null : t.permissionsAsWritten(),
        d.actual().ids(),
        t.enabled(),
        t.state().disabledReason() == null ? null : t.state().disabledReason().id(),
        t.state().disabledAt(),
        t.expireAt(),
        t.history().createAt(),
        t.secret().generatedAt(),
        t.history().lastUsedAt(),
        t.history().lastUsedIp(),
        t.scope().legacy(),
        d.legacyPairActive(),
        t.scope().allowedIps(),
        t.secretHint(),
        secret);
  }

  // The secret stays out of logs and error messages.
  @Override
  public String toString() {
    return "TokenView[id=" + id + "]";
  }

  /** A client's token policy, as the token list answers it beside the list. */
  record Policy(
      Integer tokenMaxLifetimeDays,
      Integer tokenDefaultLifetimeDays,
      boolean sharedTokensRequireAllowedIps) {
    static Policy of(TokenPolicy p) {
      return new Policy(p.maxLifetimeDays(), p.defaultLifetimeDays(), p.sharedRequireAllowedIps());
    }
  }

  /** A new secret, from a renewal. */
  record Renewed(String secret, Instant tokenGeneratedAt) {
    @Override
    public String toString() {
      return "Renewed[]";
    }
  }

  /** The secret again. */
  record Secret(String secret) {
    @Override
    public String toString() {
      return "Secret[]";
    }
  }
}
