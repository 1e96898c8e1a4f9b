package dev.tokensmith.tokens;

import dev.tokensmith.access.Access;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.storage.BatchWalk;
import dev.tokensmith.storage.Database;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserChanges;
import dev.tokensmith.users.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token changes that follow from something else: the owner disabled, narrowed, deleted, or losing
 * API access; expiry and purge for the scheduler. The owner cascades run inside the caller's
 * transaction, so the user change and its token changes commit together, except the disabled
 * owner's: verification refuses every token of a disabled owner from the moment the user's row
 * commits, so their tokens are then rewritten in batches of their own, resumable after a crash (the
 * user's row and a pending cascade row commit together; the last batch removes the latter).
 *
 * <p>Expiry, purge and those cascades work in batches of at most {@link #BATCH} tokens, each one
 * transaction of set-based statements over rows it locks, so no statement and no lock lasts long
 * whatever the number of tokens; a scheduler round keeps taking batches until none is left or
 * {@link #ROUND_BUDGET} is used, pausing between them so verification keeps its share of the
 * database.
 */
public final class TokenLifecycle implements UserChanges {
  private static final Logger LOG = LoggerFactory.getLogger(TokenLifecycle.class);

  /** How long a disabled token is kept before the purge deletes it. */
  public static final Duration PURGE_AFTER = Duration.ofDays(7);

  /** The most tokens one batch (one transaction) changes. */
  static final int BATCH = 200;

  /** How long one job of a scheduler round keeps taking batches. */
  static final Duration ROUND_BUDGET = Duration.ofSeconds(10);

  /**
   * The longest pause between batches. A pause lasts as long as the batch took: a job never takes
   * more than half of the time of one connection, and backs off as the database slows down.
   */
  private static final long MAX_PAUSE_MILLIS = 1000;

  private final Database db;
  private final TokenStore store;
  private final TokenWriter writer;
  private final UserDirectory users;
  private final ClientService clients;
  private final Access access;
  private final Clock clock;
  private final OwnerCascades cascades;

  public TokenLifecycle(
      Database db,
      TokenStore store,
      TokenWriter writer,
      UserDirectory users,
      ClientService clients,
      Access access,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.users = users;
    this.clients = clients;
    this.access = access;
    this.clock = clock;
    this.cascades = new OwnerCascades(db);
  }

  /**
   * Records the cascade with the user's change and, once that commits, disables the user's enabled
   * personal tokens in batches before the caller answers; what a crash interrupts, the next
   * scheduler round finishes ({@link #finishOwnerCascades}).
   */
  @Override
  public void disabled(User owner, Origin origin) {
    cascades.begin(owner.id(), clock.millis(), origin);
    db.afterCommit(() -> finishQuietly(owner.id()));
  }

  /**
   * A disabled owner's tokens are the disable cascade's (their reason stays {@code
   * owner_disabled}); an enabled owner's are disabled here, in the change's transaction.
   */
  @Override
  public void apiAccessRevoked(User owner, Origin origin) {
    if (!owner.enabled()) {
      return;
    }
    disableAll(owner, DisabledReason.API_ACCESS_REVOKED, origin);
  }

  /**
   * A user enabled again: a disable cascade still pending is finished first, in this transaction,
   * so no token enabled at the disable comes back with its owner.
   */
  @Override
  public void enabled(User owner, Origin origin) {
    // Each batch joins the caller's transaction, which holds the user's row.
    finish(owner.id(), false, Long.MAX_VALUE);
  }

  // Every enabled personal token of the user, disabled with the reason.
  private void disableAll(User owner, DisabledReason reason, Origin origin) {
    Instant now = clock.instant();
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      if (token.enabled()) {
        writer.update(
            origin,
            token,
            token.draft().enabled(false).disabledReason(reason).disabledAt(now).build());
      }
    }
  }

  /** Intersects every personal token with the owner's new permissions, for good. */
  @Override
  public void permissionsChanged(User owner, Client ownerClient, Origin origin) {
    List<TokenChange> narrowed = new ArrayList<>();
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      narrowedToOwner(token, owner, ownerClient).ifPresent(narrowed::add);
    }
    writer.updateAll(origin, narrowed);
  }

  // A locked personal token narrowed to its owner, empty when it stays as it is. A
  // backward-compatible token follows its owner's role, wider as well as narrower. Otherwise judge
  // the role itself: a disabled user or client must not wipe the tokens' permissions.
  private Optional<TokenChange> narrowedToOwner(ApiToken token, User owner, Client ownerClient) {
    Client tokenClient =
        token.clientId() == ownerClient.id()
            ? ownerClient
            : clients.find(token.clientId()).orElse(ownerClient);
    ApiToken narrowed =
        token.scope().legacy()
            ? followOwner(token, owner)
            : writer.narrowed(token, access.rolePermissionsIn(owner, ownerClient, tokenClient));
    return narrowed == token ? Optional.empty() : Optional.of(new TokenChange(token, narrowed));
  }

  /**
   * Narrows the personal tokens of a user to what their role holds now (the catalogue took
   * permissions from the role), for good, each change recorded as the system's; in batches, each
   * its own transaction that locks the user's row first. Returns how many tokens changed.
   */
  public int narrowToRole(long userId) {
    return BatchWalk.run(
        db,
        BATCH,
        (after, size) -> {
          Optional<User> owner = users.lock(userId);
          Optional<Client> ownerClient = owner.flatMap(u -> clients.find(u.clientId()));
          if (ownerClient.isEmpty()) {
            return new BatchWalk.Step(0, after, true);
          }
          List<ApiToken> tokens = store.lockByUser(userId, after, size);
          List<TokenChange> narrowed = new ArrayList<>();
          for (ApiToken token : tokens) {
            // A backward-compatible token is its owner's role itself: nothing to narrow.
            if (!token.scope().legacy()) {
              narrowedToOwner(token, owner.get(), ownerClient.get()).ifPresent(narrowed::add);
            }
          }
          writer.updateAll(Origin.SYSTEM, narrowed);
          return BatchWalk.Step.of(narrowed.size(), tokens, ApiToken::id, after, size);
        });
  }

  private static ApiToken followOwner(ApiToken token, User owner) {
    return token.grant().written().equals(owner.grant().written())
        ? token
        : token.draft().grant(owner.grant()).build();
  }

  /** Ends the legacy pair of the user's backward-compatible token: they sign in with SSO now. */
  @Override
  public void ssoStarted(User owner, Origin origin) {
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      writer.endLegacyPair(origin, token);
    }
  }

  /**
   * Takes the permissions of resources the catalogue no longer has out of every custom token's
   * stored list, each change recorded as the system's, batch after batch (after the users').
   */
  public int narrowToCatalogue() {
    Catalogue catalogue = access.catalogue();
    return BatchWalk.run(
        db,
        BATCH,
        (after, size) -> {
          List<ApiToken> tokens = store.lockCustom(after, size);
          List<TokenChange> narrowed = new ArrayList<>();
          for (ApiToken token : tokens) {
            catalogue
                .withoutRemoved(token.grant())
                .ifPresent(
                    kept ->
                        narrowed.add(new TokenChange(token, token.draft().grant(kept).build())));
          }
          writer.updateAll(Origin.SYSTEM, narrowed);
          return BatchWalk.Step.of(narrowed.size(), tokens, ApiToken::id, after, size);
        });
  }

  /**
   * The owner's new name goes on each of their tokens (the list by owner's name reads it there).
   */
  @Override
  public void renamed(User owner) {
    store.ownerRenamed(owner.id(), owner.realname());
  }

  /** Deletes every personal token of the user (the user is being deleted). */
  @Override
  public void deleted(User owner, Origin origin) {
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      writer.delete(origin, token);
    }
  }

  /** Disables tokens whose expiry has come, batch after batch; returns how many. */
  public int expireDue() {
    return inBatches(
        "tokens.expire",
        () -> {
          List<ApiToken> due = store.lockExpiredEnabled(clock.millis(), BATCH);
          // Disabled as of their expiry, which is when they stopped working.
          writer.disableAll(Origin.SYSTEM, due, DisabledReason.EXPIRED, null);
          return due.size();
        });
  }

  /**
   * Deletes tokens disabled for longer than {@link #PURGE_AFTER}, batch after batch; returns how
   * many.
   */
  public int purge() {
    int purged =
        inBatches(
            "tokens.purge",
            () -> {
              long cutoff = clock.instant().minus(PURGE_AFTER).toEpochMilli();
              List<ApiToken> old = store.lockDisabledBefore(cutoff, BATCH);
              writer.deleteAll(Origin.SYSTEM, old);
              return old.size();
            });
    store.deleteEndedGraceSecrets(clock.millis());
    return purged;
  }

  /**
   * Finishes the disable cascades a crash (or a failure after the user's change) left pending,
   * within the round's budget; returns how many tokens it disabled.
   */
  public int finishOwnerCascades() {
    long deadline = System.nanoTime() + ROUND_BUDGET.toNanos();
    int total = 0;
    for (long userId : cascades.pending()) {
      total += finish(userId, true, deadline);
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    return total;
  }

  // After the user's change committed: a failure leaves the rest to the scheduler, the change
  // itself stands (and verification refuses the tokens already).
  private void finishQuietly(long userId) {
    try {
      finish(userId, false, Long.MAX_VALUE);
    } catch (RuntimeException e) {
      LOG.warn(
          "disabling the tokens of user {} stopped; the next background round goes on", userId, e);
    }
  }

  // With skipLocked (the scheduler), a cascade whose user row is held is left to whoever holds it.
  private int finish(long userId, boolean skipLocked, long deadline) {
    int total = 0;
    long after = 0;
    Instant cascade = null;
    while (true) {
      CascadeBatch batch = cascadeBatch(userId, after, cascade, skipLocked);
      total += batch.disabled();
      after = batch.lastId();
      cascade = batch.cascade();
      if (batch.last() || System.nanoTime() > deadline) {
        return total;
      }
    }
  }

  /**
   * @param cascade when the user was disabled, for the cascade the batch belongs to
   */
  private record CascadeBatch(int disabled, long lastId, Instant cascade, boolean last) {}

  // One batch of the disable cascade of a user, in its own transaction (or the caller's): the next
  // of their enabled tokens in id order (a disabled user gets no new or re-enabled token). A
  // cascade other than the one the earlier batches belonged to (the user was enabled and disabled
  // again meanwhile, and a token enabled between) starts from the user's first token.
  private CascadeBatch cascadeBatch(long userId, long after, Instant cascade, boolean skipLocked) {
    return db.inTransaction(
        () -> {
          // The user's row first, the lock order of every change: a re-enable waits for the batch.
          Optional<OwnerCascades.Pending> pending = cascades.lock(userId, skipLocked);
          if (pending.isEmpty()) {
            return new CascadeBatch(0, after, cascade, true);
          }
          Instant disabledAt = pending.get().disabledAt();
          long from = cascade == null || cascade.equals(disabledAt) ? after : 0;
          List<ApiToken> tokens = store.lockEnabledByUser(userId, from, BATCH);
          writer.disableAll(
              pending.get().origin(), tokens, DisabledReason.OWNER_DISABLED, disabledAt);
          boolean last = tokens.size() < BATCH;
          if (last) {
            cascades.end(userId);
          }
          long lastId = tokens.isEmpty() ? from : tokens.get(tokens.size() - 1).id();
          return new CascadeBatch(tokens.size(), lastId, disabledAt, last);
        });
  }

  // Runs batches until one comes back short or the round's budget is used, pausing between them.
  private int inBatches(String job, IntSupplier batch) {
    long start = System.nanoTime();
    long deadline = start + ROUND_BUDGET.toNanos();
    int total = 0;
    int batches = 0;
    long longest = 0;
    while (true) {
      long began = System.nanoTime();
      int handled = db.inTransaction(batch::getAsInt);
      long took = System.nanoTime() - began;
      longest = Math.max(longest, took);
      total += handled;
      batches++;
      if (handled < BATCH || System.nanoTime() > deadline) {
        break;
      }
      pause(Math.min(MAX_PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(took)));
    }
    if (batches > 1) {
      LOG.info(
          "{}: {} in {} batches, longest batch {} ms, {} ms in all",
          job,
          total,
          batches,
          TimeUnit.NANOSECONDS.toMillis(longest),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    return total;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
