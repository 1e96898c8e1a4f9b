package dev.tokensmith.tokens;

import dev.tokensmith.storage.SeekPast;
import dev.tokensmith.storage.Window;

/**
 * A list request on one client's tokens. {@code visibleTo} restricts to one owner's personal tokens
 * (null = every token of the client, for admins); the other fields are the caller's filters, the
 * order (then by id, the same way) and where the page starts.
 *
 * @param after past which row of the order the page starts (a seek cursor), or null
 */
record TokenQuery(
    long clientId,
    Long visibleTo,
    Long userId,
    Boolean enabled,
    String realname,
    Boolean shared,
    TokenOrder order,
    boolean descending,
    SeekPast after,
    Window window) {

  /** A list in id order, paged by {@code window} (its keyset or offset). */
  TokenQuery(
      long clientId,
      Long visibleTo,
      Long userId,
      Boolean enabled,
      String realname,
      Boolean shared,
      Window window) {
    this(
        clientId, visibleTo, userId, enabled, realname, shared, TokenOrder.ID, false, null, window);
  }
}
