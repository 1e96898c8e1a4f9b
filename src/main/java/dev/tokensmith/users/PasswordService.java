package dev.tokensmith.users;

import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.storage.Database;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's own password: changed with the current one, or set through a one-time link; and the
 * reset link the command line prints. The slow hashing is done before each transaction, so it holds
 * no connection or lock.
 */
public final class PasswordService {
  private final Database db;
  private final UserStore users;
  private final SessionService sessions;
  private final PasswordLinks links;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final ActivityLog activity;

  public PasswordService(
      Database db,
      UserStore users,
      SessionService sessions,
      PasswordLinks links,
      PasswordHasher hasher,
      PasswordPolicy policy,
      ActivityLog activity) {
    this.db = db;
    this.users = users;
    this.sessions = sessions;
    this.links = links;
    this.hasher = hasher;
    this.policy = policy;
    this.activity = activity;
  }

  /** How a password change ended (a refused new password is a 400 instead). */
  public enum Change {
    CHANGED,
    WRONG_PASSWORD
  }

  /**
   * The outcome of using a link: {@code USABLE} means the password was set, for the user with
   * {@code email} (null otherwise).
   */
  public record LinkUse(PasswordLinks.State state, String email) {}

  /**
   * Changes the password of user {@code userId} from {@code current} to {@code next} and ends their
   * other sessions (all but {@code sessionCookie}'s); an outstanding link is taken back. A wrong
   * current password changes nothing and is recorded as a failure; 400 {@code new_password} when
   * the new one breaks the rules; 409 when the password was changed meanwhile.
   */
  public Change change(
      long userId, String sessionCookie, String current, String next, Origin origin) {
    User user = users.find(userId).orElseThrow(ServiceException::unauthorized);
    String stored = user.passwordHash();
    boolean right;
    if (stored == null) {
      hasher.verifyDummy(current);
      right = false;
    } else {
      right = hasher.verify(current, stored);
    }
    if (!right) {
      db.inTransaction(
          () ->
              activity.recordFailure(
                  origin, user.clientId(), "user", user.id(), user.email(), "password_change"));
      return Change.WRONG_PASSWORD;
    }
    policy.require(next, user.email(), "new_password");
    String hash = hasher.hash(next);
    db.inTransaction(
        () -> {
          User locked = users.lock(userId).orElseThrow(ServiceException::unauthorized);
          if (!Objects.equals(locked.passwordHash(), stored)) {
            throw ServiceException.conflict("The password was changed meanwhile");
          }
          users.setPasswordHash(userId, hash);
          links.revoke(userId);
          sessions.endOthers(userId, sessionCookie);
          activity.record(
              origin,
              locked.clientId(),
              "user",
              locked.id(),
              locked.email(),
              "password_change",
              ActivityLog.changes().map());
        });
    return Change.CHANGED;
  }

  /**
   * Sets the password of a one-time link's user to {@code next}, once: the link is then used up,
   * and every session of the user ends. A wrong, used or expired code changes nothing; 400 {@code
   * new_password} when the new password breaks the rules (the link stays usable).
   */
  public LinkUse setPassword(String code, String next, String ip) {
    Optional<PasswordLink> found = links.find(code);
    PasswordLinks.State state = found.map(links::state).orElse(PasswordLinks.State.UNKNOWN);
    // A disabled user's link sets nothing (disabling revokes it; this covers a race with that).
    Optional<User> user = found.flatMap(link -> users.find(link.userId())).filter(User::enabled);
    if (state != PasswordLinks.State.USABLE || user.isEmpty()) {
      return new LinkUse(user.isEmpty() ? PasswordLinks.State.UNKNOWN : state, null);
    }
    policy.require(next, user.get().email(), "new_password");
    String hash = hasher.hash(next);
    return db.inTransaction(
        () -> {
          // The user's row before the link's, the order an invitation takes them in.
          Optional<User> locked = users.lock(user.get().id()).filter(User::enabled);
          Optional<PasswordLink> link = locked.flatMap(u -> links.lock(code));
          if (link.isEmpty()) {
            return new LinkUse(PasswordLinks.State.UNKNOWN, null);
          }
          PasswordLinks.State now = links.state(link.get());
          if (now != PasswordLinks.State.USABLE) {
            return new LinkUse(now, null);
          }
          User u = locked.get();
          links.markUsed(link.get());
          users.setPasswordHash(u.id(), hash);
          sessions.endAll(u.id());
          activity.record(
              new Origin(new Actor("user", u.id(), u.email()), "ui", ip),
              u.clientId(),
              "user",
              u.id(),
              u.email(),
              "password_set",
              ActivityLog.changes().map());
          return new LinkUse(PasswordLinks.State.USABLE, u.email());
        });
  }

  /** A link issued for the user with this e-mail (as stored), to be shown once. */
  public record ResetLink(String email, String url) {
    @Override
    public String toString() {
      return "ResetLink[" + email + "]";
    }
  }

  /**
   * A new one-time link for the user with {@code email} (any case), issued by the system (the
   * command line); empty when there is no such user.
   */
  public Optional<ResetLink> resetLink(String email) {
    return db.inTransaction(
        () ->
            users
                .findByEmail(email)
                .flatMap(found -> users.lock(found.id()))
                .map(user -> new ResetLink(user.email(), links.issueToShow(user, Origin.SYSTEM))));
  }
}
