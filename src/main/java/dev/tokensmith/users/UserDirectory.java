package dev.tokensmith.users;

import java.util.List;
import java.util.Optional;

/** Read access to users for other features (tokens, verification); changes go through {@link UserService}. */
public final class UserDirectory {
  private final UserStore store;

  public UserDirectory(UserStore store) {
    this.store = store;
  }

  /** The user, or empty. */
  public Optional<User> find(long id) {
    return store.find(id);
  }

  /** By e-mail, ignoring case; or empty. */
  public Optional<User> findByEmail(String email) {
    return store.findByEmail(email);
  }

  /** Users of one client matching the optional filters, ordered by id. */
  public List<User> list(long clientId, Long id, String email, Boolean enabled, int limit, int offset) {
    return store.list(clientId, id, email, enabled, limit, offset);
  }
}
