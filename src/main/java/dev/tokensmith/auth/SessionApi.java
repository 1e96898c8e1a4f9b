package dev.tokensmith.auth;

import dev.tokensmith.tokens.ApiToken;
import dev.tokensmith.access.Caller;
import dev.tokensmith.access.Access;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.clients.Partner;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.users.Session;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserView;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.JsonBody;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Login, logout and "who am I" (section 4.1). Behind TLS ({@code secureCookie}) the session
 * cookie is {@code Secure}, so a browser never sends it over plain HTTP.
 */
public final class SessionApi implements Api {
  private final SessionService sessions;
  private final Authenticator authenticator;
  private final ClientService clients;
  private final Access access;
  private final String cookieAttributes;
  private final String sessionCookieAttributes;

  public SessionApi(SessionService sessions, Authenticator authenticator, ClientService clients, Access access,
      Duration sessionLifetime, boolean secureCookie) {
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.clients = clients;
    this.access = access;
    this.cookieAttributes = "; Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "");
    this.sessionCookieAttributes = cookieAttributes + "; Max-Age=" + sessionLifetime.toSeconds();
  }

  @Override
  public void routes(Routes routes) {
    routes.publicPost("/v1/login", this::login);
    routes.post("/v1/logout", this::logout);
    routes.post("/v1/user", this::identity);
    routes.get("/v1/user", this::identity);
  }

  private Object login(Request request) {
    // Only JSON: an HTML form (which any site may post cross-site) cannot send it.
    if (!isJson(request.header("Content-Type"))) {
      throw ServiceException.unsupportedMediaType();
    }
    JsonBody body = request.body();
    String email = body.requiredText("email", 320);
    // The password is never echoed back, not even in a validation error.
    String password = body.secretText("password", 1024).orElse("");
    Authenticator.LoginAttempt attempt = authenticator.beginLogin(request.ip(), email);
    SessionService.Login login = sessions.login(email, password, request.ip(),
            clientId -> clients.find(clientId).map(Client::enabled).orElse(false))
        .orElseThrow(ServiceException::unauthorized);
    authenticator.loginSucceeded(attempt);
    Map<String, Object> view = identity(login.user(), null);
    view.put("csrf_token", login.csrfToken());
    return Reply.of(200, view)
        .header("Set-Cookie", Request.SESSION_COOKIE + "=" + login.cookie() + sessionCookieAttributes);
  }

  /** {@code application/json}, in any case, with or without parameters such as {@code ; charset=utf-8}. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int parameters = contentType.indexOf(';');
    String type = parameters < 0 ? contentType : contentType.substring(0, parameters);
    return type.trim().equalsIgnoreCase("application/json");
  }

  private Object logout(Request request) {
    Caller caller = request.caller();
    if (caller.token() != null) {
      throw ServiceException.unauthorized();
    }
    Session session = request.sessionCookie().flatMap(authenticator::session).orElseThrow(ServiceException::unauthorized);
    sessions.logout(session, caller.origin(), caller.userClient().id());
    return Reply.of(200, "Logged out")
        .header("Set-Cookie", Request.SESSION_COOKIE + "=" + cookieAttributes + "; Max-Age=0");
  }

  private Object identity(Request request) {
    Caller caller = request.caller();
    // The callers this server builds carry the users feature's own records.
    return identity((User) caller.user(), caller);
  }

  private Map<String, Object> identity(User user, Caller caller) {
    Client client = clients.find(caller != null ? caller.homeClient().id() : user.clientId()).orElseThrow();
    Map<String, Object> view = new LinkedHashMap<>();
    if (user != null) {
      Map<String, Object> u = UserView.of(user);
      view.put("id", u.get("id"));
      view.put("uuid", u.get("uuid"));
      view.put("client_id", client.id());
      view.put("client_name", client.name());
      for (String key : new String[] {"email", "realname", "role", "permissions"}) {
        view.put(key, u.get(key));
      }
    } else {
      view.put("id", caller.token().createdBy());
      view.put("client_id", client.id());
      view.put("client_name", client.name());
    }
    view.put("actual_permissions", caller != null ? access.permissionsIn(caller, client).ids() : user.permissions().ids());
    if (user != null) {
      view.put("enabled", user.enabled());
      view.put("sso", user.sso().id());
      view.put("api_access", user.apiAccess());
    }
    if (client.technical() && client.partnerId() != null) {
      Partner partner = clients.findPartner(client.partnerId()).orElseThrow();
      view.put("partnerid", partner.id());
      view.put("partner_uuid", partner.uuid());
    }
    if (caller != null && caller.token() != null) {
      Map<String, Object> token = new LinkedHashMap<>();
      token.put("id", caller.token().id());
      token.put("shared", caller.token().shared());
      token.put("usage", ((ApiToken) caller.token()).usage().id());
      view.put("api_token", token);
    }
    return view;
  }
}
