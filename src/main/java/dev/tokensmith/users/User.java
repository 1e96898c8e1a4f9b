package dev.tokensmith.users;

import dev.tokensmith.access.Principal;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import java.time.Instant;
import java.util.List;

/**
 * A person of a client. {@code grant} is their role (a preset) or, for {@link Role#CUSTOM}, their
 * list, resolved once by the catalogue when the user is read; {@code lastLoginAt} is null before
 * the first login. {@code provisioned}: created by the client's IdP at a first single sign-on
 * (4.6), which then owns their disabling and deletion while provisioning stays on.
 */
public record User(
    long id,
    String uuid,
    long clientId,
    String email,
    String realname,
    Grant grant,
    boolean enabled,
    Sso sso,
    boolean apiAccess,
    String passwordHash,
    Instant createAt,
    Instant lastLoginAt,
    boolean provisioned)
    implements Principal {

  @Override
  public Role role() {
    return grant.role();
  }

  /** The same user with another role or custom list. */
  public User withGrant(Grant other) {
    return new User(
        id,
        uuid,
        clientId,
        email,
        realname,
        other,
        enabled,
        sso,
        apiAccess,
        passwordHash,
        createAt,
        lastLoginAt,
        provisioned);
  }

  /** The custom list; empty for a role preset. */
  public List<String> customPermissions() {
    return grant.custom();
  }

  /**
   * What the role grants in the user's own client (a custom list without its view grants nothing).
   */
  @Override
  public PermissionSet permissions() {
    return grant.granted();
  }

  /** The permissions as written: {@code [role]} or the custom list. */
  public List<String> permissionsAsWritten() {
    return grant.written();
  }
}
