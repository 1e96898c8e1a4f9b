package dev.tokensmith.tokens;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when and from where each token was last used, without a database write per request:
 * uses are collected in memory and written in one batch by {@link #flush()}, at most once a minute
 * per token. A lost batch (crash) loses only "last used" hints.
 *
 * <p>When a token's use was last written is kept in its {@link Mark}, which lives as long as the
 * token's entry in the verification cache: a verification within the minute reads one field there
 * and is done, with no second map to look up. A token evicted and read again starts with a new
 * mark, starting from the last use its row holds, so an entry's short cache lifetime does not make
 * writes more frequent.
 */
public final class UsageRecorder {
  private static final long MIN_INTERVAL_MILLIS = 60_000;

  /** One pending write. */
  public record Use(long tokenId, long atMillis, String ip) {}

  /**
   * When a token's next use is worth writing: a minute after the last written one. A verification
   * cache entry is one (no object of its own per token).
   */
  public static class Mark {
    private volatile long nextAt;

    /**
     * @param lastUsedAt the last use the database holds (written by any instance), or null
     */
    protected Mark(Instant lastUsedAt) {
      this.nextAt =
          lastUsedAt == null ? Long.MIN_VALUE : lastUsedAt.toEpochMilli() + MIN_INTERVAL_MILLIS;
    }

    boolean due(long now) {
      return now >= nextAt;
    }

    void written(long atMillis) {
      // Never back: a batch retried after a newer one must not make the next write early.
      if (atMillis + MIN_INTERVAL_MILLIS > nextAt) {
        nextAt = atMillis + MIN_INTERVAL_MILLIS;
      }
    }
  }

  private record Pending(Use use, Mark mark) {}

  private final TokenStore store;
  private final Clock clock;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

  public UsageRecorder(TokenStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Notes a successful use of a verified token; cheap, never touches the database. */
  public void used(Verification.Verified verified, String ip) {
    used(verified.usage(), verified.token().id(), ip);
  }

  /** Notes a use of the token whose mark is {@code mark}. */
  void used(Mark mark, long tokenId, String ip) {
    long now = clock.millis();
    if (mark.due(now)) {
      pending.put(tokenId, new Pending(new Use(tokenId, now, ip), mark));
    }
  }

  /**
   * Writes what was collected; returns how many tokens were updated. When the write fails the uses
   * stay collected (a newer use of the same token wins) and the next flush writes them.
   */
  public int flush() {
    if (pending.isEmpty()) {
      return 0;
    }
    List<Pending> batch = new ArrayList<>();
    for (Long id : List.copyOf(pending.keySet())) {
      Pending use = pending.remove(id);
      if (use != null && use.mark().due(use.use().atMillis())) {
        batch.add(use);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    // In id order, the order in which changes lock several tokens: the batch never waits in a
    // circle with one.
    batch.sort(Comparator.comparingLong(p -> p.use().tokenId()));
    try {
      store.recordUses(batch.stream().map(Pending::use).toList());
    } catch (RuntimeException e) {
      batch.forEach(use -> pending.merge(use.use().tokenId(), use, UsageRecorder::later));
      throw e;
    }
    batch.forEach(use -> use.mark().written(use.use().atMillis()));
    return batch.size();
  }

  private static Pending later(Pending a, Pending b) {
    return a.use().atMillis() >= b.use().atMillis() ? a : b;
  }
}
