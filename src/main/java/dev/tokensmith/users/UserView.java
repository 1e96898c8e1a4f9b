package dev.tokensmith.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A user as the {@code /v1/objects/user*} endpoints answer it, in the shape the Wallarm client
 * library and the Terraform provider decode: the client is {@code clientid}, {@code username} is
 * the e-mail, and times are whole Unix seconds ({@code last_login_time} null before the first
 * login; {@code provisioned} for a user the client's IdP created). The password hash never leaves
 * the server; {@code set_password_url} (a one-time link to set a password) is there only in the
 * answer that issued it.
 */
record UserView(
    long id,
    String uuid,
    long clientid,
    String email,
    String username,
    String realname,
    String role,
    List<String> permissions,
    List<String> actualPermissions,
    boolean enabled,
    String sso,
    boolean apiAccess,
    boolean provisioned,
    long createAt,
    Long lastLoginTime,
    @JsonInclude(JsonInclude.Include.NON_NULL) String setPasswordUrl) {

  static UserView of(User user) {
    return new UserView(
        user.id(),
        user.uuid(),
        user.clientId(),
        user.email(),
        user.email(),
        user.realname(),
        user.role().id(),
        user.permissionsAsWritten(),
        user.permissions().ids(),
        user.enabled(),
        user.sso().id(),
        user.apiAccess(),
        user.provisioned(),
        user.createAt().getEpochSecond(),
        seconds(user.lastLoginAt()),
        null);
  }

  /** The same with the URL of a link issued just now (none when null). */
  UserView withSetPasswordUrl(String url) {
    return new UserView(
        id,
        uuid,
        clientid,
        email,
        username,
        realname,
        role,
        permissions,
        actualPermissions,
        enabled,
        sso,
        apiAccess,
        provisioned,
        createAt,
        lastLoginTime,
        url);
  }

  private static Long seconds(Instant time) {
    return time == null ? null : time.getEpochSecond();
  }

  // The one-time link's code stays out of logs and error messages.
  @Override
  public String toString() {
    return "UserView[id=" + id + "]";
  }
}
