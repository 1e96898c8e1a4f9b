package dev.tokensmith.jobs;

import java.util.concurrent.TimeUnit;

/**
 * How many rows the next batch of a background job takes, so that a batch (one transaction) lasts
 * about {@link #TARGET_MILLIS}: halved after a batch that took longer, grown by half after one that
 * took less than a third of it, never above the job's most nor below {@link #LEAST}. A job over a
 * large table whose pages are not in memory (each row changed is a few random reads) shrinks its
 * batches instead of holding locks and a connection for a second; a job over rows in memory runs at
 * its most. Not thread-safe: one per run of a job.
 */
public final class BatchSize {
  /** How long one batch should take. */
  public static final long TARGET_MILLIS = 50;

  /** The fewest rows a batch takes. */
  public static final int LEAST = 10;

  private final int most;
  private int next;

  /** Starts at {@code most}: most batches are quick. */
  public BatchSize(int most) {
    if (most < LEAST) {
      throw new IllegalArgumentException("a batch of at most " + most + " rows");
    }
    this.most = most;
    this.next = most;
  }

  /** The size of the next batch. */
  public int next() {
    return next;
  }

  /** The batch just taken (of {@link #next()} rows) took {@code nanos}. */
  public void took(long nanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
    if (millis > TARGET_MILLIS) {
      next = Math.max(LEAST, next / 2);
    } else if (millis < TARGET_MILLIS / 3) {
      next = Math.min(most, next + Math.max(1, next / 2));
    }
  }
}
