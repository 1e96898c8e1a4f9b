package dev.tokensmith.tokens;

import dev.tokensmith.access.Access;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.storage.Database;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserChanges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Token changes that follow from something else: the owner disabled (T8), narrowed (T9), deleted,
 * or losing API access; expiry (T5) and purge (T10) for the scheduler. The owner cascades run
 * inside the caller's transaction, so the user change and its token changes commit together.
 */
public final class TokenLifecycle implements UserChanges {
  /** How long a disabled token is kept before the purge deletes it (T10). */
  public static final Duration PURGE_AFTER = Duration.ofDays(7);

  private static final int BATCH = 500;

  private final Database db;
  private final TokenStore store;
  private final TokenWriter writer;
  private final ClientService clients;
  private final Access access;
  private final Clock clock;

  public TokenLifecycle(
      Database db,
      TokenStore store,
      TokenWriter writer,
      ClientService clients,
      Access access,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.clients = clients;
    this.access = access;
    this.clock = clock;
  }

  @Override
  public void disabled(User owner, Origin origin) {
    disableAll(owner, DisabledReason.OWNER_DISABLED, origin);
  }

  @Override
  public void apiAccessRevoked(User owner, Origin origin) {
    disableAll(owner, DisabledReason.API_ACCESS_REVOKED, origin);
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

  /** Intersects every personal token with the owner's new permissions, for good (T9). */
  @Override
  public void permissionsChanged(User owner, Client ownerClient, Origin origin) {
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      Client tokenClient =
          token.clientId() == ownerClient.id()
              ? ownerClient
              : clients.find(token.clientId()).orElse(ownerClient);
      // A backward-compatible token follows its owner's role, wider as well as narrower (4.5).
      // Otherwise judge the role itself: a disabled user or client must not wipe the tokens'
      // permissions.
      ApiToken narrowed =
          token.scope().legacy()
              ? followOwner(token, owner)
              : writer.narrowed(token, access.rolePermissionsIn(owner, ownerClient, tokenClient));
      if (narrowed != token) {
        writer.update(origin, token, narrowed);
      }
    }
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
   * stored list, each change recorded as the system's; call inside the start's transaction (after
   * the users).
   */
  public int narrowToCatalogue() {
    Catalogue catalogue = access.catalogue();
    int narrowed = 0;
    for (ApiToken token : store.lockCustom()) {
      Optional<Grant> kept = catalogue.withoutRemoved(token.grant());
      if (kept.isPresent()) {
        writer.update(Origin.SYSTEM, token, token.draft().grant(kept.get()).build());
        narrowed++;
      }
    }
    return narrowed;
  }

  /** Deletes every personal token of the user (the user is being deleted). */
  @Override
  public void deleted(User owner, Origin origin) {
    for (ApiToken token : writer.lockPersonalTokens(owner.id())) {
      writer.delete(origin, token);
    }
  }

  /** Disables tokens whose expiry has come (T5); returns how many. */
  public int expireDue() {
    Instant now = clock.instant();
    List<ApiToken> due = store.findExpiredEnabled(now.toEpochMilli(), BATCH);
    for (ApiToken seen : due) {
      // Read again under the lock: a request may have given it a new expiry or disabled it
      // meanwhile.
      db.inTransaction(
          () ->
              store
                  .lock(seen.id())
                  .filter(t -> t.enabled() && t.expiredAt(now))
                  .ifPresent(
                      token ->
                          writer.update(
                              Origin.SYSTEM,
                              token,
                              token
                                  .draft()
                                  .enabled(false)
                                  .disabledReason(DisabledReason.EXPIRED)
                                  .disabledAt(token.expireAt())
                                  .build())));
    }
    return due.size();
  }

  /** Deletes tokens disabled for longer than {@link #PURGE_AFTER} (T10); returns how many. */
  public int purge() {
    long cutoff = clock.instant().minus(PURGE_AFTER).toEpochMilli();
    List<ApiToken> old = store.findDisabledBefore(cutoff, BATCH);
    for (ApiToken seen : old) {
      // Read again under the lock: a token enabled again meanwhile stays.
      db.inTransaction(
          () ->
              store
                  .lock(seen.id())
                  .filter(
                      t ->
                          !t.enabled()
                              && t.state().disabledAt() != null
                              && t.state().disabledAt().toEpochMilli() <= cutoff)
                  .ifPresent(token -> writer.delete(Origin.SYSTEM, token)));
    }
    store.deleteEndedGraceSecrets(clock.millis());
    return old.size();
  }
}
