package dev.tokensmith.clients;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokensmith.access.Accounts;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Clients, partners and tenants. Authorization lives in {@link TenantService} (through {@code
 * Access}); this service keeps the data rules: unique {@code vuln_prefix}, a partner's technical
 * tenant.
 */
public final class ClientService implements Accounts {
  private static final String PREFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private final Database db;
  private final ClientStore store;
  private final ActivityLog activity;
  private final Clock clock;
  private final SecureRandom random;
  private final ChangeFeed changes;
  // Clients are read on every verification; cached like tokens, evicted through the change feed.
  private final Cache<Long, Client> cache;
  private final AtomicLong epoch = new AtomicLong();

  public ClientService(
      Database db,
      ClientStore store,
      ActivityLog activity,
      Clock clock,
      SecureRandom random,
      ChangeFeed changes,
      Duration cacheLifetime) {
    this.db = db;
    this.store = store;
    this.activity = activity;
    this.clock = clock;
    this.random = random;
    this.changes = changes;
    this.cache =
        Caffeine.newBuilder()
            .ticker(() -> clock.millis() * 1_000_000L)
            .recordStats()
            .expireAfterWrite(cacheLifetime)
            .maximumSize(100_000)
            .build();
  }

  /** The client cache, for its metrics (size, hits, misses, evictions). */
  public Cache<?, ?> cache() {
    return cache;
  }

  /** The client, or empty. */
  @Override
  public Optional<Client> find(long id) {
    Client cached = cache.getIfPresent(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    long before = epoch.get();
    Optional<Client> found = store.find(id);
    if (found.isPresent() && epoch.get() == before) {
      cache.put(id, found.get());
      if (epoch.get() != before) {
        // A change arrived between the check and the put: what was read may be stale.
        cache.invalidate(id);
      }
    }
    return found;
  }

  /** Drops cached clients a change makes stale. */
  public void onChange(ChangeFeed.Change change) {
    if (change.kind() == ChangeFeed.Kind.CLIENT || change.kind() == ChangeFeed.Kind.ALL) {
      epoch.incrementAndGet();
      if (change.kind() == ChangeFeed.Kind.ALL) {
        cache.invalidateAll();
      } else {
        cache.invalidate(change.id());
      }
    }
  }

  public Optional<Partner> findPartner(long id) {
    return store.findPartner(id);
  }

  /** True once the first partner exists (the server has been set up). */
  public boolean initialized() {
    return store.anyPartner();
  }

  /** Creates a partner with its technical tenant (named like the partner); returns the tenant. */
  public Client createPartner(String name, Origin origin) {
    return db.inTransaction(
        () -> {
          long partnerId = store.insertPartner(UUID.randomUUID().toString(), name);
          Client technical = insertClient(name, freePrefix(), partnerId, origin);
          store.setTechnicalClient(partnerId, technical.id());
          return store.find(technical.id()).orElseThrow();
        });
  }

  /**
   * Creates a tenant of a partner; the prefix must be free (else a conflict); a null prefix gets a
   * random one.
   */
  public Client createTenant(long partnerId, String name, String vulnPrefix, Origin origin) {
    return db.inTransaction(
        () ->
            insertClient(name, vulnPrefix != null ? vulnPrefix : freePrefix(), partnerId, origin));
  }

  private Client insertClient(String name, String vulnPrefix, Long partnerId, Origin origin) {
    long id =
        store.insert(
            UUID.randomUUID().toString(), name, vulnPrefix, true, partnerId, clock.millis());
    Client client = store.find(id).orElseThrow();
    activity.record(
        origin,
        id,
        "client",
        id,
        name,
        "create",
        ActivityLog.changes().put("name", null, name).put("vuln_prefix", null, vulnPrefix).map());
    return client;
  }

  /** Clients of a partner, ordered by id; all of them when {@code ids} is empty. */
  public List<Client> listByPartner(
      long partnerId, Collection<Long> ids, boolean tenantsOnly, Window window) {
    return store.listByPartner(partnerId, ids, tenantsOnly, window);
  }

  /**
   * The client as it is now, its row locked until the caller's transaction ends (a change that
   * counts or reads the client's rows to decide, such as a token limit, takes turns this way); or
   * empty.
   */
  public Optional<Client> lock(long id) {
    return store.lock(id);
  }

  /**
   * Changes a client: {@code change} gets the client as read under its row lock and returns its new
   * values (or throws to refuse); the new values are written and what changed is recorded.
   */
  public Client update(long id, UnaryOperator<Client> change, Origin origin) {
    return db.inTransaction(
        () -> {
          Client before = store.lock(id).orElseThrow(ServiceException::notFound);
          Client after = change.apply(before);
          store.update(after);
          changes.publish(ChangeFeed.Kind.CLIENT, before.id());
          ActivityLog.Changes changes =
              ActivityLog.changes()
                  .put("name", before.name(), after.name())
                  .put("enabled", before.enabled(), after.enabled())
                  .put("show_once", before.showOnce(), after.showOnce())
                  .put("max_tokens", before.maxTokens(), after.maxTokens())
                  .put(
                      "token_max_lifetime_days",
                      before.tokenPolicy().maxLifetimeDays(),
                      after.tokenPolicy().maxLifetimeDays())
                  .put(
                      "token_default_lifetime_days",
                      before.tokenPolicy().defaultLifetimeDays(),
                      after.tokenPolicy().defaultLifetimeDays())
                  .put(
                      "shared_tokens_require_allowed_ips",
                      before.tokenPolicy().sharedRequireAllowedIps(),
                      after.tokenPolicy().sharedRequireAllowedIps());
          if (!changes.isEmpty()) {
            String action =
                before.enabled() == after.enabled()
                    ? "update"
                    : after.enabled() ? "enable" : "disable";
            activity.record(
                origin, before.id(), "client", before.id(), after.name(), action, changes.map());
          }
          return store.find(before.id()).orElseThrow();
        });
  }

  // A random prefix no client has yet (a few tries; the unique key has the last word).
  private String freePrefix() {
    String prefix = randomPrefix();
    for (int tries = 1; tries < 10 && store.prefixTaken(prefix); tries++) {
      prefix = randomPrefix();
    }
    return prefix;
  }

  private String randomPrefix() {
    StringBuilder prefix = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      prefix.append(PREFIX_ALPHABET.charAt(random.nextInt(PREFIX_ALPHABET.length())));
    }
    return prefix.toString();
  }
}
