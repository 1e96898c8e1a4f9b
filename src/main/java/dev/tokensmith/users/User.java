package dev.tokensmith.users;

import dev.tokensmith.access.Principal;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import java.time.Instant;
import java.util.List;

/**
 * A person of a client. {@code customPermissions} is used only when the role is
 * {@link Role#CUSTOM}; {@code lastLoginAt} is null before the first login.
 */
public record User(
    long id,
    String uuid,
    long clientId,
    String email,
    String realname,
    Role role,
    List<String> customPermissions,
    boolean enabled,
    Sso sso,
    boolean apiAccess,
    String passwordHash,
    Instant createAt,
    Instant lastLoginAt) implements Principal {

  /** What the role grants in the user's own client (a custom list without its view grants nothing). */
  @Override
  public PermissionSet permissions() {
    return role == Role.CUSTOM ? PermissionSet.of(customPermissions).effective() : role.bundle();
  }

  /** The permissions as written: {@code [role]} or the custom list. */
  public List<String> permissionsAsWritten() {
    return role == Role.CUSTOM ? customPermissions : List.of(role.id());
  }
}
