package dev.tokensmith.notify;

import java.time.Clock;
import java.time.Instant;
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
}
