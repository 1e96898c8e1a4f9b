package dev.tokensmith.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.MutableClock;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Several instances on one database never run the same round twice. */
@UsesDatabase
class SchedulerTest {

  private static Scheduler.Job job(String name, Runnable work) {
    return Scheduler.Job.of(
        name,
        () -> {
          work.run();
          return 1;
        });
  }

  @Test
  void runOnceWhenAnotherInstanceHoldsTheLeaseThenSkips() {
    try (TestDatabase database = TestDatabase.create();
        Database db = new Database(database.url(), database.user(), "", 4)) {
      db.migrate();
      MutableClock clock = new MutableClock();
      AtomicInteger runs = new AtomicInteger();
      Scheduler second = new Scheduler(db, clock, List.of(job("count", runs::incrementAndGet)));
      boolean[] secondRan = new boolean[1];
      Scheduler first =
          new Scheduler(db, clock, List.of(job("nested", () -> secondRan[0] = second.runOnce())));

      assertThat(first.runOnce()).isTrue();
      assertThat(secondRan[0])
          .as("the second instance ran while the first held the lease")
          .isFalse();
      assertThat(runs).hasValue(0);
      assertThat(second.runOnce()).as("the lease is released after a round").isTrue();
      assertThat(runs).hasValue(1);
    }
  }

  @Test
  void runOnceWhenHolderCrashedThenLeaseExpiresAndAnotherRuns() {
    try (TestDatabase database = TestDatabase.create();
        Database db = new Database(database.url(), database.user(), "", 4)) {
      db.migrate();
      MutableClock clock = new MutableClock();
      AtomicInteger runs = new AtomicInteger();
      Scheduler survivor = new Scheduler(db, clock, List.of(job("count", runs::incrementAndGet)));
      // A crashed holder: its lease row stays taken.
      db.withHandle(
          h ->
              h.createUpdate("UPDATE job_leases SET leased_until = :until, holder = 'crashed'")
                  .bind("until", clock.millis() + 300_000)
                  .execute());
      assertThat(survivor.runOnce()).isFalse();
      clock.advance(Duration.ofMinutes(6));
      assertThat(survivor.runOnce()).isTrue();
      assertThat(runs).hasValue(1);
    }
  }
}
