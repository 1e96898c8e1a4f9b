package dev.tokensmith.activity;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.Activity;
import dev.tokensmith.audit.ActivityFilter;
import dev.tokensmith.audit.ActivityLog;
import java.time.Instant;
import java.util.List;

/**
 * Reading the activity log (section 4.8): the records of one client the caller reaches, as the
 * caller may.
 */
public final class ActivityService {
  private final ActivityLog activity;
  private final Access access;

  public ActivityService(ActivityLog activity, Access access) {
    this.activity = activity;
    this.access = access;
  }

  /**
   * What a reader asks for. {@code clientId} null means the caller's own client; the other null
   * fields do not filter.
   */
  public record Search(
      Long clientId,
      String objectType,
      String action,
      Long actorId,
      Instant from,
      Instant to,
      int limit,
      int offset) {}

  /** The matching records, ordered by id; 403 without {@code activity_log:view} in the client. */
  public List<Activity> list(Caller caller, Search search) {
    return find(caller, search, "activity_log:view");
  }

  /** The same records for a download; 403 without {@code activity_log:export} as well. */
  public List<Activity> export(Caller caller, Search search) {
    return find(caller, search, "activity_log:export");
  }

  private List<Activity> find(Caller caller, Search search, String permission) {
    Account target = access.target(caller, search.clientId());
    access.require(caller, target, "activity_log:view");
    access.require(caller, target, permission);
    return activity.find(
        new ActivityFilter(
            target.id(),
            search.objectType(),
            search.action(),
            search.actorId(),
            search.from(),
            search.to(),
            search.limit(),
            search.offset()));
  }
}
