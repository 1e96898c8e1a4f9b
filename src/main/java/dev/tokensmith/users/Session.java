package dev.tokensmith.users;

import java.time.Instant;

/** A Console login. Only digests of the cookie value and of the CSRF token are stored. */
public record Session(
    String digest, long userId, String csrfDigest, Instant createAt, Instant expireAt) {}
