package dev.tokensmith.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when and from where each token was last used, without a database write per request:
 * uses are collected in memory and written in one batch by {@link #flush()}, at most once a minute
 * per token (section 3). A lost batch (crash) loses only "last used" hints.
 */
public final class UsageRecorder {
  private static final long MIN_INTERVAL_MILLIS = 60_000;

  /** One pending write. */
  public record Use(long tokenId, long atMillis, String ip) {}

  private final TokenStore store;
  private final Clock clock;
  private final Map<Long, Use> pending = new ConcurrentHashMap<>();
  private final Cache<Long, Long> lastWritten =
      Caffeine.newBuilder()
          .maximumSize(1_000_000)
          .expireAfterWrite(Duration.ofMillis(MIN_INTERVAL_MILLIS * 2))
          .build();

  public UsageRecorder(TokenStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Notes a successful use; cheap, never touches the database. */
  public void used(long tokenId, String ip) {
    long now = clock.millis();
    Long written = lastWritten.getIfPresent(tokenId);
    if (written == null || now - written >= MIN_INTERVAL_MILLIS) {
      pending.put(tokenId, new Use(tokenId, now, ip));
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
    List<Use> batch = new ArrayList<>();
    for (Long id : List.copyOf(pending.keySet())) {
      Use use = pending.remove(id);
      Long written = lastWritten.getIfPresent(id);
      if (use != null && (written == null || use.atMillis() - written >= MIN_INTERVAL_MILLIS)) {
        batch.add(use);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    // In id order, the order in which changes lock several tokens: the batch never waits in a
    // circle with one.
    batch.sort(Comparator.comparingLong(Use::tokenId));
    try {
      store.recordUses(batch);
    } catch (RuntimeException e) {
      batch.forEach(use -> pending.merge(use.tokenId(), use, UsageRecorder::later));
      throw e;
    }
    batch.forEach(use -> lastWritten.put(use.tokenId(), use.atMillis()));
    return batch.size();
  }

  private static Use later(Use a, Use b) {
    return a.atMillis() >= b.atMillis() ? a : b;
  }
}
