package dev.tokensmith.users;

import java.util.Optional;

/** Storage of Console sessions. */
interface SessionStore {

  void insert(Session session);

  Optional<Session> find(String digest);

  void delete(String digest);

  void deleteByUser(long userId);

  /** Deletes every session of the user but the one with this digest. */
  void deleteByUserExcept(long userId, String digest);

  int deleteExpired(long nowMillis);
}
