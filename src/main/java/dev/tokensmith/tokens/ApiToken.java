package dev.tokensmith.tokens;

import dev.tokensmith.access.Credential;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An API token as stored: its row id, whose it is, its name and description (null: none), what it
 * may do, whether it works now, its current secret and its history. Nullable instants mean "never"
 * / "not yet".
 */
public record ApiToken(
    long id,
    Owner owner,
    String realname,
    String description,
    Scope scope,
    State state,
    Secret secret,
    History history)
    implements Credential {

  /**
   * Whose token it is, fixed when it is created: its client, its owner ({@code userId}, null for a
   * shared token, which acts for its client) and the user who created it. {@code name} is the
   * owner's name as the token's row holds it ('' for a shared token), kept in step with the owner's
   * renames: what the list by owner's name orders and pages by.
   */
  public record Owner(long clientId, Long userId, long createdBy, boolean shared, String name) {
    /** An owner as a new token is made with: the row takes the owner's name when it is written. */
    public Owner(long clientId, Long userId, long createdBy, boolean shared) {
      this(clientId, userId, createdBy, shared, "");
    }
  }

  /**
   * What the token may do and from where: what it is used for, its role preset or custom list
   * (resolved once by the catalogue when the token is read), the addresses it may be used from
   * (empty: any) and whether it is a backward-compatible token, whose permissions follow its
   * owner's role. Only the grant and the addresses ever change.
   */
  public record Scope(Usage usage, Grant grant, List<String> allowedIps, boolean legacy) {}

  /**
   * Whether the token works: enabled, or disabled with a reason since a time; and when it expires.
   */
  public record State(
      boolean enabled, DisabledReason disabledReason, Instant disabledAt, Instant expireAt) {}

  /**
   * The current secret as kept: the hint shown in its place, its sealed copy (null when the client
   * keeps none, {@code show_once}) and when it was made.
   */
  public record Secret(String hint, String ciphertext, Instant generatedAt) {}

  /** When the token was created, and when and from which address it was last used (null: never). */
  public record History(Instant createAt, Instant lastUsedAt, String lastUsedIp) {

    /** The history of a token created at {@code createAt}, never used. */
    public static History createdAt(Instant createAt) {
      return new History(createAt, null, null);
    }
  }

  @Override
  public long clientId() {
    return owner.clientId();
  }

  @Override
  public Long userId() {
    return owner.userId();
  }

  @Override
  public long createdBy() {
    return owner.createdBy();
  }

  @Override
  public boolean shared() {
    return owner.shared();
  }

  @Override
  public String secretHint() {
    return secret.hint();
  }

  @Override
  public Instant expireAt() {
    return state.expireAt();
  }

  /** Whether it is enabled as stored (see {@link #asSeenAt} for an expired one). */
  public boolean enabled() {
    return state.enabled();
  }

  /** Its role preset or custom list. */
  public Grant grant() {
    return scope.grant();
  }

  /** The role preset, or empty for a custom list. */
  public Optional<Role> preset() {
    return Optional.ofNullable(grant().preset());
  }

  /** The role id it is stored under: the preset's, or {@code custom}. */
  public String sourceRole() {
    return grant().sourceRole();
  }

  /** The custom list; empty for a role preset. */
  public List<String> permissions() {
    return grant().custom();
  }

  /**
   * What the token itself grants, before the owner's cap (resolved once, when the token was read).
   */
  @Override
  public PermissionSet permissionSet() {
    return grant().granted();
  }

  @Override
  public boolean nodeDeployment() {
    return scope.usage() == Usage.NODE_DEPLOYMENT;
  }

  /** The permissions as written: {@code [role]} or the custom list. */
  public List<String> permissionsAsWritten() {
    return grant().written();
  }

  /**
   * True when the expiry has come (an expired token fails verification even before the job disables
   * it).
   */
  public boolean expiredAt(Instant now) {
    return expireAt() != null && !now.isBefore(expireAt());
  }

  /** The state as the caller should see it at {@code now}: an expired token reads as disabled. */
  public ApiToken asSeenAt(Instant now) {
    if (enabled() && expiredAt(now)) {
      return draft()
          .enabled(false)
          .disabledReason(DisabledReason.EXPIRED)
          .disabledAt(expireAt())
          .build();
    }
    return this;
  }

  public Draft draft() {
    return new Draft(this);
  }

  /**
   * A mutable copy for building the next state of a token; its owner, usage, legacy mark and
   * history stay as they were.
   */
  public static final class Draft {
    private final ApiToken t;
    private String realname;
    private String description;
    private Grant grant;
    private List<String> allowedIps;
    private boolean enabled;
    private DisabledReason disabledReason;
    private Instant disabledAt;
    private Instant expireAt;
    private Secret secret;

    private Draft(ApiToken t) {
      this.t = t;
      this.realname = t.realname;
      this.description = t.description;
      this.grant = t.scope.grant();
      this.allowedIps = t.scope.allowedIps();
      this.enabled = t.state.enabled();
      this.disabledReason = t.state.disabledReason();
      this.disabledAt = t.state.disabledAt();
      this.expireAt = t.state.expireAt();
      this.secret = t.secret;
    }

    public Draft realname(String v) {
      realname = v;
      return this;
    }

    public Draft description(String v) {
      description = v;
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

    public Draft secret(Secret v) {
      secret = v;
      return this;
    }

    public ApiToken build() {
      return new ApiToken(
          t.id,
          t.owner,
          realname,
          description,
          new Scope(t.scope.usage(), grant, allowedIps, t.scope.legacy()),
          new State(enabled, disabledReason, disabledAt, expireAt),
          secret,
          t.history);
    }
  }
}
