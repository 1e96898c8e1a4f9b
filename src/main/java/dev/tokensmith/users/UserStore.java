package dev.tokensmith.users;

import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.Window;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of users. */
interface UserStore {

  Optional<User> find(long id);

  /**
   * The user, their row locked until the transaction ends (every change of a user reads them so);
   * or empty.
   */
  Optional<User> lock(long id);

  /** By e-mail, ignoring case. */
  Optional<User> findByEmail(String email);

  Optional<User> findByUuid(String uuid);

  /** Users of the clients (at least one), enabled or not when {@code enabled} is null, by id. */
  List<User> list(Collection<Long> clientIds, Boolean enabled, Window window);

  long insert(User user);

  /**
   * Writes the fields in which {@code after} differs from {@code before} (the user as read under
   * their lock).
   */
  void update(User before, User after);

  void recordLogin(long id, long atMillis);

  /**
   * Replaces the password hash only while it is still {@code expected}: a re-hash never undoes a
   * change meanwhile.
   */
  void replacePasswordHash(long id, String expected, String replacement);

  /** Writes a new password hash (call with the user's row locked). */
  void setPasswordHash(long id, String hash);

  void delete(long id);

  /** Every user of a client, locked in id order (a client-wide change of their sign-in). */
  List<User> lockByClient(long clientId);

  /**
   * Users with a custom list after {@code afterId}, at most {@code limit}, in id order, their rows
   * locked until the transaction ends (to narrow them to a changed catalogue, batch by batch).
   */
  List<User> lockCustom(long afterId, int limit);

  /**
   * Ids of the users holding {@code role} who own a personal token, after {@code afterId}, at most
   * {@code limit}, in order.
   */
  List<Long> idsHolding(Role role, long afterId, int limit);

  /** How many enabled users of the client hold the role. */
  long countEnabledWithRole(long clientId, String role);
}
