package dev.tokensmith.tokens;

/** A change of one token: the token as read under its lock, and as it is to be written. */
public record TokenChange(ApiToken before, ApiToken after) {}
