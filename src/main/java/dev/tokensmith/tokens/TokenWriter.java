package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.Cap;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.tokens.TokenCommands.Create;
import dev.tokensmith.tokens.TokenCommands.Issued;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.webhooks.WebhookEvent;
import dev.tokensmith.webhooks.WebhookEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The writes every token change is made of, each with its activity record: the caller-driven ones
 * ({@link TokenService}) and the system-driven ones ({@link TokenLifecycle}) share them. Callers
 * open the transaction.
 */
public final class TokenWriter {
  /** The name a backward-compatible token gets at its import. */
  static final String LEGACY_NAME = "Backward-compatible token";

  private final TokenStore store;
  private final UserDirectory users;
  private final ClientService clients;
  private final Access access;
  private final TokenSecrets secrets;
  private final ActivityLog activity;
  private final Clock clock;
  private final ChangeFeed changes;
  private final LegacyStore legacy;
  private final WebhookEvents events;

  public TokenWriter(
      TokenStore store,
      UserDirectory users,
      ClientService clients,
      Access access,
      TokenSecrets secrets,
      ActivityLog activity,
      Clock clock,
      ChangeFeed changes,
      LegacyStore legacy,
      WebhookEvents events) {
    this.store = store;
    this.users = users;
    this.clients = clients;
    this.access = access;
    this.secrets = secrets;
    this.activity = activity;
    this.clock = clock;
    this.changes = changes;
    this.legacy = legacy;
    this.events = events;
  }

