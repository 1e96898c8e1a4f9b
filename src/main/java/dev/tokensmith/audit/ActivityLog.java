package dev.tokensmith.audit;

import dev.tokensmith.keys.TokenSecrets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes and reads the audit trail. A record is written inside the transaction of the change it
 * describes, so there is never a change without its record or a record without its change.
 */
public final class ActivityLog {
  private final ActivityStore store;
  private final Clock clock;

  public ActivityLog(ActivityStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Records a successful action. */
  public void record(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action,
      Map<String, List<Object>> changes) {
    write(origin, clientId, objectType, objectId, objectName, action, "success", changes);
  }

  /** One successful action for {@link #recordAll}. */
  public record Entry(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action,
      Map<String, List<Object>> changes) {}

  /** Records one successful action. */
  public void record(Entry e) {
    store.insert(success(e));
  }

  /**
   * Records many successful actions at once, each exactly as {@link #record} would: a background
   * job's batch writes its records with one batched statement.
   */
  public void recordAll(List<Entry> entries) {
    store.insertAll(entries.stream().map(this::success).toList());
  }

  private Activity success(Entry e) {
    return activity(
        e.origin(),
        e.clientId(),
        e.objectType(),
        e.objectId(),
        e.objectName(),
        e.action(),
        "success",
        e.changes());
  }

  /** Records an action that was refused (a failed login). */
  public void recordFailure(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action) {
    write(origin, clientId, objectType, objectId, objectName, action, "failure", Map.of());
  }

  /** Records an action that was refused, with what tells why (never a secret). */
  public void recordFailure(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action,
      Map<String, List<Object>> changes) {
    write(origin, clientId, objectType, objectId, objectName, action, "failure", changes);
  }

  private void write(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action,
      String outcome,
      Map<String, List<Object>> changes) {
    store.insert(
        activity(origin, clientId, objectType, objectId, objectName, action, outcome, changes));
  }

  private Activity activity(
      Origin origin,
      Long clientId,
      String objectType,
      Long objectId,
      String objectName,
      String action,
      String outcome,
      Map<String, List<Object>> changes) {
    Actor actor =
        new Actor(origin.actor().type(), origin.actor().id(), scrub(origin.actor().name()));
    Map<String, List<Object>> scrubbed = new LinkedHashMap<>();
    changes.forEach(
        (field, values) -> scrubbed.put(field, values.stream().map(ActivityLog::scrub).toList()));
    return new Activity(
        0,
        clock.instant(),
        clientId,
        objectType,
        objectId,
        scrub(objectName),
        action,
        outcome,
        actor,
        origin.source(),
        origin.ip(),
        scrubbed);
  }

  // Names come from callers (a failed login records the e-mail as typed): a secret pasted there is
  // not kept.
  private static <T> T scrub(T value) {
    @SuppressWarnings("unchecked")
    T masked = (T) "[secret removed]";
    return value instanceof String text && TokenSecrets.containsSecret(text) ? masked : value;
  }

  /** Records of one client matching the filter, newest first. */
  public List<Activity> find(ActivityFilter filter) {
    return store.find(filter);
  }

  /** How many records of one client match the filter. */
  public long count(ActivityFilter filter) {
    return store.count(filter);
  }

  /** A change set builder: only fields whose value really changed are kept. */
  public static Changes changes() {
    return new Changes();
  }

  /** Field → [old, new], in the order added. */
  public static final class Changes {
    private final Map<String, List<Object>> fields = new LinkedHashMap<>();

    public Changes put(String field, Object before, Object after) {
      if (!Objects.equals(before, after)) {
        fields.put(field, new ArrayList<>(Arrays.asList(before, after)));
      }
      return this;
    }

    public boolean isEmpty() {
      return fields.isEmpty();
    }

    public Map<String, List<Object>> map() {
      return fields;
    }
  }
}
