package dev.tokensmith.users;

import dev.tokensmith.web.IsoTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** A user on the wire (section 4.1/4.2). The password hash never leaves the server. */
public final class UserView {
  private UserView() {
  }

  public static Map<String, Object> of(User user) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", user.id());
    view.put("uuid", user.uuid());
    view.put("client_id", user.clientId());
    view.put("email", user.email());
    view.put("realname", user.realname());
    view.put("role", user.role().id());
    view.put("permissions", user.permissionsAsWritten());
    view.put("actual_permissions", user.permissions().ids());
    view.put("enabled", user.enabled());
    view.put("sso", user.sso().id());
    view.put("api_access", user.apiAccess());
    view.put("create_at", IsoTime.format(user.createAt()));
    view.put("last_login_at", IsoTime.format(user.lastLoginAt()));
    return view;
  }
}
