package dev.tokensmith.nodes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when and from where each instance last synced, without a database write per sync: syncs
 * are collected in memory and written in one batch by {@link #flush()}, at most once a minute per
 * instance (sooner when its address changes), as tokens' last use is. A lost batch (crash) loses
 * only "last activity" hints, which the next sync writes again.
 */
public final class InstanceActivity {
  private static final long MIN_INTERVAL_MILLIS = 60_000;

  /** One pending write: an instance's sync, which is also its node's latest activity. */
  public record Sync(long instanceId, long nodeId, long atMillis, String ip) {}

  private record Written(long atMillis, String ip) {}

  private final NodeStore store;
  private final Clock clock;
  private final Map<Long, Sync> pending = new ConcurrentHashMap<>();
  private final Cache<Long, Written> lastWritten =
      Caffeine.newBuilder()
          .maximumSize(1_000_000)
          .expireAfterWrite(Duration.ofMillis(MIN_INTERVAL_MILLIS * 2))
          .build();

  public InstanceActivity(NodeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Notes a sync of an instance of {@code nodeId}; cheap, never touches the database. */
  void synced(long instanceId, long nodeId, String ip) {
    long now = clock.millis();
    if (due(lastWritten.getIfPresent(instanceId), now, ip)) {
      pending.put(instanceId, new Sync(instanceId, nodeId, now, ip));
    }
  }

  private static boolean due(Written written, long at, String ip) {
    return written == null
        || at - written.atMillis() >= MIN_INTERVAL_MILLIS
        || !Objects.equals(written.ip(), ip);
  }

  /**
   * Writes what was collected; returns how many instances were updated. When the write fails the
   * syncs stay collected (a newer sync of the same instance wins) and the next flush writes them.
   */
  public int flush() {
    if (pending.isEmpty()) {
      return 0;
    }
    List<Sync> batch = new ArrayList<>();
    for (Long id : List.copyOf(pending.keySet())) {
      Sync sync = pending.remove(id);
      if (sync != null && due(lastWritten.getIfPresent(id), sync.atMillis(), sync.ip())) {
        batch.add(sync);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    // In id order, so that two batches never wait for each other's rows in a circle.
    batch.sort(Comparator.comparingLong(Sync::instanceId));
    try {
      store.recordSyncs(batch);
    } catch (RuntimeException e) {
      batch.forEach(sync -> pending.merge(sync.instanceId(), sync, InstanceActivity::later));
      throw e;
    }
    batch.forEach(
        sync -> lastWritten.put(sync.instanceId(), new Written(sync.atMillis(), sync.ip())));
    return batch.size();
  }

  private static Sync later(Sync a, Sync b) {
    return a.atMillis() >= b.atMillis() ? a : b;
  }
}