  // The row is written once, its sealed secret included: the id the ciphertext is bound to is taken
  // first. Its lookup digest is a row of its own (a renewed token has two values for a while).
  Issued insert(Caller caller, Client target, Create cmd) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String secret = secrets.generate();
    long id = store.newId();
    ApiToken token =
        new ApiToken(
            id,
            new ApiToken.Owner(
                target.id(),
                cmd.shared() ? null : caller.user().id(),
                caller.actingUserId(),
                cmd.shared()),
            cmd.realname(),
            cmd.description(),
            new ApiToken.Scope(cmd.usage(), cmd.grant(), cmd.allowedIps(), false),
            cmd.enabled()
                ? new ApiToken.State(true, null, null, cmd.expireAt())
                : new ApiToken.State(false, DisabledReason.MANUAL, now, cmd.expireAt()),
            new ApiToken.Secret(secrets.hint(secret), seal(target, id, secret), now),
            ApiToken.History.createdAt(now));
    store.insert(token, secrets.digest(secret));
    activity.record(
        caller.origin(),
        target.id(),
        "api_token",
        id,
        token.realname(),
        "create",
        ActivityLog.changes()
            .put("realname", null, token.realname())
            .put("description", null, token.description())
            .put("shared", null, token.shared())
            .put("usage", null, token.scope().usage().id())
            .put("permissions", null, token.permissionsAsWritten())
            .put("enabled", null, token.enabled())
            .put("expire_at", null, text(token.expireAt()))
            .put("allowed_ips", null, token.scope().allowedIps())
            .put("secret_hint", null, token.secretHint())
            .map());
    events.publish(WebhookEvent.TOKEN_CREATED, token.clientId(), webhookData(token));
    return new Issued(token, secret);
  }

  /**
   * The owner's backward-compatible token with its legacy pair (4.5): an ordinary value of its own,
   * the owner's role as its grant, never an expiry; only {@code secretDigest} of the pair's secret
   * key is kept, beside its UUID.
   */
  Issued insertLegacy(
      Origin origin, long createdBy, User owner, Client client, String uuid, String secretDigest) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String secret = secrets.generate();
    long id = store.newId();
    // Imported under a client's maximum lifetime, the token expires as a new token does: after the
    // default lifetime, else the maximum (the old pair worked for ever; this one is new here).
    var policy = client.tokenPolicy();
    Integer days =
        policy.defaultLifetimeDays() != null
            ? policy.defaultLifetimeDays()
            : policy.maxLifetimeDays();
    Instant expireAt = days == null ? null : now.plus(Duration.ofDays(days));
    ApiToken token =
        new ApiToken(
            id,
            new ApiToken.Owner(client.id(), owner.id(), createdBy, false),
            LEGACY_NAME,
            null,
            new ApiToken.Scope(Usage.API, owner.grant(), List.of(), true),
            new ApiToken.State(true, null, null, expireAt),
            new ApiToken.Secret(secrets.hint(secret), seal(client, id, secret), now),
            ApiToken.History.createdAt(now));
    store.insert(token, secrets.digest(secret));
    legacy.insert(new LegacyStore.Pair(owner.id(), uuid, id, secretDigest), now.toEpochMilli());
    // An instance may hold the UUID in its unknown cache (old clients kept trying before the
    // import): the owner's change clears it everywhere.
    changes.publish(ChangeFeed.Kind.USER, owner.id());
    activity.record(
        origin,
        client.id(),
        "api_token",
        id,
        token.realname(),
        "create",
        ActivityLog.changes()
            .put("realname", null, token.realname())
            .put("legacy", null, true)
            .put("legacy_pair", null, true)
            .put("user_id", null, owner.id())
            .put("expire_at", null, expireAt == null ? null : expireAt.toString())
            .put("source_role", null, token.sourceRole())
            .put("secret_hint", null, token.secretHint())
            .map());
    events.publish(WebhookEvent.TOKEN_CREATED, token.clientId(), webhookData(token));
    return new Issued(token, secret);
  }

  /**
   * Ends a backward-compatible token's legacy pair for good: the digest of its secret key is
   * erased, every instance forgets it, and the end is recorded. Nothing when it had already ended.
   */
  void endLegacyPair(Origin origin, ApiToken token) {
    if (!token.scope().legacy() || !legacy.end(token.id(), clock.millis())) {
      return;
    }
    changes.publish(ChangeFeed.Kind.TOKEN, token.id());
    activity.record(
        origin,
        token.clientId(),
        "api_token",
        token.id(),
        token.realname(),
        "update",
        ActivityLog.changes().put("legacy_pair", true, false).map());
  }

  /** Which of these tokens still answer to their legacy pair. */
  Set<Long> legacyPairsActive(Collection<Long> tokenIds) {
    return legacy.activeAmong(tokenIds);
  }

  ApiToken update(Origin origin, ApiToken before, ApiToken after) {
    return update(origin, before, before, after);
  }

  /**
   * The same, where the caller judged the change on the token as seen ({@code before}: an expired
   * token reads as disabled) while the row still holds {@code stored}: the columns are compared
   * with the row, so what the caller saw (disabled, expired) is written too, never lost.
   */
  ApiToken update(Origin origin, ApiToken stored, ApiToken before, ApiToken after) {
    store.update(stored, after);
    changes.publish(ChangeFeed.Kind.TOKEN, after.id());
    ActivityLog.Changes changes = changed(before, after);
    if (!changes.isEmpty()) {
      activity.record(entry(origin, before, after, changes));
      publishEnabledChange(before, after);
    }
    return after;
  }

  /**
   * Writes many changes of tokens the caller holds locked, each as {@link #update} would (its
   * record, webhook event and cache eviction), with batched statements.
   */
  void updateAll(Origin origin, List<TokenChange> locked) {
    if (locked.isEmpty()) {
      return;
    }
    store.updateAll(locked);
    changes.publishAll(
        ChangeFeed.Kind.TOKEN, locked.stream().map(change -> change.after().id()).toList());
    List<ActivityLog.Entry> records = new ArrayList<>(locked.size());
    for (TokenChange change : locked) {
      ApiToken before = change.before();
      ApiToken after = change.after();
      ActivityLog.Changes changed = changed(before, after);
      if (changed.isEmpty()) {
        continue;
      }
      records.add(entry(origin, before, after, changed));
      publishEnabledChange(before, after);
    }
    activity.recordAll(records);
  }

  // The webhook event of a change that enabled or disabled the token, if it did.
  private void publishEnabledChange(ApiToken before, ApiToken after) {
    if (before.enabled() != after.enabled()) {
      events.publish(
          after.enabled() ? WebhookEvent.TOKEN_ENABLED : WebhookEvent.TOKEN_DISABLED,
          after.clientId(),
          webhookData(after));
    }
  }

  private static ActivityLog.Entry entry(
      Origin origin, ApiToken before, ApiToken after, ActivityLog.Changes changed) {
    return new ActivityLog.Entry(
        origin,
        after.clientId(),
        "api_token",
        after.id(),
        after.realname(),
        action(before, after),
        changed.map());
  }

  private static ActivityLog.Changes changed(ApiToken before, ApiToken after) {
    return ActivityLog.changes()
        .put("realname", before.realname(), after.realname())
        .put("description", before.description(), after.description())
        .put("permissions", before.permissionsAsWritten(), after.permissionsAsWritten())
        .put("allowed_ips", before.scope().allowedIps(), after.scope().allowedIps())
        .put("expire_at", text(before.expireAt()), text(after.expireAt()))
        .put("enabled", before.enabled(), after.enabled())
        .put("disabled_reason", reason(before), reason(after));
  }

  private static String action(ApiToken before, ApiToken after) {
    return before.enabled() == after.enabled() ? "update" : after.enabled() ? "enable" : "disable";
  }

  /**
   * Disables a batch of enabled tokens the caller holds locked, with the reason, at {@code at} or,
   * when null, at each one's expiry: one statement for the rows, one batched insert for their
   * activity records, one for their notifications; each token's record, webhook event and cache
   * eviction are those {@link #update} writes for the same change.
   */
  void disableAll(Origin origin, List<ApiToken> locked, DisabledReason reason, Instant at) {
    if (locked.isEmpty()) {
      return;
    }
    List<Long> ids = locked.stream().map(ApiToken::id).toList();
    store.disableAll(ids, reason, at == null ? null : at.toEpochMilli());
    changes.publishAll(ChangeFeed.Kind.TOKEN, ids);
    List<ActivityLog.Entry> records = new ArrayList<>(locked.size());
    Map<Long, List<Map<String, Object>>> disabledByClient = new LinkedHashMap<>();
    for (ApiToken before : locked) {
      ApiToken after =
          before
              .draft()
              .enabled(false)
              .disabledReason(reason)
              .disabledAt(at == null ? before.expireAt() : at)
              .build();
      records.add(entry(origin, before, after, changed(before, after)));
      disabledByClient
          .computeIfAbsent(after.clientId(), c -> new ArrayList<>())
          .add(webhookData(after));
    }
    activity.recordAll(records);
    disabledByClient.forEach(
        (client, data) -> events.publishAll(WebhookEvent.TOKEN_DISABLED, client, data));
  }

  /**
   * Deletes a batch of tokens the caller holds locked, each as {@link #delete} would (its legacy
   * pair ended, its record, webhook event and cache eviction), with set-based statements.
   */
  void deleteAll(Origin origin, List<ApiToken> locked) {
    if (locked.isEmpty()) {
      return;
    }
    for (ApiToken token : locked) {
      if (token.scope().legacy()) {
        endLegacyPair(origin, token);
      }
    }
    List<Long> ids = locked.stream().map(ApiToken::id).toList();
    store.deleteAll(ids);
    changes.publishAll(ChangeFeed.Kind.TOKEN, ids);
    List<ActivityLog.Entry> records = new ArrayList<>(locked.size());
    Map<Long, List<Map<String, Object>>> deletedByClient = new LinkedHashMap<>();
    for (ApiToken token : locked) {
      records.add(
          new ActivityLog.Entry(
              origin,
              token.clientId(),
              "api_token",
              token.id(),
              token.realname(),
              "delete",
              ActivityLog.changes().put("secret_hint", token.secretHint(), null).map()));
      deletedByClient
          .computeIfAbsent(token.clientId(), c -> new ArrayList<>())
          .add(webhookData(token));
    }
    activity.recordAll(records);
    deletedByClient.forEach(
        (client, data) -> events.publishAll(WebhookEvent.TOKEN_DELETED, client, data));
  }

  ApiToken delete(Origin origin, ApiToken token) {
    endLegacyPair(origin, token);
    store.delete(token.id());
    changes.publish(ChangeFeed.Kind.TOKEN, token.id());
    activity.record(
        origin,
        token.clientId(),
        "api_token",
        token.id(),
        token.realname(),
        "delete",
        ActivityLog.changes().put("secret_hint", token.secretHint(), null).map());
    events.publish(WebhookEvent.TOKEN_DELETED, token.clientId(), webhookData(token));
    return token;
  }

  Issued renew(Origin origin, ApiToken token, Client client, int graceSeconds) {
    // A new value ends the old pair (4.5): whoever renews has moved off the old credentials.
    endLegacyPair(origin, token);
    Instant now = clock.instant();
    String secret = secrets.generate();
    ApiToken renewed =
        token
            .draft()
            .secret(
                new ApiToken.Secret(secrets.hint(secret), seal(client, token.id(), secret), now))
            .build();
    store.update(token, renewed);
    changes.publish(ChangeFeed.Kind.TOKEN, token.id());
    Long graceEnd = graceSeconds > 0 ? now.plusSeconds(graceSeconds).toEpochMilli() : null;
    store.replaceSecret(token.id(), secrets.digest(secret), graceEnd);
    activity.record(
        origin,
        token.clientId(),
        "api_token",
        token.id(),
        token.realname(),
        "renew",
        ActivityLog.changes()
            .put("secret_hint", token.secretHint(), renewed.secretHint())
            .put("token_generated_at", text(token.secret().generatedAt()), text(now))
            .put("grace_seconds", null, graceSeconds)
            .map());
    events.publish(WebhookEvent.TOKEN_RENEWED, token.clientId(), webhookData(renewed));
    return new Issued(renewed, secret);
  }

  /** The stored secret in plain text, or empty when the client keeps none (show_once). */
  Optional<String> open(ApiToken token) {
    return Optional.ofNullable(token.secret().ciphertext())
        .map(ciphertext -> secrets.open(ciphertext, token.id()));
  }

  /**
   * The most a token may hold now: its owner's permissions in its client (shared: the admin
   * bundle).
   */
  PermissionSet ownerCap(ApiToken token, Client client) {
    return ownerCap(token, client, token.shared() ? Optional.empty() : users.find(token.userId()));
  }

  /**
   * {@link #ownerCap(ApiToken, Client)} with the owner already at hand (empty for a shared token).
   */
  PermissionSet ownerCap(ApiToken token, Client client, Optional<User> owner) {
    if (token.shared()) {
      return access.sharedCap(client);
    }
    return owner
        .flatMap(
            o -> clients.find(o.clientId()).map(home -> access.userPermissionsIn(o, home, client)))
        .orElse(PermissionSet.EMPTY);
  }

  /** A token disabled with its owner cannot come back while the owner stays disabled (T7). */
  void requireOwnerAllowsEnable(ApiToken token) {
    if (token.shared()) {
      return;
    }
    Optional<User> owner = users.find(token.userId());
    boolean ownerBlocks =
        owner.isEmpty()
            || !owner.get().enabled()
            || token.state().disabledReason() == DisabledReason.API_ACCESS_REVOKED
                && owner.get().sso() != Sso.NONE
                && !owner.get().apiAccess();
    if (ownerBlocks) {
      throw ValidationException.of("enabled", NOT_ALLOWED, true);
    }
  }

  private String seal(Client client, long tokenId, String secret) {
    return client.showOnce() ? null : secrets.seal(secret, tokenId);
  }

  static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /**
   * A token as webhook deliveries describe it: named by its id, name and {@code secret_hint}, never
   * its secret.
   */
  static Map<String, Object> webhookData(ApiToken token) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", token.id());
    data.put("realname", token.realname());
    data.put("secret_hint", token.secretHint());
    data.put("shared", token.shared());
    data.put("user_id", token.userId());
    data.put("enabled", token.enabled());
    data.put("disabled_reason", reason(token));
    data.put("expire_at", token.expireAt());
    return data;
  }

  private static String reason(ApiToken token) {
    DisabledReason reason = token.state().disabledReason();
    return reason == null ? null : reason.id();
  }

  /** Narrows a token to what its owner may still do (T9); unchanged when it still fits. */
  ApiToken narrowed(ApiToken token, PermissionSet ownerPermissions) {
    return Cap.narrowed(access.catalogue(), token.grant(), ownerPermissions)
        .map(grant -> token.draft().grant(grant).build())
        .orElse(token);
  }

  /**
   * The user's personal tokens, locked for the caller's transaction (the user's row is locked
   * first).
   */
  List<ApiToken> lockPersonalTokens(long userId) {
    return store.lockByUser(userId);
  }
}
