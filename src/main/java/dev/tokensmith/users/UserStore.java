package dev.tokensmith.users;

import java.util.List;
import java.util.Optional;

/** Storage of users. */
public interface UserStore {

  Optional<User> find(long id);

  /** By e-mail, ignoring case. */
  Optional<User> findByEmail(String email);

  /** Users of one client matching the optional filters, ordered by id. */
  List<User> list(long clientId, Long id, String email, Boolean enabled, int limit, int offset);

  long insert(User user);

  void update(User user);

  void recordLogin(long id, long atMillis);

  /** Replaces the password hash only while it is still {@code expected}: a re-hash never undoes a change meanwhile. */
  void replacePasswordHash(long id, String expected, String replacement);

  void delete(long id);

  /** Locks the client's row for the transaction, then counts its enabled users holding the role. */
  long lockClientAndCountEnabledWithRole(long clientId, String role);
}
