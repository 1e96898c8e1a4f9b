package dev.tokensmith.activity;

import dev.tokensmith.audit.Activity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One activity record on the wire (section 4.8). */
record ActivityView(
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
    Map<String, List<Object>> changes) {

  /** Who did it: {@code type} is user, api_token, node or system. */
  record Actor(String type, Long id, String name) {}

  static ActivityView of(Activity a) {
    return new ActivityView(
        a.id(),
        a.time(),
        a.clientId(),
        a.objectType(),
        a.objectId(),
        a.objectName(),
        a.action(),
        a.outcome(),
        new Actor(a.actor().type(), a.actor().id(), a.actor().name()),
        a.source(),
        a.ip(),
        a.changes());
  }
}
