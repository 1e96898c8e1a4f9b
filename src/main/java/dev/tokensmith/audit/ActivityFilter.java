package dev.tokensmith.audit;

import dev.tokensmith.storage.Window;
import java.time.Instant;

/** What {@code GET /v2/activity_log} asks for, newest first; null fields do not filter. */
public record ActivityFilter(
    long clientId,
    String objectType,
    String action,
    Long actorId,
    Instant from,
    Instant to,
    Window window) {

  /** The same filter over another window. */
  public ActivityFilter with(Window other) {
    return new ActivityFilter(clientId, objectType, action, actorId, from, to, other);
  }
}
