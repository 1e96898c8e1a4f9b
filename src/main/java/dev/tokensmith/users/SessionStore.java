package dev.tokensmith.users;

import java.util.Optional;

/** Storage of Console sessions. */
interface SessionStore {

  void insert(Session session);

  Optional<Session> find(String digest);

  void delete(String digest);

  void deleteByUser(long userId);

  int deleteExpired(long nowMillis);
}
