package dev.tokensmith.jobs;

import dev.tokensmith.storage.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background scheduler (section 5). Any number of instances may run it on one database: a
 * round runs only on the instance that takes the {@code maintenance} lease row, and each job is
 * idempotent, so a crash mid-round just leaves work for the next one.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final String LEASE = "maintenance";
  private static final long LEASE_MILLIS = 5 * 60_000;

  /** One piece of background work. */
  public interface Job {
    String name();

    /** Does the work due now; returns how many items it handled. */
    int run();

    /** A job from a name and its work. */
    static Job of(String name, IntSupplier work) {
      return new Job() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public int run() {
          return work.getAsInt();
        }
      };
    }
  }

  private final Database db;
  private final Clock clock;
  private final List<Job> jobs;
  private final String holder = UUID.randomUUID().toString();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "tokensmith-scheduler");
            thread.setDaemon(true);
            return thread;
          });

  private final MeterRegistry metrics;

  public Scheduler(Database db, Clock clock, List<Job> jobs) {
    this(db, clock, jobs, new SimpleMeterRegistry());
  }

  /**
   * @param metrics where each job's runs ({@code tokensmith_job_runs_seconds{job, result}}) and
   *     handled items ({@code tokensmith_job_items_total{job}}) are counted
   */
  public Scheduler(Database db, Clock clock, List<Job> jobs, MeterRegistry metrics) {
    this.db = db;
    this.clock = clock;
    this.jobs = List.copyOf(jobs);
    this.metrics = metrics;
  }

  /** Runs a round every {@code seconds}. */
  public void start(int seconds) {
    executor.scheduleWithFixedDelay(this::runSafely, seconds, seconds, TimeUnit.SECONDS);
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      LOG.warn("background round failed; it will run again", e);
    }
  }

  /**
   * Runs one round now if this instance gets the lease; returns false when another instance holds
   * it.
   */
  public synchronized boolean runOnce() {
    if (!acquire()) {
      return false;
    }
    try {
      for (Job job : jobs) {
        run(job);
      }
    } finally {
      release();
    }
    return true;
  }

  private void run(Job job) {
    long start = System.nanoTime();
    String result = "failure";
    try {
      int handled = job.run();
      result = "success";
      if (handled > 0) {
        LOG.info("{}: {} handled", job.name(), handled);
        Counter.builder("tokensmith.job.items")
            .description("Items handled by background jobs (tokens expired, rows purged, …)")
            .tag("job", job.name())
            .register(metrics)
            .increment(handled);
      }
    } finally {
      Timer.builder("tokensmith.job.runs")
          .description("Runs of background jobs on this instance and how long they took")
          .tag("job", job.name())
          .tag("result", result)
          .register(metrics)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private boolean acquire() {
    long now = clock.millis();
    return db.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE job_leases SET leased_until = :until, holder = :holder "
                            + "WHERE name = :name AND (leased_until < :now OR holder = :holder)")
                    .bind("until", now + LEASE_MILLIS)
                    .bind("holder", holder)
                    .bind("name", LEASE)
                    .bind("now", now)
                    .execute())
        == 1;
  }

  private void release() {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE job_leases SET leased_until = 0, holder = NULL "
                        + "WHERE name = :name AND holder = :holder")
                .bind("name", LEASE)
                .bind("holder", holder)
                .execute());
  }

  /**
   * Stops the schedule; a round already running may finish (up to 10 s) rather than be interrupted,
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
