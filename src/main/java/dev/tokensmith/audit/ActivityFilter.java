package dev.tokensmith.audit;

import java.time.Instant;

/** What {@code GET /v2/activity_log} asks for; null fields do not filter. */
public record ActivityFilter(
    long clientId,
    String objectType,
    String action,
    Long actorId,
    Instant from,
    Instant to,
    int limit,
    int offset) {}
