package dev.tokensmith.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One audit record. {@code changes} maps a field to {@code [old, new]}; it never holds a secret (a
 * token is named by its {@code secret_hint} at most).
 */
public record Activity(
    long id,
    Instant time,
    Long clientId,
    String objectType,
    Long objectId,
    String objectName,
    String action,
    String outcome,
    Actor actor,
    String source,
    String ip,
    Map<String, List<Object>> changes) {}
