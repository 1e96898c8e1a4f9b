package dev.tokensmith.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Interner;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.ChangeFeed.Change;
import dev.tokensmith.tokens.TokenStore.SecretMatch;
import dev.tokensmith.tokens.Verification.Reason;
import dev.tokensmith.tokens.Verification.Rejected;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Decides whether a secret authenticates: checksum, digest, enabled, expiry, client, owner, SSO,
 * source address, usage. The hot path: a bad checksum is refused before anything is looked up; a
 * digest seen recently is answered from memory with no database round trip (expiry, grace end and
 * {@code allowed_ips} are still checked on every request); a digest recently found unknown is
 * refused from a bounded negative cache, so a flood of random well-formed values cannot hammer the
 * database. Changes evict entries through {@link #onChange}; the cache lifetime is the backstop.
 * Lookups compare keyed HMACs, so an index comparison leaks nothing usable.
 */
public final class TokenVerifier {
  private static final Duration UNKNOWN_LIFETIME = Duration.ofSeconds(60);

  private final TokenStore store;
  private final UserDirectory users;
  private final ClientService clients;
  private final TokenSecrets secrets;
  private final Clock clock;
  private final Cache<TokenDigest, TokenSnapshot> known;
  private final Cache<TokenDigest, Boolean> unknown;
  // Owners shared by every cached token of theirs: one object per user, not one per token.
  private final Cache<Long, User> owners;
  // Token id → its cached digest(s): two while a renewed token's previous value is in its grace
  // period. A token's change evicts its entries without scanning the cache.
  private final TokenIndex digestsByToken = new TokenIndex();
  // Few distinct permission sets and address lists exist: the cached tokens share them.
  private final Interner<PermissionSet> permissionSets = Interner.newWeakInterner();
  private final Cache<List<String>, List<IpRange>> rangeLists =
      Caffeine.newBuilder().maximumSize(10_000).build();
  // Bumped by every eviction: a load that started before one does not keep its (maybe stale)
  // result.
  private final AtomicLong epoch = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder unknownHits = new LongAdder();
  private final LongAdder loads = new LongAdder();
  // Reads in progress by digest, for the misses that arrive meanwhile.
  private final ConcurrentHashMap<TokenDigest, CompletableFuture<TokenSnapshot>> loading =
      new ConcurrentHashMap<>();
  // Legacy pairs by UUID: the stored digest of the secret key beside its token's snapshot.
  private final LegacyStore legacy;
  private final Cache<String, LegacyEntry> legacyKnown;
  private final Cache<String, Boolean> legacyUnknown;
  private final ConcurrentHashMap<Long, String> uuidsByToken = new ConcurrentHashMap<>();

  public TokenVerifier(
      TokenStore store,
      LegacyStore legacy,
      UserDirectory users,
      ClientService clients,
      TokenSecrets secrets,
      Clock clock,
      Duration cacheLifetime,
      long cacheSize) {
    this.store = store;
    this.legacy = legacy;
    this.users = users;
    this.clients = clients;
    this.secrets = secrets;
    this.clock = clock;
    // Entries age on the injected clock, so tests move time instead of waiting.
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.known =
        Caffeine.newBuilder()
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(cacheLifetime)
            .maximumSize(cacheSize)
            .<TokenDigest, TokenSnapshot>evictionListener(
                (digest, snapshot, cause) -> unindex(snapshot, digest))
            .build();
    this.unknown =
        Caffeine.newBuilder()
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(UNKNOWN_LIFETIME)
            .maximumSize(Math.max(1000, cacheSize / 10))
            .build();
    this.legacyKnown =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfterWrite(cacheLifetime)
            .maximumSize(cacheSize)
            .<String, LegacyEntry>evictionListener((uuid, entry, cause) -> unindexLegacy(entry))
            .build();
    this.legacyUnknown =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfterWrite(UNKNOWN_LIFETIME)
            .maximumSize(Math.max(1000, cacheSize / 10))
            .build();
    this.owners =
        Caffeine.newBuilder()
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(cacheLifetime)
            .maximumSize(Math.max(1000, cacheSize / 10))
            .build();
  }

  /**
   * Checks a secret presented from {@code ip}, from memory when it can, else from the database.
   *
   * @param nodeRegistration true only on the node registration endpoint (rule T13)
   */
  public Verification verify(String secret, String ip, boolean nodeRegistration) {
    TokenDigest digest = digestOfWellFormed(secret);
    if (digest == null) {
      return new Rejected(Reason.MALFORMED);
    }
    Verification remembered = fromMemory(digest, ip, nodeRegistration);
    if (remembered != null) {
      return remembered;
    }
    TokenSnapshot snapshot = load(digest, secret);
    return snapshot == null
        ? new Rejected(Reason.UNKNOWN)
        : snapshot.check(clock.instant(), ip, nodeRegistration);
  }

  /**
   * The answer when it needs no database (a bad checksum, a cached token or a cached unknown
   * digest); empty when only {@link #verify} can tell. Never blocks: safe on an event loop.
   */
  public Optional<Verification> verifyCached(String secret, String ip, boolean nodeRegistration) {
    TokenDigest digest = digestOfWellFormed(secret);
    if (digest == null) {
      return Optional.of(new Rejected(Reason.MALFORMED));
    }
    return Optional.ofNullable(fromMemory(digest, ip, nodeRegistration));
  }

  /**
   * Checks a legacy pair ({@code X-WallarmAPI-UUID} + {@code X-WallarmAPI-Secret}, 4.5): it
   * authenticates as its backward-compatible token, under the same rules, while the pair works. The
   * lookup is by UUID; the secret key's keyed digest is compared in constant time.
   */
  public Verification verifyLegacy(
      String uuid, String secret, String ip, boolean nodeRegistration) {
    byte[] presented = legacyDigest(uuid, secret);
    if (presented == null) {
      return new Rejected(Reason.MALFORMED);
    }
    Verification remembered = legacyFromMemory(uuid, presented, ip, nodeRegistration);
    if (remembered != null) {
      return remembered;
    }
    LegacyEntry entry = loadLegacy(uuid);
    return entry == null
        ? new Rejected(Reason.UNKNOWN)
        : entry.check(presented, clock.instant(), ip, nodeRegistration);
  }

  /** {@link #verifyLegacy} when memory alone can tell; empty otherwise. Never blocks. */
  public Optional<Verification> verifyLegacyCached(
      String uuid, String secret, String ip, boolean nodeRegistration) {
    byte[] presented = legacyDigest(uuid, secret);
    if (presented == null) {
      return Optional.of(new Rejected(Reason.MALFORMED));
    }
    return Optional.ofNullable(legacyFromMemory(uuid, presented, ip, nodeRegistration));
  }

  private Verification legacyFromMemory(
      String uuid, byte[] presented, String ip, boolean nodeRegistration) {
    LegacyEntry entry = legacyKnown.getIfPresent(uuid);
    if (entry != null) {
      hits.increment();
      return entry.check(presented, clock.instant(), ip, nodeRegistration);
    }
    if (legacyUnknown.getIfPresent(uuid) != null) {
      unknownHits.increment();
      return new Rejected(Reason.UNKNOWN);
    }
    return null;
  }

  // A well-formed pair's secret key in bytes; null when either part is malformed.
  private byte[] legacyDigest(String uuid, String secret) {
    if (uuid == null
        || secret == null
        || !LegacyCredentials.UUID.matcher(uuid).matches()
        || !LegacyCredentials.SECRET.matcher(secret).matches()) {
      return null;
    }
    return secret.getBytes(StandardCharsets.ISO_8859_1);
  }

  private LegacyEntry loadLegacy(String uuid) {
    long before = epoch.get();
    // On an event loop this throws BlockingNotAllowed before reading.
    Optional<LegacyStore.Pair> pair = legacy.findByUuid(uuid).filter(LegacyStore.Pair::active);
    loads.increment();
    Optional<ApiToken> token = pair.flatMap(p -> store.find(p.tokenId()));
    if (token.isEmpty()) {
      if (epoch.get() == before) {
        legacyUnknown.put(uuid, Boolean.TRUE);
      }
      return null;
    }
    LegacyEntry entry =
        new LegacyEntry(
            secrets, pair.get().secretDigest(), snapshot(new SecretMatch(token.get(), null)));
    if (epoch.get() == before) {
      legacyKnown.put(uuid, entry);
      uuidsByToken.put(token.get().id(), uuid);
      if (epoch.get() != before) {
        legacyKnown.invalidate(uuid);
      }
      if (legacyKnown.policy().getIfPresentQuietly(uuid) != entry) {
        // Invalidated, or evicted already (maybe by this very put's upkeep): not indexed either.
        unindexLegacy(entry);
      }
    }
    return entry;
  }

  // A legacy entry left the cache: its token's UUID leaves the index, unless the UUID is cached
  // again with a newer entry (read meanwhile). Called during an eviction too, when the map may
  // still show the entry being evicted.
  private void unindexLegacy(LegacyEntry gone) {
    uuidsByToken.computeIfPresent(
        gone.snapshot().id(),
        (id, held) -> {
          LegacyEntry now = legacyKnown().policy().getIfPresentQuietly(held);
          return now != null && now != gone ? held : null;
        });
  }

  private Cache<String, LegacyEntry> legacyKnown() {
    return legacyKnown;
  }

  /** A legacy pair as the database said: its secret key's digest and its token's snapshot. */
  private record LegacyEntry(TokenSecrets secrets, String secretDigest, TokenSnapshot snapshot) {
    // The digest is compared under the pepper that made it (any held, during a pepper rotation).
    Verification check(byte[] presented, Instant now, String ip, boolean nodeRegistration) {
      if (!secrets.matchesDigestOf(presented, secretDigest)) {
        return new Rejected(Reason.UNKNOWN);
      }
      return snapshot.check(now, ip, nodeRegistration);
    }
  }

  // The cached answer for a digest, or null when neither cache knows it.
  private Verification fromMemory(TokenDigest digest, String ip, boolean nodeRegistration) {
    TokenSnapshot snapshot = known.getIfPresent(digest);
    if (snapshot != null) {
      hits.increment();
      return snapshot.check(clock.instant(), ip, nodeRegistration);
    }
    if (unknown.getIfPresent(digest) != null) {
      unknownHits.increment();
      return new Rejected(Reason.UNKNOWN);
    }
    return null;
  }

  // One encoding of the secret serves both the checksum and the HMAC; null when malformed.
  private TokenDigest digestOfWellFormed(String secret) {
    if (secret == null || secret.length() != TokenSecrets.LENGTH) {
      return null;
    }
    byte[] ascii = secret.getBytes(StandardCharsets.ISO_8859_1);
    return secrets.isWellFormed(ascii) ? new TokenDigest(secrets.digest(ascii)) : null;
  }

  // Cached under the digest of the current pepper; found in the database under any pepper held (a
  // pepper rotation rewrites them one by one, each in one statement, so one query sees each row).
  // Concurrent misses for one digest make one read: the first reads, the others wait for its answer
  // (a token's first requests after a deploy or an eviction often come in a burst).
  private TokenSnapshot load(TokenDigest digest, String secret) {
    // Neither reading nor waiting on an event loop; and a refused read is nobody else's answer.
    store.requireBlockingAllowed();
    CompletableFuture<TokenSnapshot> mine = new CompletableFuture<>();
    CompletableFuture<TokenSnapshot> reading = loading.putIfAbsent(digest, mine);
    if (reading != null) {
      try {
        return reading.join();
      } catch (CompletionException e) {
        // The read failed (the database unreachable, a timeout): the same failure here.
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }
    try {
      TokenSnapshot snapshot = read(digest, secret);
      mine.complete(snapshot);
      return snapshot;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(digest, mine);
    }
  }

  private TokenSnapshot read(TokenDigest digest, String secret) {
    long before = epoch.get();
    // On an event loop this throws BlockingNotAllowed before reading: only real reads are counted.
    Optional<SecretMatch> match =
        store.findBySecretDigests(
            secrets.lookupDigests(secret.getBytes(StandardCharsets.ISO_8859_1)));
    loads.increment();
    if (match.isEmpty()) {
      unknown.put(digest, Boolean.TRUE);
      return null;
    }
    TokenSnapshot snapshot = snapshot(match.get());
    if (epoch.get() == before) {
      known.put(digest, snapshot);
      digestsByToken.add(snapshot.id(), digest);
      if (epoch.get() != before) {
        // A change arrived between the check and the put: what was read may already be stale.
        // An explicit removal does not call the eviction listener: unindex here.
        known.invalidate(digest);
        unindex(snapshot, digest);
      } else if (known.policy().getIfPresentQuietly(digest) != snapshot) {
        // Evicted already, maybe by this very put's upkeep (a full cache turns a newcomer away
        // when its entries are used more often): the eviction's unindex came before the add.
        unindex(snapshot, digest);
      }
    }
    return snapshot;
  }

  // An entry left the cache (size, lifetime, removal): its digest leaves the token's index, unless
  // the digest is cached again with a newer snapshot (reloaded meanwhile). Called during an
  // eviction too, when the map may still show the snapshot being evicted: that one counts as gone.
  private void unindex(TokenSnapshot gone, TokenDigest digest) {
    digestsByToken.remove(
        gone.id(),
        digest,
        d -> {
          // Quietly: no upkeep started from inside the index's lock, no use counted.
          TokenSnapshot now = known.policy().getIfPresentQuietly(d);
          return now != null && now != gone;
        });
  }

  private TokenSnapshot snapshot(SecretMatch match) {
    ApiToken token = match.token();
    Client tokenClient = clients.find(token.clientId()).orElse(null);
    long ownerId = token.shared() ? token.createdBy() : token.userId();
    User owner = owners.getIfPresent(ownerId);
    if (owner == null) {
      long before = epoch.get();
      owner = users.find(ownerId).orElse(null);
      if (owner != null && epoch.get() == before) {
        owners.put(ownerId, owner);
        if (epoch.get() != before) {
          // A change arrived between the check and the put: the owner read may be stale.
          owners.invalidate(ownerId);
        }
      }
    }
    Client ownerClient =
        owner == null || owner.clientId() == token.clientId()
            ? tokenClient
            : clients.find(owner.clientId()).orElse(null);
    Reason refused = null;
    if (!token.enabled()) {
      refused = Reason.DISABLED;
    } else if (tokenClient == null || !tokenClient.enabled()) {
      refused = Reason.CLIENT_DISABLED;
    } else if (!token.shared()
        && (owner == null || !owner.enabled() || ownerClient == null || !ownerClient.enabled())) {
      refused = Reason.OWNER_DISABLED;
    } else if (!token.shared() && owner.sso() != Sso.NONE && !owner.apiAccess()) {
      refused = Reason.SSO_WITHOUT_API_ACCESS;
    }
    return TokenSnapshot.of(
        token,
        match.validUntil(),
        owner,
        tokenClient,
        ownerClient == null ? tokenClient : ownerClient,
        refused,
        permissionSets.intern(token.permissionSet()),
        ranges(token.scope().allowedIps()));
  }

  // The parsed address ranges of an allowed_ips list, shared by the tokens that have the same list.
  private List<IpRange> ranges(List<String> allowedIps) {
    if (allowedIps.isEmpty()) {
      return List.of();
    }
    return rangeLists.get(
        List.copyOf(allowedIps),
        written -> written.stream().map(IpRange::parse).flatMap(Optional::stream).toList());
  }

  /** Drops what a change makes stale. */
  public void onChange(Change change) {
    epoch.incrementAndGet();
    // A miss after the change reads again instead of waiting for a read that began before it (and
    // may return what the change made stale); those already waiting were concurrent with it.
    loading.clear();
    switch (change.kind()) {
      case ALL -> {
        // The indexes first: a read that began after the epoch moved may cache its (current) entry
        // meanwhile, and must keep its index entry; one left over by the caches' clearing is only
        // a stale entry the next change of its token drops.
        digestsByToken.clear();
        known.invalidateAll();
        owners.invalidateAll();
        uuidsByToken.clear();
        legacyKnown.invalidateAll();
        legacyUnknown.invalidateAll();
      }
      case TOKEN -> {
        TokenDigest[] held = digestsByToken.remove(change.id());
        if (held.length > 0) {
          known.invalidateAll(Arrays.asList(held));
        }
        String uuid = uuidsByToken.remove(change.id());
        if (uuid != null) {
          legacyKnown.invalidate(uuid);
        }
      }
      case USER -> {
        owners.invalidate(change.id());
        // A user change may be an import: a UUID tried before it must work at once.
        legacyUnknown.invalidateAll();
        evictWhere(s -> s.owner() != null && s.owner().id() == change.id());
      }
      case CLIENT ->
          evictWhere(
              s ->
                  s.tokenClient() != null && s.tokenClient().id() == change.id()
                      || s.ownerClient() != null && s.ownerClient().id() == change.id());
      case NODE -> {
        // A node's change touches no token.
      }
      default -> throw new IllegalStateException("unknown change " + change);
    }
  }

  // A user's or a client's change: rare, and it may touch any number of tokens, so the cache is
  // scanned.
  private void evictWhere(Predicate<TokenSnapshot> stale) {
    legacyKnown.asMap().values().removeIf(entry -> stale.test(entry.snapshot()));
    known
        .asMap()
        .forEach(
            (digest, snapshot) -> {
              if (stale.test(snapshot) && known.asMap().remove(digest, snapshot)) {
                unindex(snapshot, digest);
              }
            });
  }

  /**
   * Cache counters since start: answers from the token cache, from the unknown cache, database
   * loads.
   */
  public record CacheStats(long hits, long unknownHits, long loads) {}

  public CacheStats cacheStats() {
    return new CacheStats(hits.sum(), unknownHits.sum(), loads.sum());
  }

  /** The caches by name, for their metrics (size, hits, misses, evictions). */
  public Map<String, Cache<?, ?>> caches() {
    return Map.of("tokens", known, "tokens.unknown", unknown, "token.owners", owners);
  }

  /**
   * How many tokens the index of digests by token holds (for tests: at most {@link #cachedTokens}).
   */
  long indexedTokens() {
    known.cleanUp();
    return digestsByToken.size();
  }

  /** How many verified tokens are held in memory (for metrics and the heap benchmark). */
  public long cachedTokens() {
    known.cleanUp();
    return known.estimatedSize();
  }
}
