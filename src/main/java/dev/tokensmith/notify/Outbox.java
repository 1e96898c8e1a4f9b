package dev.tokensmith.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Queues notices. A notice is written inside the transaction of the change that causes it, so it is
 * sent exactly when the change commits: never for a change rolled back, never lost for one
 * committed. The {@link OutboxWorker} sends it.
 */
public final class Outbox {
  /**
   * How long sent and failed notices are kept (a webhook's deliveries list, an investigation)
   * before the purge deletes them; pending ones are kept until they end.
   */
  public static final Duration RETENTION = Duration.ofDays(30);

  /** Rows deleted per statement, so that a purge never holds many locks or a long transaction. */
  static final int PURGE_BATCH = 1000;

  /** Batches per run: a larger backlog is left to the next runs. */
  private static final int PURGE_BATCHES = 20;

  private final NoticeStore store;
  private final Clock clock;

  public Outbox(NoticeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A new delivery id, for a payload that must be bound to its notice before it is queued. */
  public String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Queues a notice under {@code id} (from {@link #newId}), due at once. Call inside the change's
   * transaction.
   */
  public void enqueue(
      String id, Notice.Kind kind, String recipient, String topic, Long clientId, String payload) {
    Instant now = clock.instant();
    store.insert(
        new Notice(
            id,
            kind,
            recipient,
            topic,
            clientId,
            payload,
            Notice.Status.PENDING,
            0,
            now,
            now,
            null,
            null));
  }

  /** A notice by its delivery id; empty when there is none. */
  public Optional<Notice> find(String id) {
    return store.find(id);
  }

  /**
   * The notices of {@code kind} to {@code recipient} (a webhook's deliveries), newest first: at
   * most {@code limit}, skipping {@code offset}.
   */
  public List<Notice> byRecipient(Notice.Kind kind, String recipient, int limit, int offset) {
    return store.byRecipient(kind, recipient, limit, offset);
  }

  /**
   * Sends a failed notice again: it is pending and due at once. One more attempt; it keeps its
   * attempts and creation, so once its retry window is over a failed attempt gives it up again.
   * Returns false (nothing changed) unless it had failed.
   */
  public boolean retry(String id) {
    return store.retry(id, clock.instant());
  }

  /**
   * Deletes sent and failed notices written more than {@link #RETENTION} ago, in batches of a
   * thousand (each its own statement), at most twenty batches a run; for the scheduler. Returns how
   * many.
   */
  public int purge() {
    Instant cutoff = clock.instant().minus(RETENTION);
    int deleted = 0;
    for (int batch = 0; batch < PURGE_BATCHES; batch++) {
      int n = store.deleteEndedBefore(cutoff, PURGE_BATCH);
      deleted += n;
      if (n < PURGE_BATCH) {
        break;
      }
    }
    return deleted;
  }
}
