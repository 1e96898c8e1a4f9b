package dev.tokensmith.sso;

import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.users.UserService;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The single sign-on login (4.6): the start sends the browser to the client's IdP with state, nonce
 * and a PKCE challenge, kept here one-time, short-lived and bound to the browser by a cookie; the
 * callback exchanges the code, checks the ID token and opens the ordinary Console session.
 */
public final class SsoLogin {
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
  private static final String ROLE_PREFIX = "wallarm_role:";

  private final SsoStore store;
  private final OidcProvider provider;
  private final ClientService clients;
  private final UserDirectory directory;
  private final UserService users;
  private final SessionService sessions;
  private final Catalogue catalogue;
  private final TokenSecrets secrets;
  private final ActivityLog activity;
  private final Clock clock;

  public SsoLogin(
      SsoStore store,
      OidcProvider provider,
      ClientService clients,
      UserDirectory directory,
      UserService users,
      SessionService sessions,
      Catalogue catalogue,
      TokenSecrets secrets,
      ActivityLog activity,
      Clock clock) {
    this.store = store;
    this.provider = provider;
    this.clients = clients;
    this.directory = directory;
    this.users = users;
    this.sessions = sessions;
    this.catalogue = catalogue;
    this.secrets = secrets;
    this.activity = activity;
    this.clock = clock;
  }

  /** Where to send the browser, and the value of the cookie that binds the login to it. */
  public record Start(URI location, String browserCookie) {
    @Override
    public String toString() {
      return "Start[" + location.getHost() + "]";
    }
  }

  /**
   * Starts a login for the client whose SSO claims the e-mail's domain (or the client with the
   * uuid): 404 when none has SSO enabled, 503 when its IdP cannot be reached.
   */
  public Start start(String email, String clientUuid, URI redirectUri) {
    Optional<SsoSettings> found =
        email != null ? store.findByDomain(domainOf(email)) : store.findByClientUuid(clientUuid);
    SsoSettings settings = found.filter(this::open).orElseThrow(ServiceException::notFound);
    OidcProvider.Idp idp;
    try {
      idp = provider.idp(settings.issuer(), settings.oidcClientId());
    } catch (SsoFailure e) {
      throw ServiceException.unavailable();
    }
    String state = secrets.generateSessionValue();
    String nonce = secrets.generateSessionValue();
    String browser = secrets.generateSessionValue();
    String verifier = new CodeVerifier().getValue();
    store.deleteExpired(clock.millis());
    store.insertPending(
        new SsoStore.Pending(
            secrets.digest(state),
            secrets.digest(browser),
            settings.clientId(),
            nonce,
            verifier,
            redirectUri.toString(),
            clock.instant().plus(PENDING_LIFETIME).toEpochMilli()));
    URI location =
        provider.authorizationUri(
            idp, settings.oidcClientId(), redirectUri, state, nonce, verifier, email);
    return new Start(location, browser);
  }

  /**
   * True when a login can start for the e-mail's domain: exactly when {@link #start} would send the
   * browser to an IdP rather than answer 404 (the IdP's reachability aside).
   */
  public boolean offered(String email) {
    return store.findByDomain(domainOf(email)).filter(this::open).isPresent();
  }

  // SSO enabled, for a client that is enabled.
  private boolean open(SsoSettings settings) {
    return settings.enabled()
        && clients.find(settings.clientId()).map(Client::enabled).orElse(false);
  }

