package dev.tokensmith.sso;

import dev.tokensmith.errors.TooManyRequestsException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Single sign-on (4.6): the settings of a client ({@code /v2/sso}) and the login through its IdP
 * ({@code /v1/sso/start}, {@code /v1/sso/callback}; {@code /v1/sso/domain} tells the login page
 * whether to offer it). The callback ends on the Console with the session cookie set and the CSRF
 * token in the URL's fragment, which the browser never sends to a server (nor in a Referer); the
 * Console takes it into memory and drops it from the address. Starts are limited per address (each
 * writes a login under way and may reach the IdP); the browser's cookie of a login is cleared by
 * its callback, whatever the outcome.
 */
public final class SsoApi implements Api {
  static final String BROWSER_COOKIE = "tks_sso";
  static final String CALLBACK_PATH = "/v1/sso/callback";
  private static final String CONSOLE = "/console/";

  private final SsoService settings;
  private final SsoLogin login;
  private final Optional<URI> publicUrl;
  private final String sessionCookieAttributes;
  private final String browserCookieAttributes;
  private final String browserCookieCleared;
  private final ToLongFunction<String> startLimiter;

  /**
   * @param startLimiter counts one start of an address: 0 while it is within its limit, else the
   *     seconds until it may start again
   */
  public SsoApi(
      SsoService settings,
      SsoLogin login,
      Optional<URI> publicUrl,
      Duration sessionLifetime,
      boolean secureCookie,
      ToLongFunction<String> startLimiter) {
    this.settings = settings;
    this.login = login;
    this.publicUrl = publicUrl;
    this.startLimiter = startLimiter;
    String secure = secureCookie ? "; Secure" : "";
    this.sessionCookieAttributes =
        "; Path=/; HttpOnly; SameSite=Strict" + secure + "; Max-Age=" + sessionLifetime.toSeconds();
    // Lax: the IdP sends the browser back by a cross-site navigation, which a Strict cookie misses.
    this.browserCookieAttributes =
        "; Path=/v1/sso; HttpOnly; SameSite=Lax"
            + secure
            + "; Max-Age="
            + SsoLogin.PENDING_LIFETIME.toSeconds();
    this.browserCookieCleared =
        BROWSER_COOKIE + "=; Path=/v1/sso; HttpOnly; SameSite=Lax" + secure + "; Max-Age=0";
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/sso", r -> settings.get(r.caller(), clientId(r)));
    routes.put("/v2/sso", this::put);
    routes.post("/v2/sso/test", this::test);
    routes.publicGet("/v1/sso/domain", this::domain);
    routes.publicGet("/v1/sso/start", this::start);
    routes.publicGet(CALLBACK_PATH, this::callback);
  }

  private static Long clientId(Request request) {
    return request.query().id("client_id").orElse(null);
  }

  private Object put(Request request) {
    Params body = request.body();
    SsoService.Put cmd =
        new SsoService.Put(
            body.bool("enabled").orElse(false),
            body.text("issuer", 600).orElse(null),
            body.text("client_id", 255).orElse(null),
            // Never echoed, not even in a validation error.
            body.secretText("client_secret", 1024).orElse(null),
            body.text("role_claim", 200).orElse(null),
            body.text("default_role", 64).orElse(null),
            body.bool("provisioning").orElse(false),
            body.bool("strict").orElse(false),
            body.texts("email_domains", 50, 255).orElse(List.of()));
    return settings.put(request.caller(), clientId(request), cmd);
  }

  private Object test(Request request) {
    String issuer = request.body().text("issuer", 600).orElse(null);
    return settings.test(request.caller(), clientId(request), issuer);
  }

  // Whether the e-mail's domain has SSO: what a start tells anyone, without starting a login.
  // Counted as a start, so asking costs what finding out by starting would.
  private Object domain(Request request) {
    long retryAfter = startLimiter.applyAsLong(request.ip());
    if (retryAfter > 0) {
      throw new TooManyRequestsException(retryAfter);
    }
    String email =
        request
            .query()
            .text("email", 320)
            .filter(e -> !e.isBlank())
            .orElseThrow(
                () -> ValidationException.of("email", ValidationException.Code.REQUIRED, null));
    return Map.of("sso", login.offered(email));
  }

  private Object start(Request request) {
    // Counted before anything is read: a malformed start costs its place too.
    long retryAfter = startLimiter.applyAsLong(request.ip());
    if (retryAfter > 0) {
      throw new TooManyRequestsException(retryAfter);
    }
    Params query = request.query();
    String email = query.text("email", 320).filter(e -> !e.isBlank()).orElse(null);
    String client = query.text("client", 36).filter(c -> !c.isBlank()).orElse(null);
    if (email == null && client == null) {
      throw ValidationException.of("email", ValidationException.Code.REQUIRED, null);
    }
    SsoLogin.Start start = login.start(email, client, redirectUri(request));
    return Reply.of(302, "Found")
        .header("Location", start.location().toString())
        .header(
            "Set-Cookie", BROWSER_COOKIE + "=" + start.browserCookie() + browserCookieAttributes)
        .header("Cache-Control", "no-store");
  }

  private Object callback(Request request) {
    Params query = request.query();
    SessionService.Login session;
    try {
      session =
          login.callback(
              query.secretText("code", 4096).orElse(null),
              query.secretText("state", 200).orElse(null),
              query.secretText("error", 200).orElse(null),
              request.cookie(BROWSER_COOKIE).orElse(null),
              request.ip());
    } catch (RuntimeException e) {
      // The login under way is used up either way: its cookie goes with it.
      return Reply.failure(e).cookie(browserCookieCleared).header("Cache-Control", "no-store");
    }
    return Reply.of(302, "Found")
        .header("Location", CONSOLE + "#sso_csrf=" + session.csrfToken())
        .cookie(Request.SESSION_COOKIE + "=" + session.cookie() + sessionCookieAttributes)
        .cookie(browserCookieCleared)
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer");
  }

  // Where the IdP sends the browser back: under the public URL when one is set, else the address
  // this request came to (a development set-up; the IdP checks it against its registered list).
  private URI redirectUri(Request request) {
    if (publicUrl.isPresent()) {
      String base = publicUrl.get().toString();
      return URI.create(
          (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH);
    }
    String host = request.authority();
    if (host == null || !host.matches("[A-Za-z0-9.\\-\\[\\]:]{1,300}")) {
      throw ValidationException.of("Host", ValidationException.Code.INVALID, null);
    }
    return URI.create("http://" + host + CALLBACK_PATH);
  }
}
