package dev.tokensmith.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outbox's meters: notices sent, given up and failed attempts by kind (this instance's counts),
 * and the backlog (pending notices and the age of the oldest, across all instances, as the worker
 * last read them: a scrape never reaches the database).
 */
public final class NoticeMetrics {
  private final Map<Notice.Kind, Counter> sent = new EnumMap<>(Notice.Kind.class);
  private final Map<Notice.Kind, Counter> failed = new EnumMap<>(Notice.Kind.class);
  private final Map<Notice.Kind, Counter> retried = new EnumMap<>(Notice.Kind.class);
  private final AtomicReference<NoticeStore.Backlog> backlog =
      new AtomicReference<>(new NoticeStore.Backlog(0, null));

  public NoticeMetrics(MeterRegistry registry, Clock clock) {
    for (Notice.Kind kind : Notice.Kind.values()) {
      sent.put(
          kind,
          Counter.builder("tokensmith.notices.sent")
              .tag("kind", kind.id())
              .description("Notices sent by this instance (e-mails, webhook deliveries)")
              .register(registry));
      failed.put(
          kind,
          Counter.builder("tokensmith.notices.failed")
              .tag("kind", kind.id())
              .description(
                  "Notices this instance gave up on: every attempt failed for 24 hours, or one"
                      + " failed for good")
              .register(registry));
      retried.put(
          kind,
          Counter.builder("tokensmith.notices.attempts.failed")
              .tag("kind", kind.id())
              .description("Failed attempts to send a notice by this instance (each is retried)")
              .register(registry));
    }
    Gauge.builder("tokensmith.notices.backlog", backlog, b -> b.get().pending())
        .description("Notices waiting to be sent (all instances), as last counted")
        .register(registry);
    Gauge.builder(
            "tokensmith.notices.oldest.pending.age",
            backlog,
            b -> {
              Instant oldest = b.get().oldestCreateAt();
              return oldest == null
                  ? 0
                  : Math.max(0, clock.millis() - oldest.toEpochMilli()) / 1000.0;
            })
        .baseUnit("seconds")
        .description("Age of the oldest notice waiting to be sent (0 when none)")
        .register(registry);
  }

  void sent(Notice.Kind kind) {
    sent.get(kind).increment();
  }

  void failed(Notice.Kind kind) {
    failed.get(kind).increment();
  }

  void attemptFailed(Notice.Kind kind) {
    retried.get(kind).increment();
  }

  void backlog(NoticeStore.Backlog now) {
    backlog.set(now);
  }
}
