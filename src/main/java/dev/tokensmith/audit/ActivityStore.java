package dev.tokensmith.audit;

import java.util.List;

/** Storage of activity records: append and query, never update. */
interface ActivityStore {

  void insert(Activity activity);

  /** Appends many records with one batched statement (a background job's batch). */
  void insertAll(List<Activity> activities);

  /**
   * The matching records in the filter's window, newest first: by id, or within a time range by
   * time, then id; a keyset window starts past the record of its id in that order.
   */
  List<Activity> find(ActivityFilter filter);

  /** How many records match (the filter's window aside). */
  long count(ActivityFilter filter);
}
