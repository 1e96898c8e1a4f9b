package dev.tokensmith.auth;

import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Duration;
import java.util.Map;

/**
 * Login, logout and "who am I" (section 4.1). Behind TLS ({@code secureCookie}) the session cookie
 * is {@code Secure}, so a browser never sends it over plain HTTP.
 */
public final class SessionApi implements Api {
  private final IdentityService identities;
  private final String cookieAttributes;
  private final String sessionCookieAttributes;

  public SessionApi(IdentityService identities, Duration sessionLifetime, boolean secureCookie) {
    this.identities = identities;
    this.cookieAttributes =
        "; Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "");
    this.sessionCookieAttributes = cookieAttributes + "; Max-Age=" + sessionLifetime.toSeconds();
  }

  @Override
  public void routes(Routes routes) {
    routes.publicPost("/v1/login", this::login);
    routes.post("/v1/logout", this::logout);
    routes.post("/v1/user", r -> identities.identity(r.caller()));
    routes.get("/v1/user", r -> identities.identity(r.caller()));
    routes.post("/v1/user/password", this::changePassword);
    routes.publicPost("/v1/user/set_password", this::setPassword);
  }

  private Object login(Request request) {
    // Only JSON: an HTML form (which any site may post cross-site) cannot send it.
    if (!isJson(request.header("Content-Type"))) {
      throw ServiceException.unsupportedMediaType();
    }
    Params body = request.body();
    String email = body.requiredText("email", 320);
    // The password is never echoed back, not even in a validation error.
    String password = body.secretText("password", 1024).orElse("");
    IdentityService.LoggedIn login = identities.login(email, password, request.ip());
    return Reply.of(200, login.identity())
        .header(
            "Set-Cookie", Request.SESSION_COOKIE + "=" + login.cookie() + sessionCookieAttributes);
  }

  /**
   * {@code application/json}, in any case, with or without parameters such as {@code ;
   * charset=utf-8}.
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int parameters = contentType.indexOf(';');
    String type = parameters < 0 ? contentType : contentType.substring(0, parameters);
    return type.trim().equalsIgnoreCase("application/json");
  }

  // Passwords are never echoed back, not even in a validation error.
  private Object changePassword(Request request) {
    Params body = request.body();
    String current = requiredSecret(body, "current_password");
    String next = requiredSecret(body, "new_password");
    identities.changePassword(request.caller(), request.sessionCookie(), current, next);
    return "Password changed";
  }

  private Object setPassword(Request request) {
    Params body = request.body();
    String code = requiredSecret(body, "code");
    String next = requiredSecret(body, "new_password");
    return Map.of("email", identities.setPassword(code, next, request.ip()));
  }

  private static String requiredSecret(Params body, String field) {
    return body.secretText(field, 1024)
        .filter(value -> !value.isEmpty())
        .orElseThrow(() -> ValidationException.of(field, ValidationException.Code.REQUIRED, null));
  }

  private Object logout(Request request) {
    identities.logout(request.caller(), request.sessionCookie());
    return Reply.of(200, "Logged out")
        .header("Set-Cookie", Request.SESSION_COOKIE + "=" + cookieAttributes + "; Max-Age=0");
  }
}
