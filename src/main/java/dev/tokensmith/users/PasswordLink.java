package dev.tokensmith.users;

import java.time.Instant;

/**
 * A one-time link to set a user's password (an invitation or a reset). Only the keyed digest of its
 * code is stored; {@code usedAt} is null until the link is used.
 */
record PasswordLink(
    long userId, String digest, Instant createAt, Instant expireAt, Instant usedAt) {}
