package dev.tokensmith.notify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of the outbox. */
interface NoticeStore {

  void insert(Notice notice);

  Optional<Notice> find(String id);

  /**
   * Claims at most {@code limit} pending notices due at {@code now}, oldest due first: each one's
   * attempt count goes up and it is not due again before {@code claimUntil}, so no other worker
   * takes it meanwhile. Rows another transaction holds are skipped, not waited for. Call inside a
   * transaction, which the claim is committed with.
   */
  List<Notice> claimDue(Instant now, Instant claimUntil, int limit);

  /** Marks pending notices sent. */
  void markSent(List<String> ids, Instant at);

  /** Leaves a pending notice for another attempt at {@code next}, with the reason of this one. */
  void markRetry(String id, Instant next, String error);

  /** Gives a pending notice up. */
  void markFailed(String id, Instant at, String error);

  /** The notices of one kind to one recipient, newest first, skipping {@code offset}. */
  List<Notice> byRecipient(Notice.Kind kind, String recipient, int limit, int offset);

  /** Makes a failed notice pending again, due at {@code now}; false when it was not failed. */
  boolean retry(String id, Instant now);

  /**
   * Deletes at most {@code limit} sent or failed notices written before {@code cutoff}, oldest
   * first; returns how many. Pending ones stay, however old.
   */
  int deleteEndedBefore(Instant cutoff, int limit);

  /** How many notices are pending, and when the oldest of them was written (null: none). */
  Backlog backlog();

  /** The pending notices' count and the oldest one's creation. */
  record Backlog(long pending, Instant oldestCreateAt) {}
}