  /**
   * Completes a login: the Console session of the user the IdP vouches for. 401 (and an activity
   * record of why) when any check fails: unknown, replayed or expired state, another browser, an
   * IdP error, a code or ID token that does not pass, an e-mail outside the client's domains or of
   * another client's user, an unknown role, a user that cannot be created or is disabled.
   */
  public SessionService.Login callback(
      String code, String state, String error, String browserCookie, String ip) {
    Origin origin = new Origin(new Actor("user", null, "(sso)"), "ui", ip);
    Long clientId = null;
    try {
      if (state == null || state.length() > 100) {
        throw new SsoFailure("state_missing", null);
      }
      SsoStore.Pending pending =
          secrets.lookupDigests(state).stream()
              .map(store::takePending)
              .flatMap(Optional::stream)
              .findFirst()
              .orElseThrow(() -> new SsoFailure("state_unknown", null));
      clientId = pending.clientId();
      if (pending.expireAt() < clock.millis()) {
        throw new SsoFailure("state_expired", null);
      }
      if (browserCookie == null
          || browserCookie.length() > 100
          || !secrets.matchesDigest(browserCookie, pending.browserDigest())) {
        throw new SsoFailure("browser_mismatch", null);
      }
      if (pending.codeVerifier() == null || pending.codeVerifier().isBlank()) {
        // Without the PKCE verifier the code cannot be redeemed as this login's.
        throw new SsoFailure("verifier_missing", null);
      }
      if (error != null || code == null || code.length() > 2048) {
        throw new SsoFailure("idp_error", null);
      }
      SsoSettings settings =
          store
              .find(pending.clientId())
              .filter(SsoSettings::enabled)
              .orElseThrow(() -> new SsoFailure("sso_disabled", null));
      Client client =
          clients
              .find(settings.clientId())
              .filter(Client::enabled)
              .orElseThrow(() -> new SsoFailure("client_disabled", null));
      String secret =
          settings.sealedSecret() == null
              ? null
              : secrets.openSsoSecret(settings.sealedSecret(), settings.clientId());
      IDTokenClaimsSet claims =
          provider.exchange(
              provider.idp(settings.issuer(), settings.oidcClientId()),
              settings.oidcClientId(),
              secret,
              code,
              URI.create(pending.redirectUri()),
              pending.codeVerifier(),
              pending.nonce());
      return signIn(settings, client, claims, ip);
    } catch (SsoFailure e) {
      activity.recordFailure(
          origin,
          clientId,
          "session",
          null,
          "(sso)",
          "login_failed",
          ActivityLog.changes().put("sso", null, e.reason()).map());
      throw ServiceException.unauthorized();
    }
  }

  private SessionService.Login signIn(
      SsoSettings settings, Client client, IDTokenClaimsSet claims, String ip) {
    String email = claims.getStringClaim("email");
    if (email == null || email.length() > 320 || email.indexOf('@') < 1) {
      throw new SsoFailure("no_email", null);
    }
    if (Boolean.FALSE.equals(claims.getBooleanClaim("email_verified"))) {
      throw new SsoFailure("email_not_verified", null);
    }
    if (!settings.emailDomains().contains(domainOf(email))) {
      throw new SsoFailure("domain_not_allowed", null);
    }
    Optional<Role> claimed = role(claims.getClaim(settings.roleClaim()), client);
    Optional<User> existing = directory.findByEmail(email);
    User user;
    if (existing.isPresent()) {
      user = existing.get();
      Origin origin = new Origin(new Actor("user", user.id(), user.email()), "ui", ip);
      if (user.clientId() != settings.clientId()) {
        throw new SsoFailure("other_client", null);
      }
      if (!user.enabled()) {
        throw new SsoFailure("user_disabled", null);
      }
      if (claimed.isPresent()) {
        user = users.assignRole(user.id(), catalogue.preset(claimed.get()), origin);
      }
      return sessions.open(user, origin);
    }
    if (!settings.provisioning()) {
      throw new SsoFailure("unknown_user", null);
    }
    Role role =
        claimed
            .or(() -> Optional.ofNullable(settings.defaultRole()).flatMap(Role::fromId))
            .orElseThrow(() -> new SsoFailure("no_role", null));
    String name = claims.getStringClaim("name");
    String realname = name == null || name.isBlank() || name.length() > 255 ? email : name;
    Grant grant = catalogue.preset(role);
    Origin system = new Origin(new Actor("user", null, email), "ui", ip);
    User created = users.provision(settings.clientId(), email, realname, grant, system);
    return sessions.open(
        created, new Origin(new Actor("user", created.id(), created.email()), "ui", ip));
  }

  // The role a claim names ("admin" or "wallarm_role:admin", alone or in a list): empty when the
  // claim is absent; a login is refused when it names something that is not a role of this
  // client.
  private static Optional<Role> role(Object claim, Client client) {
    if (claim == null) {
      return Optional.empty();
    }
    List<?> values = claim instanceof List<?> list ? list : List.of(claim);
    Role found = null;
    for (Object value : values) {
      if (!(value instanceof String text)) {
        throw new SsoFailure("unknown_role", null);
      }
      String id = text.startsWith(ROLE_PREFIX) ? text.substring(ROLE_PREFIX.length()) : text;
      Role role =
          Role.fromId(id)
              .filter(r -> r != Role.CUSTOM)
              .filter(r -> !r.global() || client.technical())
              .orElseThrow(() -> new SsoFailure("unknown_role", null));
      if (found == null) {
        found = role;
      }
    }
    return Optional.ofNullable(found);
  }

  static String domainOf(String email) {
    int at = email.lastIndexOf('@');
    return at < 0 ? "" : email.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
