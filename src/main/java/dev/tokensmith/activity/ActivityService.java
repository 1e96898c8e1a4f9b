package dev.tokensmith.activity;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.Activity;
import dev.tokensmith.audit.ActivityFilter;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.storage.Window;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

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

  /** How many records an export reads at a time. */
  private static final int EXPORT_BATCH = 500;

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
      Window window) {}

  /** The matching records, newest first; 403 without {@code activity_log:view} in the client. */
  public List<Activity> list(Caller caller, Search search) {
    return activity.find(filter(caller, search, "activity_log:view"));
  }

  /** How many records match, whatever the window. */
  public long count(Caller caller, Search search) {
    return activity.count(filter(caller, search, "activity_log:view"));
  }

  /**
   * Every matching record, newest first, to {@code each}, whatever the window: read by keyset in
   * batches, so an export of any size holds one batch in memory; records added meanwhile are left
   * out. 403 without {@code activity_log:export} as well, before anything is read.
   */
  public void export(Caller caller, Search search, Consumer<Activity> each) {
    ActivityFilter filter = filter(caller, search, "activity_log:export");
    Long after = null;
    while (true) {
      List<Activity> batch = activity.find(filter.with(new Window(EXPORT_BATCH, 0, after)));
      batch.forEach(each);
      if (batch.size() < EXPORT_BATCH) {
        return;
      }
      after = batch.get(batch.size() - 1).id();
    }
  }

  private ActivityFilter filter(Caller caller, Search search, String permission) {
    Account target = access.target(caller, search.clientId());
    access.require(caller, target, "activity_log:view");
    access.require(caller, target, permission);
    return new ActivityFilter(
        target.id(),
        search.objectType(),
        search.action(),
        search.actorId(),
        search.from(),
        search.to(),
        search.window());
  }
}
