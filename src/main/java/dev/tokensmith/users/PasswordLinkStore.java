package dev.tokensmith.users;

import java.util.Optional;

/** Storage of one-time password links: at most one per user. */
interface PasswordLinkStore {

  /** Stores the user's link in place of the one they had (call with the user's row locked). */
  void replace(PasswordLink link);

  /** The link whose code has this digest, or empty. */
  Optional<PasswordLink> find(String digest);

  /** The same, its row locked until the transaction ends. */
  Optional<PasswordLink> lock(String digest);

  void markUsed(long userId, long atMillis);

  /** Deletes the user's link, if any. */
  void remove(long userId);
}
