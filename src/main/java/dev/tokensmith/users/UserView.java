package dev.tokensmith.users;

import java.time.Instant;
import java.util.List;

/** A user on the wire (section 4.1/4.2). The password hash never leaves the server. */
record UserView(
    long id,
    String uuid,
    long clientId,
    String email,
    String realname,
    String role,
    List<String> permissions,
    List<String> actualPermissions,
    boolean enabled,
    String sso,
    boolean apiAccess,
    Instant createAt,
    Instant lastLoginAt) {

  static UserView of(User user) {
    return new UserView(
        user.id(),
        user.uuid(),
        user.clientId(),
        user.email(),
        user.realname(),
        user.role().id(),
        user.permissionsAsWritten(),
        user.permissions().ids(),
        user.enabled(),
        user.sso().id(),
        user.apiAccess(),
        user.createAt(),
        user.lastLoginAt());
  }
}
