package dev.tokensmith.audit;

import java.util.List;

/** Storage of activity records: append and query, never update. */
interface ActivityStore {

  void insert(Activity activity);

  /** Appends many records with one batched statement (a background job's batch). */
  void insertAll(List<Activity> activities);

  /** Records matching the filter, ordered by id. */
  /** The matching records, newest first. */
  List<Activity> find(ActivityFilter filter);

  /** How many records match (the filter's window aside). */
  long count(ActivityFilter filter);
}
