package dev.tokensmith.auth;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.clients.Partner;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.tokens.TokenService;
import dev.tokensmith.tokens.Usage;
import dev.tokensmith.users.PasswordService;
import dev.tokensmith.users.Session;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.util.Optional;

/**
 * Who a caller is (section 4.1): the identity of {@code /v1/user}, and the Console login and logout
 * that start and end one. The user and the calling token are looked up in their own features, as
 * they are now.
 */
public final class IdentityService {
  private final Authenticator authenticator;
  private final SessionService sessions;
  private final UserDirectory users;
  private final TokenService tokens;
  private final ClientService clients;
  private final Access access;
  private final PasswordService passwords;

  public IdentityService(
      Authenticator authenticator,
      SessionService sessions,
      UserDirectory users,
      TokenService tokens,
      ClientService clients,
      Access access,
      PasswordService passwords) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.users = users;
    this.tokens = tokens;
    this.clients = clients;
    this.access = access;
    this.passwords = passwords;
  }

  /**
   * A login: who logged in (with the CSRF token) and the session cookie's value, both shown this
   * once.
   */
  public record LoggedIn(Identity identity, String cookie) {
    @Override
    public String toString() {
      return "LoggedIn[" + identity + "]";
    }
  }

  /**
   * Checks the password and opens a session; 429 when the address or the account has no attempt
   * left this minute, 401 for a wrong e-mail or password or a disabled user or client.
   */
  public LoggedIn login(String email, String password, String ip) {
    Authenticator.LoginAttempt attempt = authenticator.beginLogin(ip, email);
    SessionService.Login login =
        sessions
            .login(
                email,
                password,
                ip,
                clientId -> clients.find(clientId).map(Client::enabled).orElse(false))
            .orElseThrow(
                () -> {
                  authenticator.loginFailed();
                  return ServiceException.unauthorized();
                });
    authenticator.loginSucceeded(attempt);
    User user = login.user();
    Client client = clients.find(user.clientId()).orElseThrow();
    Identity identity = identity(user.id(), Optional.of(user), client, user.permissions(), null);
    return new LoggedIn(identity.withCsrfToken(login.csrfToken()), login.cookie());
  }

  /**
   * Ends the session of {@code cookie}; 401 for a request made with a token, or without a live
   * session.
   */
  public void logout(Caller caller, Optional<String> cookie) {
    if (caller.token() != null) {
      throw ServiceException.unauthorized();
    }
    Session session =
        cookie.flatMap(authenticator::session).orElseThrow(ServiceException::unauthorized);
    sessions.logout(session, caller.origin(), caller.userClient().id());
  }

  /**
   * Changes the session user's own password and ends their other sessions. The current password is
   * checked like a login's, against the same limits: a wrong one is a failed authentication (400
   * {@code current_password}, 429 once the address or the account has no attempt left this minute).
   * 401 for a request made with a token, or without a live session; 400 {@code new_password} when
   * the new password breaks the rules.
   */
  public void changePassword(Caller caller, Optional<String> cookie, String current, String next) {
    if (caller.token() != null || cookie.isEmpty()) {
      throw ServiceException.unauthorized();
    }
    Authenticator.LoginAttempt attempt =
        authenticator.beginLogin(caller.ip(), caller.user().email());
    PasswordService.Change change;
    try {
      change = passwords.change(caller.user().id(), cookie.get(), current, next, caller.origin());
    } catch (ServiceException e) {
      // The current password was right: what failed was the new one (or the database).
      authenticator.loginSucceeded(attempt);
      throw e;
    }
    if (change == PasswordService.Change.WRONG_PASSWORD) {
      throw ValidationException.of("current_password", ValidationException.Code.INVALID, null);
    }
    authenticator.loginSucceeded(attempt);
  }

  /**
   * Sets a password with a one-time link's code; returns the user's e-mail. A wrong, used or
   * expired code is 400 {@code code} ({@code invalid}, {@code used}, {@code expired}) and counts as
   * a failed authentication of the address (429 once it has no attempt left this minute); 400
   * {@code new_password} when the new password breaks the rules (the code stays usable).
   */
  public String setPassword(String code, String next, String ip) {
    FailedAuthLimiter.Attempt attempt = authenticator.beginAttempt(ip);
    PasswordService.LinkUse use;
    try {
      use = passwords.setPassword(code, next, ip);
    } catch (ServiceException e) {
      authenticator.attemptSucceeded(attempt);
      throw e;
    }
    ValidationException.Code refused =
        switch (use.state()) {
          case USABLE -> null;
          case UNKNOWN -> ValidationException.Code.INVALID;
          case EXPIRED -> ValidationException.Code.EXPIRED;
          case USED -> ValidationException.Code.USED;
        };
    if (refused != null) {
      throw ValidationException.of("code", refused, null);
    }
    authenticator.attemptSucceeded(attempt);
    return use.email();
  }

  /**
   * The caller's identity in their home client; 401 when their user or token has gone meanwhile.
   */
  public Identity identity(Caller caller) {
    Client client = clients.find(caller.homeClient().id()).orElseThrow();
    // A shared token whose creator was deleted has no user: it answers with the creator's id alone.
    Optional<User> user =
        caller.user() == null
            ? Optional.empty()
            : Optional.of(
                users.find(caller.user().id()).orElseThrow(ServiceException::unauthorized));
    Identity.CallingToken token = null;
    if (caller.token() != null) {
      Usage usage = tokens.usage(caller.token()).orElseThrow(ServiceException::unauthorized);
      token = new Identity.CallingToken(caller.token().id(), caller.token().shared(), usage.id());
    }
    return identity(
        caller.actingUserId(), user, client, access.permissionsIn(caller, client), token);
  }

  private Identity identity(
      long id,
      Optional<User> found,
      Client client,
      PermissionSet actual,
      Identity.CallingToken token) {
    Optional<Partner> partner =
        client.technical() && client.partnerId() != null
            ? Optional.of(clients.findPartner(client.partnerId()).orElseThrow())
            : Optional.empty();
    Long partnerId = partner.map(Partner::id).orElse(null);
    String partnerUuid = partner.map(Partner::uuid).orElse(null);
    if (found.isEmpty()) {
      return new Identity(
          id,
          null,
          client.id(),
          client.name(),
          null,
          null,
          null,
          null,
          actual.ids(),
          null,
          null,
          null,
          partnerId,
          partnerUuid,
          token,
          null);
    }
    User user = found.get();
    return new Identity(
        user.id(),
        user.uuid(),
        client.id(),
        client.name(),
        user.email(),
        user.realname(),
        user.role().id(),
        user.permissionsAsWritten(),
        actual.ids(),
        user.enabled(),
        user.sso().id(),
        user.apiAccess(),
        partnerId,
        partnerUuid,
        token,
        null);
  }
}
