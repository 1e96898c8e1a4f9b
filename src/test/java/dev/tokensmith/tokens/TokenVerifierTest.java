package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.clients.Client;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.storage.ChangeFeed.Change;
import dev.tokensmith.storage.ChangeFeed.Kind;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.ServiceTier;
import dev.tokensmith.testing.Services;
import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.tokens.TokenService.Created;
import dev.tokensmith.tokens.TokenVerifier.CacheStats;
import dev.tokensmith.tokens.Verification.Reason;
import dev.tokensmith.tokens.Verification.Rejected;
import dev.tokensmith.tokens.Verification.Verified;
import dev.tokensmith.users.User;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier's memory: a token seen is answered without the database until a change of it, of its
 * owner or of its client evicts it (the lifetime is the backstop); an unknown digest is refused
 * from a negative cache; a load that a change overtakes is not kept; owners are cached once for all
 * their tokens.
 */
@ServiceTier
class TokenVerifierTest {
  private static final String IP = "127.0.0.1";

  @AutoClose static final Services services = new Services();
  static TokenVerifier verifier;
  static Client tenant;
  static User admin;

  @BeforeAll
  static void world() {
    verifier = services.verifier;
    tenant = services.tenant();
    admin = services.user(tenant, "admin");
  }

  private static Created issue(User owner) {
    return services.tokens.create(services.caller(owner), TokenRequests.personal("admin"));
  }

  private static Verification verify(Created token) {
    return verifier.verify(token.secret(), IP, false);
  }

  private static boolean cached(TokenVerifier verifier, String secret) {
    return verifier.verifyCached(secret, IP, false).isPresent();
  }

  private static Reason refused(Verification verification) {
    assertThat(verification).isInstanceOf(Rejected.class);
    return ((Rejected) verification).reason();
  }

  /** The counters moved since {@code before}: hits, unknown hits, loads. */
  private static CacheStats since(CacheStats before) {
    CacheStats now = verifier.cacheStats();
    return new CacheStats(
        now.hits() - before.hits(),
        now.unknownHits() - before.unknownHits(),
        now.loads() - before.loads());
  }

  @Test
  void verifyWhenSeenBeforeThenAnsweredFromMemoryWithoutALoad() {
    Created token = issue(admin);
    CacheStats before = verifier.cacheStats();
    assertThat(cached(verifier, token.secret())).isFalse();

    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(verifier.verifyCached(token.secret(), IP, false)).get().isInstanceOf(Verified.class);

    assertThat(since(before)).isEqualTo(new CacheStats(2, 0, 1));
  }

  @Test
  void verifyWhenDigestUnknownThenRefusedFromTheNegativeCacheForAMinute() {
    String stranger = TestSecrets.unknown(Services.SECRET_PREFIX);
    CacheStats before = verifier.cacheStats();

    assertThat(refused(verifier.verify(stranger, IP, false))).isEqualTo(Reason.UNKNOWN);
    assertThat(refused(verifier.verify(stranger, IP, false))).isEqualTo(Reason.UNKNOWN);
    assertThat(cached(verifier, stranger)).isTrue();
    assertThat(since(before)).isEqualTo(new CacheStats(0, 2, 1));

    services.clock.advance(Duration.ofSeconds(61));
    assertThat(cached(verifier, stranger)).isFalse();
    assertThat(refused(verifier.verify(stranger, IP, false))).isEqualTo(Reason.UNKNOWN);
    assertThat(since(before).loads()).isEqualTo(2);
  }

