package dev.tokensmith.tokens;

import dev.tokensmith.access.Credential;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An API token as stored. {@code userId} is null for a shared token; {@code grant} is its role
 * preset or custom list, resolved once by the catalogue when the token is read; {@code
 * secretSealed} is null when the client keeps no copy of secrets ({@code show_once}). Nullable
 * instants mean "never" / "not yet".
 */
public record ApiToken(
    long id,
    long clientId,
    Long userId,
    long createdBy,
    String realname,
    boolean shared,
    Usage usage,
    Grant grant,
    boolean enabled,
    DisabledReason disabledReason,
    Instant disabledAt,
    Instant expireAt,
    Instant createAt,
    Instant tokenGeneratedAt,
    Instant lastUsedAt,
    String lastUsedIp,
    boolean legacy,
    List<String> allowedIps,
    String secretHint,
    String secretSealed)
    implements Credential {

  /** The role preset, or empty for a custom list. */
  public Optional<Role> preset() {
    return Optional.ofNullable(grant.preset());
  }

  /** The role id it is stored under: the preset's, or {@code custom}. */
  public String sourceRole() {
    return grant.sourceRole();
  }

  /** The custom list; empty for a role preset. */
  public List<String> permissions() {
    return grant.custom();
  }

  /**
   * What the token itself grants, before the owner's cap (resolved once, when the token was read).
   */
  @Override
  public PermissionSet permissionSet() {
    return grant.granted();
  }

  @Override
  public boolean nodeDeployment() {
    return usage == Usage.NODE_DEPLOYMENT;
  }

  /** The permissions as written: {@code [role]} or the custom list. */
  public List<String> permissionsAsWritten() {
    return grant.written();
  }

  /**
   * True when the expiry has come (an expired token fails verification even before the job disables
   * it).
   */
  public boolean expiredAt(Instant now) {
    return expireAt != null && !now.isBefore(expireAt);
  }

  /** The state as the caller should see it at {@code now}: an expired token reads as disabled. */
  public ApiToken asSeenAt(Instant now) {
    if (enabled && expiredAt(now)) {
      return draft()
          .enabled(false)
          .disabledReason(DisabledReason.EXPIRED)
          .disabledAt(expireAt)
          .build();
    }
    return this;
  }

  /** The same token with the id its row was given. */
  public ApiToken withId(long newId) {
    return new ApiToken(
        newId,
        clientId,
        userId,
        createdBy,
        realname,
        shared,
        usage,
        grant,
        enabled,
        disabledReason,
        disabledAt,
        expireAt,
        createAt,
        tokenGeneratedAt,
        lastUsedAt,
        lastUsedIp,
        legacy,
        allowedIps,
        secretHint,
        secretSealed);
  }

  public Draft draft() {
    return new Draft(this);
  }

  /**
   * A mutable copy for building the next state of a token; identity and history fields stay as they
   * were.
   */
  public static final class Draft {
    private final ApiToken t;
    private String realname;
    private Grant grant;
    private boolean enabled;
    private DisabledReason disabledReason;
    private Instant disabledAt;
    private Instant expireAt;
    private Instant tokenGeneratedAt;
    private List<String> allowedIps;
    private String secretHint;
    private String secretSealed;

    private Draft(ApiToken t) {
      this.t = t;
      this.realname = t.realname;
      this.grant = t.grant;
      this.enabled = t.enabled;
      this.disabledReason = t.disabledReason;
      this.disabledAt = t.disabledAt;
      this.expireAt = t.expireAt;
      this.tokenGeneratedAt = t.tokenGeneratedAt;
      this.allowedIps = t.allowedIps;
      this.secretHint = t.secretHint;
      this.secretSealed = t.secretSealed;
    }

    public Draft realname(String v) {
      realname = v;
      return this;
    }

    public Draft grant(Grant v) {
      grant = v;
      return this;
    }

    public Draft enabled(boolean v) {
      enabled = v;
      return this;
    }

    public Draft disabledReason(DisabledReason v) {
      disabledReason = v;
      return this;
    }

    public Draft disabledAt(Instant v) {
      disabledAt = v;
      return this;
    }

    public Draft expireAt(Instant v) {
      expireAt = v;
      return this;
    }

    public Draft allowedIps(List<String> v) {
      allowedIps = List.copyOf(v);
      return this;
    }

    public Draft secret(String hint, String sealed, Instant generatedAt) {
      secretHint = hint;
      secretSealed = sealed;
      tokenGeneratedAt = generatedAt;
      return this;
    }

    public ApiToken build() {
      return new ApiToken(
          t.id,
          t.clientId,
          t.userId,
          t.createdBy,
          realname,
          t.shared,
          t.usage,
          grant,
          enabled,
          disabledReason,
          disabledAt,
          expireAt,
          t.createAt,
          tokenGeneratedAt,
          t.lastUsedAt,
          t.lastUsedIp,
          t.legacy,
          allowedIps,
          secretHint,
          secretSealed);
    }
  }
}
