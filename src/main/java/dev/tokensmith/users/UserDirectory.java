package dev.tokensmith.users;

import dev.tokensmith.storage.Window;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The enabled administrators of a client (its users whose role administers it: Administrator, and
   * Global Administrator in a partner's technical tenant), by id; empty when it has none.
   */
  public List<User> admins(long clientId) {
    List<User> admins = new ArrayList<>();
    int page = 1000;
    Long after = null;
    while (true) {
      List<User> users = store.list(List.of(clientId), true, new Window(page, 0, after));
      users.stream().filter(u -> u.role().administers()).forEach(admins::add);
      if (users.size() < page) {
        return admins;
      }
      after = users.get(users.size() - 1).id();
    }
  }

  /** By e-mail, ignoring case; or empty. */
  public Optional<User> findByEmail(String email) {
    return store.findByEmail(email);
  }
}
