package dev.tokensmith.users;

import java.util.Optional;

/**
 * Read access to users for other features (tokens, verification); changes go through {@link
 * UserService}.
 */
public final class UserDirectory {
  private final UserStore store;

  public UserDirectory(UserStore store) {
    this.store = store;
  }

  /** The user, or empty. */
  public Optional<User> find(long id) {
    return store.find(id);
  }

  /**
   * The user, their row locked until the caller's transaction ends; or empty. A change that depends
   * on a user's state (enabled, role) takes this lock before any token lock, the order every change
   * keeps.
   */
  public Optional<User> lock(long id) {
    return store.lock(id);
  }

  /** By e-mail, ignoring case; or empty. */
  public Optional<User> findByEmail(String email) {
    return store.findByEmail(email);
  }
}
