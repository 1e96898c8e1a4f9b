package dev.tokensmith.notify;

import dev.tokensmith.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's due notices, on every instance. A notice is first claimed in a short
 * transaction of its own (its attempt counted, and not due again until the claim ends), then sent
 * with no transaction open, then marked (a batch's sent notices in one commit). So any number of
 * workers share the queue without sending a notice twice, and a crash between sending and marking
 * costs a repeat once the claim ends, never a loss: receivers de-duplicate by the delivery id. A
 * failed attempt is retried with {@link Backoff}, for 24 hours, then the notice is marked failed.
 */
public final class OutboxWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);

  /** How long a claimed notice is this worker's to send before others may take it again. */
  static final Duration CLAIM = Duration.ofMinutes(5);

  /**
   * A claimed notice is sent only while this much of its claim is left: a send is bounded by the
   * sender's timeouts, so it ends before another worker could take the notice.
   */
  static final Duration MARGIN = Duration.ofMinutes(2);

  private static final int BATCH = 10;
  private static final int MOST_PER_ROUND = 1000;

  private final Database db;
  private final NoticeStore store;
  private final Map<Notice.Kind, Sender> senders = new EnumMap<>(Notice.Kind.class);
  private final NoticeMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "tokensmith-outbox");
            thread.setDaemon(true);
            return thread;
          });

  public OutboxWorker(
      Database db,
      NoticeStore store,
      List<Sender> senders,
      NoticeMetrics metrics,
      Clock clock,
      RandomGenerator random) {
    this.db = db;
    this.store = store;
    for (Sender sender : senders) {
      this.senders.put(sender.kind(), sender);
    }
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
  }

  /** Looks for due notices every {@code seconds}, on a thread of its own. */
  public void start(int seconds) {
    executor.scheduleWithFixedDelay(this::deliverSafely, 0, seconds, TimeUnit.SECONDS);
  }

  private void deliverSafely() {
    try {
      deliverDue();
    } catch (RuntimeException e) {
      LOG.warn("sending notices failed; will try again", e);
    }
  }

  /**
   * Sends every notice due now (up to a thousand); returns how many attempts were made. One round
   * at a time on this instance (the background thread's and a caller's wait for each other).
   */
  public synchronized int deliverDue() {
    int attempts = 0;
    try {
      while (attempts < MOST_PER_ROUND) {
        Instant now = clock.instant();
        List<Notice> claimed = db.inTransaction(() -> store.claimDue(now, now.plus(CLAIM), BATCH));
        if (claimed.isEmpty()) {
          break;
        }
        List<Notice> sent = new ArrayList<>(claimed.size());
        try {
          for (Notice notice : claimed) {
            if (clock.instant().isAfter(notice.nextAttemptAt().minus(MARGIN))) {
              // Too little of the claim left (a slow round): it comes due again when the claim
              // ends.
              continue;
            }
            if (attempt(notice)) {
              sent.add(notice);
            }
            attempts++;
          }
        } finally {
          // One commit for the batch's sent notices: a crash before it repeats them, never loses.
          if (!sent.isEmpty()) {
            Instant at = clock.instant();
            db.inTransaction(() -> store.markSent(sent.stream().map(Notice::id).toList(), at));
            sent.forEach(n -> metrics.sent(n.kind()));
          }
        }
      }
    } finally {
      senders.values().forEach(Sender::endRound);
      metrics.backlog(store.backlog());
    }
    return attempts;
  }

  // Sends one notice; true when it went (marked with its batch), false when it failed (marked
  // now).
  private boolean attempt(Notice notice) {
    Sender sender = senders.get(notice.kind());
    try {
      if (sender == null) {
        throw Sender.Failure.retryable("no " + notice.kind().id() + " sender is configured");
      }
      sender.send(notice);
    } catch (Sender.Failure failure) {
      failed(notice, failure);
      return false;
    } catch (RuntimeException e) {
      // A bug in a sender must not stop the queue; the exception's class says enough.
      LOG.warn("sending notice {} failed", notice.id(), e);
      failed(notice, Sender.Failure.retryable("unexpected " + e.getClass().getSimpleName()));
      return false;
    }
    return true;
  }

  private void failed(Notice notice, Sender.Failure failure) {
    Instant now = clock.instant();
    metrics.attemptFailed(notice.kind());
    Optional<Instant> next =
        failure.permanent()
            ? Optional.empty()
            : Backoff.next(notice.attempts(), now, notice.createAt(), random);
    if (next.isPresent()) {
      store.markRetry(notice.id(), next.get(), failure.getMessage());
      LOG.info(
          "notice {} ({}) attempt {} failed: {}; next try at {}",
          notice.id(),
          notice.topic(),
          notice.attempts(),
          failure.getMessage(),
          next.get());
    } else {
      store.markFailed(notice.id(), now, failure.getMessage());
      metrics.failed(notice.kind());
      LOG.warn(
          "notice {} ({}) given up after {} attempts: {}",
          notice.id(),
          notice.topic(),
          notice.attempts(),
          failure.getMessage());
    }
  }

  /**
   * Stops looking; a round already running may finish (up to 10 s) rather than be interrupted,
   * since an interrupted H2 write closes the embedded database's file.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
