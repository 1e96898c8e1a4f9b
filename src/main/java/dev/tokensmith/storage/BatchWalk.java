package dev.tokensmith.storage;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A walk over rows in id order, one batch at a time, each batch its own transaction: a batch reads
 * (and locks) up to its size after the last id the previous one read, and changes what it must. The
 * walk ends with the first batch that reads fewer rows than its size. Whatever stops it midway, a
 * walk from the start again changes only what is still to change.
 */
public final class BatchWalk {
  private BatchWalk() {}

  /** One batch: how many rows it changed, the last id it read, whether it was the last. */
  public record Step(int changed, long lastId, boolean last) {
    /** The step of a batch that read {@code read} (in id order) after {@code after}. */
    public static <T> Step of(
        int changed, List<T> read, ToLongFunction<T> id, long after, int size) {
      long last = read.isEmpty() ? after : id.applyAsLong(read.get(read.size() - 1));
      return new Step(changed, last, read.size() < size);
    }
  }

  /** One batch of a walk, run in its own transaction. */
  public interface Batch {
    /** Reads and changes up to {@code size} rows after id {@code after}. */
    Step run(long after, int size);
  }

  /** Takes batch after batch of {@code size} rows; returns how many rows they changed. */
  public static int run(Database db, int size, Batch batch) {
    int changed = 0;
    long after = 0;
    while (true) {
      long from = after;
      Step step = db.inTransaction(() -> batch.run(from, size));
      changed += step.changed();
      if (step.last()) {
        return changed;
      }
      after = step.lastId();
    }
  }
}
