package dev.tokensmith.sso;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.Database;
import dev.tokensmith.users.UserService;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client's single sign-on settings (4.6), read and written by its administrators. The IdP's
 * client secret is sealed under the master key on the way in and never answered.
 */
public final class SsoService {
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_:./-]{1,128}");

  private final Database db;
  private final SsoStore store;
  private final Access access;
  private final UserService users;
  private final TokenSecrets secrets;
  private final OidcProvider provider;
  private final ActivityLog activity;
  private final Clock clock;

  public SsoService(
      Database db,
      SsoStore store,
      Access access,
      UserService users,
      TokenSecrets secrets,
      OidcProvider provider,
      ActivityLog activity,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.access = access;
    this.users = users;
    this.secrets = secrets;
    this.provider = provider;
    this.activity = activity;
    this.clock = clock;
  }

  /** A write of the settings; a null {@code clientSecret} keeps the one stored, "" removes it. */
  public record Put(
      boolean enabled,
      String issuer,
      String oidcClientId,
      String clientSecret,
      String roleClaim,
      String defaultRole,
      boolean provisioning,
      boolean strict,
      List<String> emailDomains) {
    @Override
    public String toString() {
      return "Put[issuer=" + issuer + "]";
    }
  }

  /**
   * The settings of the client as answered (the secret only as {@code client_secret_set}); the
   * defaults when none were written. 403 unless the caller administers the client.
   */
  public Map<String, Object> get(Caller caller, Long clientId) {
    Account target = administered(caller, clientId);
    return view(store.find(target.id()).orElse(null));
  }

  /** True when the client's SSO is enabled and strict; for the users' side. */
  public boolean strict(long clientId) {
    return store.find(clientId).map(SsoSettings::strictInForce).orElse(false);
  }

  /**
   * Writes the settings: 400 for a malformed field, 409 when another client claims one of the
   * domains. Turning strict on moves every user of the client to SSO in the same transaction.
   */
  public Map<String, Object> put(Caller caller, Long clientId, Put cmd) {
    Account target = administered(caller, clientId);
    String issuer = checkIssuer(cmd.issuer());
    if (cmd.oidcClientId() == null || cmd.oidcClientId().isBlank()) {
      throw ValidationException.of("client_id", REQUIRED, cmd.oidcClientId());
    }
    String roleClaim = cmd.roleClaim() == null ? SsoSettings.DEFAULT_ROLE_CLAIM : cmd.roleClaim();
    if (!CLAIM.matcher(roleClaim).matches()) {
      throw ValidationException.of("role_claim", INVALID, roleClaim);
    }
    String defaultRole = cmd.defaultRole();
    if (defaultRole != null) {
      Role role =
          Role.fromId(defaultRole)
              .filter(r -> r != Role.CUSTOM)
              .orElseThrow(() -> ValidationException.of("default_role", INVALID, defaultRole));
      if (role.global() && !target.technical()) {
        throw ValidationException.of("default_role", NOT_ALLOWED, defaultRole);
      }
    }
    List<String> domains = checkDomains(cmd.emailDomains());
    if (cmd.enabled() && domains.isEmpty()) {
      throw ValidationException.of("email_domains", REQUIRED, domains);
    }
    return db.inTransaction(
        () -> {
          Optional<SsoSettings> before = store.find(target.id());
          for (String domain : domains) {
            Optional<Long> owner = store.domainOwner(domain);
            if (owner.isPresent() && owner.get() != target.id()) {
              throw ServiceException.conflict("Domain " + domain + " belongs to another client");
            }
          }
          String sealed =
              cmd.clientSecret() == null
                  ? before.map(SsoSettings::sealedSecret).orElse(null)
                  : cmd.clientSecret().isEmpty()
                      ? null
                      : secrets.sealSsoSecret(cmd.clientSecret(), target.id());
          SsoSettings after =
              new SsoSettings(
                  target.id(),
                  cmd.enabled(),
                  issuer,
                  cmd.oidcClientId(),
                  sealed,
                  roleClaim,
                  defaultRole,
                  cmd.provisioning(),
                  cmd.strict(),
                  domains);
          store.save(after, clock.millis());
          Map<String, Object> was = view(before.orElse(null));
          Map<String, Object> now = view(after);
          ActivityLog.Changes changes = ActivityLog.changes();
          now.forEach((field, value) -> changes.put(field, was.get(field), value));
          if (!changes.isEmpty()) {
            activity.record(
                caller.origin(), target.id(), "sso", target.id(), null, "update", changes.map());
          }
          if (after.strictInForce()) {
            users.moveClientToSso(target.id(), caller.origin());
          }
          return now;
        });
  }

  /**
   * Fetches the IdP's discovery document (of {@code issuer}, or of the stored settings when null)
   * and says what it found: {@code ok} and the endpoints, or {@code ok: false} and why.
   */
  public Map<String, Object> test(Caller caller, Long clientId, String issuer) {
    Account target = administered(caller, clientId);
    String tried =
        issuer != null
            ? checkIssuer(issuer)
            : store
                .find(target.id())
                .map(SsoSettings::issuer)
                .orElseThrow(() -> ValidationException.of("issuer", REQUIRED, null));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("issuer", tried);
    try {
      OIDCProviderMetadata metadata = provider.discover(tried);
      answer.put("ok", true);
      answer.put("authorization_endpoint", String.valueOf(metadata.getAuthorizationEndpointURI()));
      answer.put("token_endpoint", String.valueOf(metadata.getTokenEndpointURI()));
      answer.put("jwks_uri", String.valueOf(metadata.getJWKSetURI()));
      answer.put(
          "code_challenge_methods_supported",
          metadata.getCodeChallengeMethods() == null
              ? List.of()
              : metadata.getCodeChallengeMethods().stream().map(Object::toString).toList());
    } catch (SsoFailure e) {
      answer.put("ok", false);
      answer.put("error", "Could not read the discovery document of this issuer");
    }
    return answer;
  }

  private Account administered(Caller caller, Long clientId) {
    Account target = access.target(caller, clientId);
    if (!access.administers(caller, target)) {
      throw ServiceException.forbidden();
    }
    return target;
  }

  /** https, or http to a loopback address only (a local IdP in development). */
  static String checkIssuer(String issuer) {
    if (issuer == null || issuer.isBlank()) {
      throw ValidationException.of("issuer", REQUIRED, issuer);
    }
    URI uri;
    try {
      uri = new URI(issuer);
    } catch (Exception e) {
      throw ValidationException.of("issuer", INVALID, issuer);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok =
        uri.getHost() != null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getRawUserInfo() == null
            && issuer.length() <= 512
            && (scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()));
    if (!ok) {
      throw ValidationException.of("issuer", INVALID, issuer);
    }
    return issuer;
  }

  private static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name other than localhost: never resolved here
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }

  private static List<String> checkDomains(List<String> given) {
    List<String> domains = new ArrayList<>();
    for (String domain : given == null ? List.<String>of() : given) {
      String lower = domain.toLowerCase(Locale.ROOT);
      if (!DOMAIN.matcher(lower).matches()) {
        throw ValidationException.of("email_domains", INVALID, domain);
      }
      if (!domains.contains(lower)) {
        domains.add(lower);
      }
    }
    return domains;
  }

  private static Map<String, Object> view(SsoSettings s) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("enabled", s != null && s.enabled());
    view.put("issuer", s == null ? null : s.issuer());
    view.put("client_id", s == null ? null : s.oidcClientId());
    view.put("client_secret_set", s != null && s.sealedSecret() != null);
    view.put("role_claim", s == null ? SsoSettings.DEFAULT_ROLE_CLAIM : s.roleClaim());
    view.put("default_role", s == null ? null : s.defaultRole());
    view.put("provisioning", s != null && s.provisioning());
    view.put("strict", s != null && s.strict());
    view.put("email_domains", s == null ? List.of() : s.emailDomains());
    return view;
  }
}