  @Test
  void verifyWhenFloodedWithDistinctUnknownValuesThenOneReadEachAndNoneWhenRepeated() {
    // A store that counts its reads: the database round trips the flood costs.
    TokenStore jdbc = new JdbcTokenStore(services.db, Records.CATALOGUE);
    AtomicInteger reads = new AtomicInteger();
    TokenStore counting =
        (TokenStore)
            Proxy.newProxyInstance(
                TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class},
                (proxy, method, args) -> {
                  if (method.getName().startsWith("findBySecretDigest")) {
                    reads.incrementAndGet();
                  }
                  try {
                    return method.invoke(jdbc, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    TokenVerifier flooded = verifierOver(counting);
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      flood.add(TestSecrets.unknown(Services.SECRET_PREFIX));
    }

    for (int round = 0; round < 3; round++) {
      for (String value : flood) {
        assertThat(refused(flooded.verify(value, IP, false))).isEqualTo(Reason.UNKNOWN);
      }
      assertThat(reads.get()).as("reads after round %d", round + 1).isEqualTo(flood.size());
    }
    assertThat(flooded.cacheStats()).isEqualTo(new CacheStats(0, 2L * flood.size(), flood.size()));
  }

  @Test
  void verifyWhenChecksumBadThenRefusedWithoutALookup() {
    CacheStats before = verifier.cacheStats();

    assertThat(refused(verifier.verify("x".repeat(TokenSecrets.LENGTH), IP, false)))
        .isEqualTo(Reason.MALFORMED);
    assertThat(since(before)).isEqualTo(new CacheStats(0, 0, 0));
  }

  @Test
  void verifyWhenTokenChangedThenItsEntryIsEvictedAndTheChangeSeenAtOnce() {
    Created token = issue(admin);
    assertThat(verify(token)).isInstanceOf(Verified.class);

    services.tokens.update(services.caller(admin), token.token().id(), TokenRequests.disable());

    assertThat(cached(verifier, token.secret())).isFalse();
    assertThat(refused(verify(token))).isEqualTo(Reason.DISABLED);
  }

  @Test
  void verifyWhenRowChangedWithoutNoticeThenTheCachedAnswerLastsItsLifetime() {
    Created token = issue(admin);
    assertThat(verify(token)).isInstanceOf(Verified.class);

    // Another instance's change whose notice never arrived.
    services.db.withHandle(
        h ->
            h.createUpdate("UPDATE api_tokens SET enabled = FALSE WHERE id = :id")
                .bind("id", token.token().id())
                .execute());
    assertThat(verify(token)).isInstanceOf(Verified.class);

    services.clock.advance(Services.CACHE_LIFETIME.plusSeconds(1));
    assertThat(refused(verify(token))).isEqualTo(Reason.DISABLED);
  }

  @Test
  void verifyWhenAChangeArrivesDuringTheLoadThenWhatWasLoadedIsNotKept() {
    // A store whose read is overtaken by a change of the token, as if committed between read and
    // put.
    TokenStore jdbc = new JdbcTokenStore(services.db, Records.CATALOGUE);
    AtomicReference<Runnable> duringLoad = new AtomicReference<>(() -> {});
    TokenStore racing =
        (TokenStore)
            Proxy.newProxyInstance(
                TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class},
                (proxy, method, args) -> {
                  try {
                    Object result = method.invoke(jdbc, args);
                    if (method.getName().startsWith("findBySecretDigest")) {
                      duringLoad.get().run();
                    }
                    return result;
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    TokenVerifier overtaken = verifierOver(racing);
    Created token = issue(admin);
    duringLoad.set(() -> overtaken.onChange(new Change(Kind.TOKEN, token.token().id())));

    assertThat(overtaken.verify(token.secret(), IP, false)).isInstanceOf(Verified.class);
    assertThat(cached(overtaken, token.secret()))
        .as("kept although a change overtook the load")
        .isFalse();

    duringLoad.set(() -> {});
    assertThat(overtaken.verify(token.secret(), IP, false)).isInstanceOf(Verified.class);
    assertThat(cached(overtaken, token.secret())).isTrue();
    assertThat(overtaken.cacheStats().loads()).isEqualTo(2);
  }

  @Test
  void verifyWhenAMissArrivesAfterAChangeThenItReadsAgainInsteadOfWaitingForAnEarlierRead()
      throws Exception {
    // The first read holds until released: it began before the change, so its answer may be stale.
    TokenStore jdbc = new JdbcTokenStore(services.db, Records.CATALOGUE);
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    TokenStore firstReadHeld = readsHeld(jdbc, reads, release, read -> read == 1);
    TokenVerifier verifier = verifierOver(firstReadHeld);
    Created token = issue(admin);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Verification> before = pool.submit(() -> verifier.verify(token.secret(), IP, false));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (reads.get() < 1) {
        assertThat(System.nanoTime()).as("first read started in time").isLessThan(deadline);
        Thread.onSpinWait();
      }
      verifier.onChange(new Change(Kind.TOKEN, token.token().id()));
      Future<Verification> after = pool.submit(() -> verifier.verify(token.secret(), IP, false));
      assertThat(after.get(30, TimeUnit.SECONDS)).isInstanceOf(Verified.class);
      assertThat(reads.get()).as("the miss after the change read for itself").isEqualTo(2);
      release.countDown();
      assertThat(before.get(30, TimeUnit.SECONDS)).isInstanceOf(Verified.class);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void verifyWhenMissesOfOneValueArriveTogetherThenOneReadAnswersThemAll() throws Exception {
    // A store whose read waits until released: the other misses arrive while it is in progress.
    TokenStore jdbc = new JdbcTokenStore(services.db, Records.CATALOGUE);
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    TokenStore slow = readsHeld(jdbc, reads, release, read -> true);
    TokenVerifier single = verifierOver(slow);
    Created token = issue(admin);
    String unknown = services.secrets.generate();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Thread> threads = new CopyOnWriteArrayList<>();
      List<Future<Verification>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String secret = i < 6 ? token.secret() : unknown;
        answers.add(
            pool.submit(
                () -> {
                  threads.add(Thread.currentThread());
                  return single.verify(secret, IP, false);
                }));
      }
      // Every thread is parked: two reading (one per value), six waiting for those reads.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (threads.size() < 8
          || !threads.stream()
              .allMatch(
                  t ->
                      t.getState() == Thread.State.WAITING
                          || t.getState() == Thread.State.TIMED_WAITING)) {
        assertThat(System.nanoTime()).as("threads parked in time").isLessThan(deadline);
        Thread.onSpinWait();
      }
      release.countDown();
      for (int i = 0; i < 8; i++) {
        Verification answer = answers.get(i).get(30, TimeUnit.SECONDS);
        if (i < 6) {
          assertThat(answer).isInstanceOf(Verified.class);
        } else {
          assertThat(refused(answer)).isEqualTo(Reason.UNKNOWN);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(reads.get()).as("reads for 8 misses of 2 values").isEqualTo(2);
    assertThat(single.cacheStats().loads()).isEqualTo(2);
    assertThat(cached(single, token.secret())).isTrue();
    assertThat(cached(single, unknown)).isTrue();
  }

  @Test
  void verifyWhenMoreTokensMissThanTheCacheHoldsThenTheIndexHoldsOnlyCachedTokens() {
    // A cache of ten under a stream of misses: most new entries are evicted at once (the cache
    // keeps
    // its frequent ones), some by the very put that stored them. The index of digests by token,
    // which a change of a token reads to evict it, must not keep what the cache no longer holds.
    TokenVerifier small = verifierOver(new JdbcTokenStore(services.db, Records.CATALOGUE), 10);
    List<Created> tokens = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      tokens.add(issue(admin));
    }
    for (int round = 0; round < 3; round++) {
      for (Created token : tokens) {
        assertThat(small.verify(token.secret(), IP, false)).isInstanceOf(Verified.class);
      }
    }

    long cached = small.cachedTokens();
    assertThat(cached).isBetween(1L, 10L);
    assertThat(small.indexedTokens()).isEqualTo(cached);
    // And a change of each token still finds the cached ones: nothing answered from memory after.
    tokens.forEach(t -> small.onChange(new Change(Kind.TOKEN, t.token().id())));
    assertThat(small.cachedTokens()).isZero();
    assertThat(small.indexedTokens()).isZero();
  }

  @Test
  void ownerWhenCachedThenSharedByTheirTokensUntilAChangeOfThemEvictsIt() {
    User owner = services.user(tenant, "admin");
    Created first = issue(owner);
    Created second = issue(owner);
    assertThat(verify(first)).isInstanceOf(Verified.class);

    // The owner disabled without notice: the second token, read now, still meets the cached owner.
    services.db.withHandle(
        h ->
            h.createUpdate("UPDATE users SET enabled = FALSE WHERE id = :id")
                .bind("id", owner.id())
                .execute());
    assertThat(verify(second)).isInstanceOf(Verified.class);

    verifier.onChange(new Change(Kind.USER, owner.id()));
    assertThat(cached(verifier, first.secret())).isFalse();
    assertThat(cached(verifier, second.secret())).isFalse();
    assertThat(refused(verify(first))).isEqualTo(Reason.OWNER_DISABLED);
    assertThat(refused(verify(second))).isEqualTo(Reason.OWNER_DISABLED);
  }

  @Test
  void verifyWhenClientDisabledThenItsTokensAreEvictedAndRefused() {
    Client closing = services.tenant();
    Created token = issue(services.user(closing, "admin"));
    Created elsewhere = issue(admin);
    assertThat(verify(token)).isInstanceOf(Verified.class);
    assertThat(verify(elsewhere)).isInstanceOf(Verified.class);

    services.enable(closing, false);

    assertThat(cached(verifier, token.secret())).isFalse();
    assertThat(cached(verifier, elsewhere.secret())).as("another client's token stays").isTrue();
    assertThat(refused(verify(token))).isEqualTo(Reason.CLIENT_DISABLED);
  }

  @Test
  void verifyWhenEverythingMayHaveChangedThenEverythingIsForgotten() {
    Created token = issue(admin);
    assertThat(verify(token)).isInstanceOf(Verified.class);

    // What the change feed says when it listens again after a loss: notices may have been missed.
    verifier.onChange(Change.ALL);

    assertThat(cached(verifier, token.secret())).isFalse();
    assertThat(verify(token)).isInstanceOf(Verified.class);
  }

  // An ALL change (the feed listening again) on a quiet instance, whose cache still holds
  // entries past their lifetime that no upkeep has swept yet.
  @Test
  void onChangeWhenEverythingChangesOverUnsweptExpiredEntriesThenTheCacheStaysConsistent()
      throws Exception {
    HookClock clock = new HookClock(services.clock.instant());
    TokenVerifier v = verifierWith(clock, 1000);
    List<Created> tokens = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tokens.add(issue(admin));
    }
    tokens.forEach(t -> assertThat(v.verify(t.secret(), IP, false)).isInstanceOf(Verified.class));
    assertThat(v.cachedTokens()).isEqualTo(40);
    clock.advance(Services.CACHE_LIFETIME.plusSeconds(1));

    List<java.util.logging.LogRecord> warnings = new CopyOnWriteArrayList<>();
    java.util.logging.Logger caffeine =
        java.util.logging.Logger.getLogger("com.github.benmanes.caffeine.cache.BoundedLocalCache");
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            warnings.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    caffeine.addHandler(handler);
    try {
      v.onChange(Change.ALL);
    } finally {
      caffeine.removeHandler(handler);
    }
    // Reloaded on a daemon thread: a put on a key whose dead node was left in the map would spin.
    ExecutorService pool = daemons("reload");
    try {
      List<String> failed =
          pool.submit(
                  () -> {
                    List<String> out = new ArrayList<>();
                    for (Created t : tokens) {
                      for (int attempt = 1; attempt <= 3; attempt++) {
                        try {
                          assertThat(v.verify(t.secret(), IP, false)).isInstanceOf(Verified.class);
                          break;
                        } catch (RuntimeException e) {
                          out.add("token " + t.token().id() + " attempt " + attempt + ": " + e);
                        }
                      }
                    }
                    return out;
                  })
              .get(20, TimeUnit.SECONDS);
      assertThat(failed).as("reloads that failed").isEmpty();
    } finally {
      pool.shutdownNow();
    }

    List<String> seen = warnings.stream().map(r -> r.getMessage() + ": " + r.getThrown()).toList();
    assertThat(v.indexedTokens()).isEqualTo(40);
    assertThat(v.cachedTokens())
        .as("the cache's size after reloading all 40 (Caffeine's warnings: %s)", seen)
        .isEqualTo(40);
    assertThat(seen).as("Caffeine's warnings during the ALL change").isEmpty();
  }

  // A legacy pair read while an ALL change is under way (after its epoch bump, after the
  // legacy cache was cleared, before the index by token is): the read is current, so it may be
  // cached, but then a change of its token must still evict it.
  @Test
  void verifyLegacyWhenCachedDuringAChangeOfEverythingThenItsTokensChangeStillEvictsIt()
      throws Exception {
    HookClock clock = new HookClock(services.clock.instant());
    Created token = issue(admin);
    long tokenId = token.token().id();
    dev.tokensmith.testing.LegacyPairs.Pair pair = dev.tokensmith.testing.LegacyPairs.next();
    LegacyStore.Pair stored =
        new LegacyStore.Pair(
            admin.id(), pair.uuid(), tokenId, services.secrets.digest(pair.secret()));
    LegacyStore legacy =
        new LegacyStore() {
          @Override
          public java.util.Optional<Pair> findByUuid(String uuid) {
            return uuid.equals(pair.uuid())
                ? java.util.Optional.of(stored)
                : java.util.Optional.empty();
          }

          @Override
          public java.util.Optional<Pair> findByUser(long userId) {
            return java.util.Optional.empty();
          }

          @Override
          public void insert(Pair p, long createAtMillis) {
            throw new UnsupportedOperationException();
          }

          @Override
          public boolean end(long id, long endedAtMillis) {
            return false;
          }

          @Override
          public java.util.Set<Long> activeAmong(java.util.Collection<Long> tokenIds) {
            return java.util.Set.of();
          }
        };
    TokenVerifier v =
        new TokenVerifier(
            new JdbcTokenStore(services.db, Records.CATALOGUE),
            legacy,
            services.directory,
            services.clients,
            services.secrets,
            clock,
            Services.CACHE_LIFETIME,
            1000);
    ExecutorService pool = daemons("all-change");
    try {
      // The change's thread is held where it clears its fourth cache (known, owners, legacyKnown,
      // legacyUnknown: Caffeine's clear reads the clock first).
      Future<?> change =
          pool.submit(
              () -> {
                clock.holdOnce(
                    Thread.currentThread(), HookClock.in(".BoundedLocalCache", "clear"), 4);
                v.onChange(Change.ALL);
              });
      assertThat(clock.held.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(v.verifyLegacy(pair.uuid(), pair.secret(), IP, false))
          .isInstanceOf(Verified.class);
      clock.release.countDown();
      change.get(10, TimeUnit.SECONDS);
    } finally {
      clock.release.countDown();
      pool.shutdownNow();
    }
    assertThat(v.verifyLegacyCached(pair.uuid(), pair.secret(), IP, false)).isPresent();

    // The token disabled, and its change told.
    services.db.withHandle(
        h ->
            h.createUpdate("UPDATE api_tokens SET enabled = FALSE WHERE id = :id")
                .bind("id", tokenId)
                .execute());
    v.onChange(new Change(Kind.TOKEN, tokenId));
    assertThat(v.verifyLegacyCached(pair.uuid(), pair.secret(), IP, false))
        .as("cached after its token's change")
        .isEmpty();
    assertThat(refused(v.verifyLegacy(pair.uuid(), pair.secret(), IP, false)))
        .isEqualTo(Reason.DISABLED);
  }

  // A read of an owner that passes the epoch check just before a change of that owner, and
  // puts the owner it read (now stale) after the change's eviction.
  @Test
  void ownerWhenReadJustBeforeTheirChangeThenNotKeptAfterIt() throws Exception {
    HookClock clock = new HookClock(services.clock.instant());
    TokenVerifier v = verifierWith(clock, 1000);
    User owner = services.user(tenant, "admin");
    Created first = issue(owner);
    Created second = issue(owner);
    ExecutorService pool = daemons("owner-read");
    try {
      // Held where it puts the owner into the owners cache (Caffeine's put reads the clock first).
      Future<Verification> reading =
          pool.submit(
              () -> {
                clock.holdOnce(
                    Thread.currentThread(),
                    HookClock.in(".TokenVerifier", "snapshot")
                        .and(HookClock.in(".BoundedLocalCache", "put")),
                    1);
                return v.verify(first.secret(), IP, false);
              });
      assertThat(clock.held.await(10, TimeUnit.SECONDS)).isTrue();
      services.db.withHandle(
          h ->
              h.createUpdate("UPDATE users SET enabled = FALSE WHERE id = :id")
                  .bind("id", owner.id())
                  .execute());
      v.onChange(new Change(Kind.USER, owner.id()));
      clock.release.countDown();
      reading.get(10, TimeUnit.SECONDS);
    } finally {
      clock.release.countDown();
      pool.shutdownNow();
    }
    assertThat(refused(v.verify(second.secret(), IP, false)))
        .as("a token of the owner read after the change")
        .isEqualTo(Reason.OWNER_DISABLED);
  }

  // Threads that cannot keep the test JVM alive if a race test leaves one waiting.
  private static ExecutorService daemons(String name) {
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private static TokenVerifier verifierWith(java.time.Clock clock, long cacheSize) {
    return new TokenVerifier(
        new JdbcTokenStore(services.db, Records.CATALOGUE),
        new JdbcLegacyStore(services.db),
        services.directory,
        services.clients,
        services.secrets,
        clock,
        Services.CACHE_LIFETIME,
        cacheSize);
  }

  /**
   * A clock the test moves, which can hold one thread once where it reads the time at a given place
   * (as a preemption there would).
   */
  static final class HookClock extends java.time.Clock {
    private volatile java.time.Instant now;
    private volatile Thread target;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HookClock(java.time.Instant start) {
      now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    private volatile java.util.function.Predicate<List<StackWalker.StackFrame>> where;

    static java.util.function.Predicate<List<StackWalker.StackFrame>> in(
        String className, String method) {
      return frames ->
          frames.stream()
              .anyMatch(
                  f ->
                      f.getClassName().endsWith(className)
                          && (method == null || f.getMethodName().equals(method)));
    }

    private volatile int skip;

    // Held at the nth read of the clock by the thread where {@code at} matches its stack.
    void holdOnce(
        Thread thread, java.util.function.Predicate<List<StackWalker.StackFrame>> at, int nth) {
      where = at;
      skip = nth - 1;
      target = thread;
    }

    @Override
    public long millis() {
      if (target == Thread.currentThread()
          && where.test(StackWalker.getInstance().walk(frames -> frames.toList()))
          && skip-- == 0) {
        target = null;
        held.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return now.toEpochMilli();
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.ofEpochMilli(millis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  // A verifier over another store (a proxy that races or holds reads), with the test's services.
  private static TokenVerifier verifierOver(TokenStore store) {
    return verifierOver(store, 1000);
  }

  private static TokenVerifier verifierOver(TokenStore store, long cacheSize) {
    return new TokenVerifier(
        store,
        new JdbcLegacyStore(services.db),
        services.directory,
        services.clients,
        services.secrets,
        services.clock,
        Services.CACHE_LIFETIME,
        cacheSize);
  }

  /**
   * The store whose lookups by digest are counted in {@code reads}, those of the counts {@code
   * held} accepts waiting for {@code release} before they read.
   */
  private static TokenStore readsHeld(
      TokenStore store, AtomicInteger reads, CountDownLatch release, IntPredicate held) {
    return (TokenStore)
        Proxy.newProxyInstance(
            TokenStore.class.getClassLoader(),
            new Class<?>[] {TokenStore.class},
            (proxy, method, args) -> {
              if (method.getName().startsWith("findBySecretDigest")
                  && held.test(reads.incrementAndGet())) {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
