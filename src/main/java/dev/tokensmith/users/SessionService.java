package dev.tokensmith.users;

import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console logins. The cookie value and the CSRF token are random 256-bit values shown to the
 * browser once; the database holds only their keyed digests.
 */
public final class SessionService {
  static final String INVALID_EMAIL = "(invalid)";
  // A local part (at most 64) of RFC 5322 "atext" in dot-separated runs; a domain (at most 255) of
  // letter/digit/hyphen labels in any script.
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?U)(?=[^@]{1,64}@)"
              + "[\\w!#$%&'*+/=?^`{|}~-]+(\\.[\\w!#$%&'*+/=?^`{|}~-]+)*"
              + "@(?=.{1,255}$)[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?"
              + "(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?)*");

  private final Database db;
  private final UserStore users;
  private final SessionStore sessions;
  private final PasswordHasher hasher;
  private final TokenSecrets secrets;
  private final ActivityLog activity;
  private final Clock clock;
  private final Duration lifetime;

  public SessionService(
      Database db,
      UserStore users,
      SessionStore sessions,
      PasswordHasher hasher,
      TokenSecrets secrets,
      ActivityLog activity,
      Clock clock,
      Duration lifetime) {
    this.db = db;
    this.users = users;
    this.sessions = sessions;
    this.hasher = hasher;
    this.secrets = secrets;
    this.activity = activity;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /**
   * A new login: the user, the cookie value and the CSRF token (both to hand to the browser once).
   */
  public record Login(User user, String cookie, String csrfToken) {
    @Override
    public String toString() {
      return "Login[user=" + user.id() + "]";
    }
  }

  /**
   * Checks the password and opens a session; empty when the e-mail is unknown, the password wrong,
   * the user or the login disabled. All cases cost the same password work. A password hash made
   * with fewer iterations than configured is replaced at a successful login. A failure is recorded
   * under the user's e-mail, or the e-mail as typed only when it is a well-formed address: what
   * else lands in the e-mail field (a pasted password or secret) is never stored.
   *
   * @param clientEnabled tells whether a client is enabled (its users cannot log in otherwise)
   */
  public Optional<Login> login(
      String email, String password, String ip, java.util.function.LongPredicate clientEnabled) {
    Optional<User> found = users.findByEmail(email);
    String stored = found.map(User::passwordHash).orElse(null);
    boolean ok;
    if (stored == null) {
      hasher.verifyDummy(password);
      ok = false;
    } else {
      ok = hasher.verify(password, stored);
    }
    User user = found.orElse(null);
    boolean allowed =
        ok && user.enabled() && user.sso() == Sso.NONE && clientEnabled.test(user.clientId());
    // Hashed before the transaction: the slow part holds no connection.
    String rehashed = allowed && hasher.needsRehash(stored) ? hasher.hash(password) : null;
    String name = user == null ? recordedEmail(email) : user.email();
    Origin origin = new Origin(new Actor("user", user == null ? null : user.id(), name), "ui", ip);
    return db.inTransaction(
        () -> {
          if (!allowed) {
            activity.recordFailure(
                origin,
                user == null ? null : user.clientId(),
                "session",
                user == null ? null : user.id(),
                name,
                "login_failed");
            return Optional.empty();
          }
          if (rehashed != null) {
            users.replacePasswordHash(user.id(), stored, rehashed);
          }
          return Optional.of(open(user, origin));
        });
  }

  /**
   * Opens a session for a user who proved who they are elsewhere (single sign-on); call inside a
   * transaction. The user must be enabled, in an enabled client: the caller checks.
   */
  public Login open(User user, Origin origin) {
    return db.inTransaction(
        () -> {
          String cookie = secrets.generateSessionValue();
          String csrf = secrets.generateSessionValue();
          Instant now = clock.instant();
          sessions.insert(
              new Session(
                  secrets.digest(cookie),
                  user.id(),
                  secrets.digest(csrf),
                  now,
                  now.plus(lifetime)));
          users.recordLogin(user.id(), now.toEpochMilli());
          activity.record(
              origin,
              user.clientId(),
              "session",
              user.id(),
              user.email(),
              "login",
              ActivityLog.changes().map());
          return new Login(users.find(user.id()).orElseThrow(), cookie, csrf);
        });
  }

  /**
   * The typed e-mail when it is a well-formed address of at most 320 characters, else {@code
   * "(invalid)"}.
   */
  static String recordedEmail(String typed) {
    return typed.length() <= 320 && EMAIL.matcher(typed).matches() ? typed : INVALID_EMAIL;
  }

  /** The live session of a cookie value, or empty when unknown or expired. */
  public Optional<Session> resolve(String cookie) {
    if (cookie == null || cookie.length() > 100) {
      return Optional.empty();
    }
    // Under any pepper held: during a pepper rotation, a session made before it still opens.
    return secrets.lookupDigests(cookie).stream()
        .map(sessions::find)
        .flatMap(Optional::stream)
        .findFirst()
        .filter(s -> clock.instant().isBefore(s.expireAt()));
  }

  /** True when the CSRF header matches the session's token (constant-time). */
  public boolean csrfMatches(Session session, String header) {
    return header != null
        && header.length() <= 100
        && secrets.matchesDigest(header, session.csrfDigest());
  }

  /** Ends a session. */
  public void logout(Session session, Origin origin, long clientId) {
    db.inTransaction(
        () -> {
          sessions.delete(session.digest());
          activity.record(
              origin,
              clientId,
              "session",
              session.userId(),
              null,
              "logout",
              ActivityLog.changes().map());
        });
  }

  /** Ends every session of a user (they are disabled or deleted). */
  public void endAll(long userId) {
    sessions.deleteByUser(userId);
  }

  /** Ends every session of a user but the one of {@code cookie} (they changed their password). */
  public void endOthers(long userId, String cookie) {
    String kept = resolve(cookie).map(Session::digest).orElseGet(() -> secrets.digest(cookie));
    sessions.deleteByUserExcept(userId, kept);
  }

  /** Forgets expired sessions; for the scheduler. */
  public int purgeExpired() {
    return sessions.deleteExpired(clock.millis());
  }
}
