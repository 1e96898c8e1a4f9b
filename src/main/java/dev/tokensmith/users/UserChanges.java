package dev.tokensmith.users;

import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;

/**
 * What follows elsewhere when a user changes (their tokens, above all). Called by {@link
 * UserService} inside the change's transaction, after the user's row is written and while it is
 * locked, so the user change and everything that follows from it commit or roll back as one.
 */
public interface UserChanges {

  /**
   * The user was disabled: what they own stops working (it is not brought back when they return).
   */
  void disabled(User user, Origin origin);

  /**
   * The user was enabled again: what followed their disable is complete before they return (their
   * tokens stay disabled).
   */
  default void enabled(User user, Origin origin) {}

  /** The user lost API access (single sign-on without API access): their tokens stop working. */
  void apiAccessRevoked(User user, Origin origin);

  /**
   * The user moved from password login to single sign-on ({@code sso} or {@code strict}): what
   * belongs to their old credentials (a legacy pair) ends for good.
   */
  void ssoStarted(User user, Origin origin);

  /** The user's role or permission list changed: what they own narrows to it, for good. */
  void permissionsChanged(User user, Client userClient, Origin origin);

  /** The user's name changed: what shows or orders by it follows. */
  void renamed(User user);

  /** The user is being deleted: what they own goes with them. */
  void deleted(User user, Origin origin);
}
