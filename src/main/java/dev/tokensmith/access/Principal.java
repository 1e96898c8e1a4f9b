package dev.tokensmith.access;

import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;

/** A user as access decisions see them; the users feature's {@code User} is one. */
public interface Principal {
  long id();

  long clientId();

  String email();

  boolean enabled();

  Role role();

  /** What the role grants in the user's own client. */
  PermissionSet permissions();
}
