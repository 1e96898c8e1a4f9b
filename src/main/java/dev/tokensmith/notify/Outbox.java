package dev.tokensmith.notify;

import java.time.Clock;
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
}
