package dev.tokensmith.nodes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.nodes.Instance.RegisteredWith;
import dev.tokensmith.nodes.NodeStore.InstanceMatch;
import dev.tokensmith.storage.ChangeFeed.Change;
import dev.tokensmith.tokens.ApiToken;
import dev.tokensmith.tokens.TokenService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Decides whether an instance's credential pair may sync, and records the sync: the hot path of
 * nodes. An instance seen recently is answered from memory, with no database read; its secret is
 * still checked on every sync (a keyed digest compared in constant time), and so is the expiry of
 * the API token it registered with. A uuid recently found unknown is refused from a bounded
 * negative cache. Changes of a node, a token or a client evict what they make stale through {@link
 * #onChange}, on every instance of the server; the cache lifetime is the backstop.
 */
public final class InstanceVerifier {
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration UNKNOWN_LIFETIME = Duration.ofSeconds(60);
  private static final int UUID_LENGTH = 36;

  private final NodeStore store;
  private final ClientService clients;
  private final TokenService tokens;
  private final TokenSecrets secrets;
  private final InstanceActivity activity;
  private final Clock clock;
  private final Cache<String, Snapshot> known;
  private final Cache<String, Boolean> unknown;
  // Bumped by every eviction: a load that started before one does not keep its (maybe stale)
  // result.
  private final AtomicLong epoch = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder unknownHits = new LongAdder();
  private final LongAdder loads = new LongAdder();

  public InstanceVerifier(
      NodeStore store,
      ClientService clients,
      TokenService tokens,
      TokenSecrets secrets,
      InstanceActivity activity,
      Clock clock,
      Duration cacheLifetime,
      long cacheSize) {
    this.store = store;
    this.clients = clients;
    this.tokens = tokens;
    this.secrets = secrets;
    this.activity = activity;
    this.clock = clock;
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.known =
        Caffeine.newBuilder()
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(cacheLifetime)
            .maximumSize(cacheSize)
            .build();
    this.unknown =
        Caffeine.newBuilder()
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(UNKNOWN_LIFETIME)
            .maximumSize(Math.max(1000, cacheSize / 10))
            .build();
  }

  /** What a sync answers: the instance's node and the node's configuration version. */
  public record Synced(long nodeId, int configVersion) {}

  /**
   * Checks an instance's pair, from memory when it can (else from the database, which on an event
   * loop throws {@code BlockingNotAllowed} before anything is recorded), and records the sync from
   * {@code ip}; empty when the pair does not authenticate.
   */
  public Optional<Synced> sync(String uuid, String secret, String ip) {
    if (!wellFormedUuid(uuid) || !secrets.isWellFormed(secret)) {
      return Optional.empty();
    }
    Snapshot snapshot = known.getIfPresent(uuid);
    if (snapshot != null) {
      hits.increment();
    } else {
      if (unknown.getIfPresent(uuid) != null) {
        unknownHits.increment();
        return Optional.empty();
      }
      snapshot = load(uuid);
      if (snapshot == null) {
        return Optional.empty();
      }
    }
    // Compared under the pepper that made the stored digest (any held, during a pepper rotation).
    if (!secrets.matchesDigestOf(
            secret.getBytes(StandardCharsets.ISO_8859_1), snapshot.secretDigest())
        || !snapshot.usableAt(now())) {
      return Optional.empty();
    }
    activity.synced(snapshot.instanceId(), snapshot.nodeId(), ip);
    return Optional.of(new Synced(snapshot.nodeId(), snapshot.configVersion()));
  }

  private Instant now() {
    return clock.instant();
  }

  private static boolean wellFormedUuid(String uuid) {
    if (uuid == null || uuid.length() != UUID_LENGTH) {
      return false;
    }
    for (int i = 0; i < UUID_LENGTH; i++) {
      char c = uuid.charAt(i);
      boolean ok = c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private Snapshot load(String uuid) {
    long before = epoch.get();
    // On an event loop this throws BlockingNotAllowed before reading: only real reads are counted.
    Optional<InstanceMatch> match = store.findInstance(uuid);
    loads.increment();
    if (match.isEmpty()) {
      unknown.put(uuid, Boolean.TRUE);
      return null;
    }
    Snapshot snapshot = snapshot(match.get());
    if (epoch.get() == before) {
      known.put(uuid, snapshot);
      if (epoch.get() != before) {
        // A change arrived between the check and the put: what was read may already be stale.
        known.invalidate(uuid);
      }
    }
    return snapshot;
  }

  private Snapshot snapshot(InstanceMatch match) {
    Instance instance = match.instance();
    Client client = clients.find(match.clientId()).orElse(null);
    boolean refused = client == null || !client.enabled();
    Instant tokenExpireAt = null;
    if (instance.registeredWith() == RegisteredWith.NODE_TOKEN) {
      // Registered with a node token that has since been regenerated: refused for good.
      refused |=
          !Integer.valueOf(match.nodeTokenGeneration()).equals(instance.nodeTokenGeneration());
    } else {
      Optional<ApiToken> token =
          instance.tokenId() == null ? Optional.empty() : tokens.stored(instance.tokenId());
      refused |= token.isEmpty() || !token.get().enabled();
      tokenExpireAt = token.map(ApiToken::expireAt).orElse(null);
    }
    return new Snapshot(
        instance.id(),
        instance.nodeId(),
        match.clientId(),
        instance.tokenId(),
        instance.secretDigest(),
        match.nodeTokenGeneration(),
        tokenExpireAt,
        refused);
  }

  /** Drops what a change makes stale. */
  public void onChange(Change change) {
    switch (change.kind()) {
      case ALL -> {
        epoch.incrementAndGet();
        known.invalidateAll();
      }
      case NODE -> evictWhere(s -> s.nodeId() == change.id());
      case TOKEN -> evictWhere(s -> s.tokenId() != null && s.tokenId() == change.id());
      case CLIENT -> evictWhere(s -> s.clientId() == change.id());
      default -> {
        // A user's change reaches instances through their tokens, which announce it themselves.
      }
    }
  }

  // Nodes number in the thousands at most, and these changes are rare next to syncs: the cache is
  // scanned rather than indexed.
  private void evictWhere(Predicate<Snapshot> stale) {
    epoch.incrementAndGet();
    known.asMap().values().removeIf(stale);
  }

  /**
   * Cache counters since start: syncs answered from memory, uuids refused from the unknown cache,
   * database loads.
   */
  public record CacheStats(long hits, long unknownHits, long loads) {}

  public CacheStats cacheStats() {
    return new CacheStats(hits.sum(), unknownHits.sum(), loads.sum());
  }

  /** The caches by name, for their metrics (size, hits, misses, evictions). */
  public Map<String, Cache<?, ?>> caches() {
    return Map.of("node.instances", known, "node.instances.unknown", unknown);
  }

  /** How many instances are held in memory (for metrics). */
  public long cachedInstances() {
    known.cleanUp();
    return known.estimatedSize();
  }

  /**
   * What the database said about an instance, held for the cache lifetime. {@code refused} holds
   * until something changes; the API token's expiry is checked on every sync.
   */
  private record Snapshot(
      long instanceId,
      long nodeId,
      long clientId,
      Long tokenId,
      String secretDigest,
      int configVersion,
      Instant tokenExpireAt,
      boolean refused) {

    boolean usableAt(Instant now) {
      return !refused && (tokenExpireAt == null || now.isBefore(tokenExpireAt));
    }
  }
}
