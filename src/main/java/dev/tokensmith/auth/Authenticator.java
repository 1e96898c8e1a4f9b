package dev.tokensmith.auth;

import dev.tokensmith.access.Caller;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.TooManyRequestsException;
import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.UsageRecorder;
import dev.tokensmith.tokens.Verification;
import dev.tokensmith.users.Session;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.web.Authentication;
import dev.tokensmith.web.Credentials;
import java.util.Optional;

/**
 * Turns a request's credentials into a {@link Caller} (section 3): a token header first, then the
 * legacy UUID + secret key pair (4.5), then the Console session (with its CSRF header on changes).
 * Failed attempts count against the source address; once over the limit they answer 429 instead of
 * 401. A valid token still passes from a limited address: a 320-bit secret cannot be guessed, and a
 * gateway's shared address must not lock out its good callers. A login also counts against its
 * account, and takes its places before the password is checked, so that neither concurrency nor
 * many addresses get more checks than the limits allow.
 */
public final class Authenticator implements Authentication {
  private final TokenVerifier verifier;
  private final SessionService sessions;
  private final UserDirectory users;
  private final ClientService clients;
  private final FailedAuthLimiter limiter;
  private final AccountLoginLimiter accounts;
  private final UsageRecorder usage;
  private final VerificationMetrics outcomes;

  public Authenticator(
      TokenVerifier verifier,
      SessionService sessions,
      UserDirectory users,
      ClientService clients,
      FailedAuthLimiter limiter,
      AccountLoginLimiter accounts,
      UsageRecorder usage,
      VerificationMetrics outcomes) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.users = users;
    this.clients = clients;
    this.limiter = limiter;
    this.accounts = accounts;
    this.usage = usage;
    this.outcomes = outcomes;
  }

  /** The caller, or 401 / 403 (CSRF) / 429. */
  @Override
  public Caller authenticate(Credentials credentials) {
    if (credentials.token() != null) {
      return caller(verifier.verify(credentials.token(), credentials.ip(), false), credentials);
    }
    if (legacyPair(credentials)) {
      return caller(
          verifier.verifyLegacy(
              credentials.legacyUuid(), credentials.legacySecret(), credentials.ip(), false),
          credentials);
    }
    if (credentials.sessionCookie() != null) {
      return session(credentials).orElseThrow(() -> failed(credentials.ip()));
    }
    throw ServiceException.unauthorized();
  }

  /**
   * The caller when memory alone can tell (a token in the verification cache), or empty when the
   * database is needed (a cache miss, a session). A cached refusal throws like {@link
   * #authenticate}. Never blocks.
   */
  @Override
  public Optional<Caller> authenticateCached(Credentials credentials) {
    if (credentials.token() == null && legacyPair(credentials)) {
      return verifier
          .verifyLegacyCached(
              credentials.legacyUuid(), credentials.legacySecret(), credentials.ip(), false)
          .map(v -> caller(v, credentials));
    }
    if (credentials.token() == null) {
      if (credentials.sessionCookie() == null) {
        throw ServiceException.unauthorized();
      }
      return Optional.empty();
    }
    return verifier
        .verifyCached(credentials.token(), credentials.ip(), false)
        .map(v -> caller(v, credentials));
  }

  @Override
  public Caller authenticateNodeRegistration(Credentials credentials) {
    if (credentials.token() == null && legacyPair(credentials)) {
      return caller(
          verifier.verifyLegacy(
              credentials.legacyUuid(), credentials.legacySecret(), credentials.ip(), true),
          credentials);
    }
    if (credentials.token() == null) {
      // A session is a good credential, only not one this endpoint takes: no failure to count.
      throw ServiceException.unauthorized();
    }
    return caller(verifier.verify(credentials.token(), credentials.ip(), true), credentials);
  }

  // Either header of the legacy pair (4.5) makes it the credential: one without the other fails.
  private static boolean legacyPair(Credentials credentials) {
    return credentials.legacyUuid() != null || credentials.legacySecret() != null;
  }

  private Caller caller(Verification result, Credentials credentials) {
    outcomes.count(result);
    if (result instanceof Verification.Verified v) {
      usage.used(v, credentials.ip());
      return new Caller(v.owner(), v.ownerClient(), v.token(), v.tokenClient(), credentials.ip());
    }
    throw failed(credentials.ip());
  }

  private Optional<Caller> session(Credentials credentials) {
    Optional<Session> session = sessions.resolve(credentials.sessionCookie());
    if (session.isEmpty()) {
      return Optional.empty();
    }
    Optional<User> user = users.find(session.get().userId()).filter(User::enabled);
    Optional<Client> client = user.flatMap(u -> clients.find(u.clientId())).filter(Client::enabled);
    if (client.isEmpty()) {
      return Optional.empty();
    }
    if (credentials.stateChanging()
        && !sessions.csrfMatches(session.get(), credentials.csrfHeader())) {
      throw ServiceException.forbidden();
    }
    return Optional.of(new Caller(user.get(), client.get(), null, null, credentials.ip()));
  }

  /** The session behind a cookie, for logout; empty when there is none. */
  public Optional<Session> session(String cookie) {
    return sessions.resolve(cookie);
  }

  /** A login allowed to check its password: it holds a place of its address and of its account. */
  public record LoginAttempt(
      FailedAuthLimiter.Attempt address, AccountLoginLimiter.Attempt account) {}

  /**
   * Takes the places of one login before its password is checked: 429 when the address or the
   * account (the e-mail in any case, known or not: both answer alike) has no place left this
   * minute. The places count as failures unless {@link #loginSucceeded} gives them back.
   */
  public LoginAttempt beginLogin(String ip, String email) {
    FailedAuthLimiter.Attempt address = limiter.reserve(ip);
    if (!address.allowed()) {
      throw new TooManyRequestsException(address.retryAfterSeconds());
    }
    AccountLoginLimiter.Attempt account = accounts.reserve(email);
    if (!account.allowed()) {
      // No password is checked: the address gets its place back.
      limiter.release(address);
      throw new TooManyRequestsException(account.retryAfterSeconds());
    }
    return new LoginAttempt(address, account);
  }

  /**
   * Takes the place of one attempt with a one-time code (no account to count against) before it is
   * checked: 429 when the address has no place left this minute. The place counts as a failure
   * unless {@link #attemptSucceeded} gives it back.
   */
  public FailedAuthLimiter.Attempt beginAttempt(String ip) {
    FailedAuthLimiter.Attempt address = limiter.reserve(ip);
    if (!address.allowed()) {
      throw new TooManyRequestsException(address.retryAfterSeconds());
    }
    return address;
  }

  /** An attempt with a one-time code succeeded: its place goes back. */
  public void attemptSucceeded(FailedAuthLimiter.Attempt attempt) {
    limiter.release(attempt);
  }

  /** A login's e-mail and password did not open a session (counted for the metrics). */
  public void loginFailed() {
    outcomes.loginFailed();
  }

  /** A login succeeded: it was not a failure, and its places go back. */
  public void loginSucceeded(LoginAttempt attempt) {
    limiter.release(attempt.address());
    accounts.release(attempt.account());
  }

  /**
   * Counts a failed token or cookie and returns the error to answer with: 401, or 429 once the
   * limit was already reached.
   */
  @Override
  public ServiceException failed(String ip) {
    long retryAfter = limiter.recordFailure(ip);
    return retryAfter > 0
        ? new TooManyRequestsException(retryAfter)
        : ServiceException.unauthorized();
  }
}
