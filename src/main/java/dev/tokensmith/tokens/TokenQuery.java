package dev.tokensmith.tokens;

import dev.tokensmith.storage.Window;

/**
 * A list request on one client's tokens. {@code visibleTo} restricts to one owner's personal tokens
 * (null = every token of the client, for admins); the other fields are the caller's filters.
 */
record TokenQuery(
    long clientId,
    Long visibleTo,
    Long userId,
    Boolean enabled,
    String realname,
    Boolean shared,
    Window window) {}
