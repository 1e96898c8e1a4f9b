package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.IN_PAST;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.access.Credential;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.clients.TokenPolicy;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.Cap;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.TokenCommands.Create;
import dev.tokensmith.tokens.TokenCommands.Issued;
import dev.tokensmith.tokens.TokenCommands.Update;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The token lifecycle as callers drive it: list, read, create, update, enable/disable, renew,
 * delete (rules T1–T7, T11, T12, T16). Every change is one transaction with its activity record.
 */
public final class TokenService {
  private final Database db;
  private final TokenStore store;
  private final Access access;
  private final ClientService clients;
  private final TokenWriter writer;
  private final UserDirectory users;
  private final Clock clock;
  private final int defaultMaxTokens;

  public TokenService(
      Database db,
      TokenStore store,
      Access access,
      ClientService clients,
      TokenWriter writer,
      UserDirectory users,
      Clock clock,
      int defaultMaxTokens) {
    this.db = db;
    this.store = store;
    this.access = access;
    this.clients = clients;
    this.writer = writer;
    this.users = users;
    this.clock = clock;
    this.defaultMaxTokens = defaultMaxTokens;
  }

  /**
   * The tokens of a client the caller may see (T2, T4) matching the filters ({@code clientId} null
   * = the caller's, {@code visibleTo} ignored: it is set here), in the query's order, with the
   * client's token policy (for the forms that write them).
   */
  Listing list(Caller caller, Long clientId, TokenQuery query) {
    Account target = access.target(caller, clientId);
    requireSection(caller, target);
    TokenPolicy policy =
        clients.find(target.id()).map(Client::tokenPolicy).orElse(TokenPolicy.NONE);
    boolean admin = access.administers(caller, target);
    if (!admin && Boolean.TRUE.equals(query.shared())) {
      return new Listing(List.of(), policy);
    }
    Long visibleTo = admin ? null : caller.user().id();
    Instant now = clock.instant();
    TokenQuery q =
        new TokenQuery(
            target.id(),
            visibleTo,
            query.userId(),
            query.enabled(),
            query.realname(),
            query.shared(),
            query.order(),
            query.descending(),
            query.after(),
            query.window());
    return new Listing(describe(store.list(q).stream().map(t -> t.asSeenAt(now)).toList()), policy);
  }

  /** A page of tokens, and the token policy of their client. */
  record Listing(List<Described> tokens, TokenPolicy policy) {}

  /** One token the caller may see; 404 otherwise. */
  public Described get(Caller caller, long id) {
    return describe(visible(caller, id).token().asSeenAt(clock.instant()));
  }

  /**
   * Creates a token; its secret is in the result and nowhere else in plain text. The creator is
   * read again under their row lock and the client under its own, so a concurrent narrowing or
   * disabling of the creator, or a concurrent create against the client's token limit, takes its
   * turn.
   */
  public Created create(Caller caller, Create cmd) {
    Account target = access.target(caller, cmd.clientId());
    requireSection(caller, target);
    access.require(caller, target, "api_tokens:create");
    if (cmd.userId() != null
        && (caller.sharedToken() || cmd.userId() != caller.user().id() || cmd.shared())) {
      throw ValidationException.of("user_id", NOT_ALLOWED, cmd.userId());
    }
    if (cmd.shared() && !access.administers(caller, target)) {
      throw ServiceException.forbidden();
    }
    if (!cmd.shared() && caller.sharedToken()) {
      throw ValidationException.of("shared", REQUIRED, false);
    }
    Issued issued =
        db.inTransaction(
            () -> {
              Caller current = lockCaller(caller);
              Client client = clients.lock(target.id()).orElseThrow(ServiceException::notFound);
              PermissionSet cap = access.permissionsIn(current, client);
              Cap.requireFits(
                  cmd.grant(),
                  cmd.shared() ? cap.intersect(access.sharedCap(client)) : cap,
                  globalUser(current));
              TokenRules rules = new TokenRules(client.tokenPolicy(), clock.instant());
              Instant expireAt = rules.expiryAtCreate(cmd.expireAtGiven(), cmd.expireAt());
              checkFuture(expireAt);
              rules.requireLifetime(expireAt);
              rules.requireAllowedIps(cmd.shared(), cmd.allowedIps());
              int max = client.maxTokens() != null ? client.maxTokens() : defaultMaxTokens;
              if (max > 0 && store.countByClient(client.id()) >= max) {
                throw ServiceException.conflict("Token limit reached");
              }
              return writer.insert(current, client, cmd.expiringAt(expireAt));
            });
    return new Created(describe(issued.token()), issued.secret());
  }

  /**
   * Applies a {@code PUT}: name, permissions, allowed addresses, expiry, enable/disable (T3, T6,
   * T7).
   */
  public Described update(Caller caller, long id, Update cmd) {
    return describe(
        db.inTransaction(
            () -> {
              Visible v = lockVisible(caller, id);
              Caller current = currentToken(caller);
              requireManage(current, v, "api_tokens:update");
              ApiToken stored = v.token();
              ApiToken before = stored.asSeenAt(clock.instant());
              boolean reaches =
                  cmd.allowedIps() != null
                      || cmd.expireAtGiven()
                      || Boolean.TRUE.equals(cmd.enabled());
              if (reaches && !withinCallingToken(current, v)) {
                // A token may disable, rename or narrow a stronger token, never make it usable
                // again or usable from
                // more places or for longer: that would hand a reduced token's holder a stronger
                // one's reach.
                throw ServiceException.forbidden();
              }
              ApiToken.Draft next = before.draft();
              TokenRules rules = new TokenRules(v.client().tokenPolicy(), clock.instant());
              if (cmd.realname() != null) {
                next.realname(cmd.realname());
              }
              if (cmd.descriptionGiven()) {
                next.description(cmd.description());
              }
              if (cmd.grant() != null) {
                if (before.scope().legacy()) {
                  throw ValidationException.of("permissions", NOT_ALLOWED, cmd.grant().custom());
                }
                Cap.requireFits(
                    cmd.grant(),
                    writer
                        .ownerCap(before, v.client())
                        .intersect(access.permissionsIn(current, v.client())),
                    globalUser(current));
                next.grant(cmd.grant());
              }
              if (cmd.allowedIps() != null) {
                rules.requireAllowedIps(before.shared(), cmd.allowedIps());
                next.allowedIps(cmd.allowedIps());
              }
              if (cmd.expireAtGiven()) {
                checkFuture(cmd.expireAt());
                rules.requireLifetime(cmd.expireAt());
                next.expireAt(cmd.expireAt());
              }
              if (cmd.enabled() != null && cmd.enabled() != before.enabled()) {
                if (cmd.enabled()) {
                  if (!cmd.expireAtGiven()) {
                    throw ValidationException.of("expire_at", REQUIRED, null);
                  }
                  writer.requireOwnerAllowsEnable(before);
                  // Back in use: held to the policy as a new token would be.
                  rules.requireAllowedIps(before.shared(), next.build().scope().allowedIps());
                  next.enabled(true).disabledReason(null).disabledAt(null);
                } else {
                  next.enabled(false)
                      .disabledReason(DisabledReason.MANUAL)
                      .disabledAt(clock.instant());
                }
              }
              return writer.update(caller.origin(), stored, before, next.build());
            }));
  }

  /** Deletes a token now; its value fails at once (T12). Returns it as it was. */
  public Described delete(Caller caller, long id) {
    return describe(
        db.inTransaction(
            () -> {
              Visible v = lockVisible(caller, id);
              requireManage(currentToken(caller), v, "api_tokens:delete");
              return writer.delete(caller.origin(), v.token().asSeenAt(clock.instant()));
            }));
  }

  /**
   * The secret again: the owner of a personal token, any admin for a shared one (T2, T4); 410 under
   * show_once.
   */
  public String secret(Caller caller, long id) {
    Visible v = visible(caller, id);
    requireSecretHolder(caller, v);
    return writer
        .open(v.token())
        .orElseThrow(() -> ServiceException.gone("The secret is shown only once"));
  }

  /** Replaces the secret; the old one ends now or after {@code graceSeconds} (T11). */
  public Issued renew(Caller caller, long id, int graceSeconds) {
    return db.inTransaction(
        () -> {
          Visible v = lockVisible(caller, id);
          Caller current = currentToken(caller);
          requireSecretHolder(current, v);
          access.require(current, v.client(), "api_tokens:update");
          // A new value is a new lease of life: it must end within the policy's maximum.
          new TokenRules(v.client().tokenPolicy(), clock.instant())
              .requireLifetime(v.token().expireAt());
          return writer.renew(caller.origin(), v.token(), v.client(), graceSeconds);
        });
  }

  /**
   * A token with what the wire shows beside it: its owner's name, its effective permissions now
   * and, for a backward-compatible token only, whether its legacy pair still works (else null).
   */
  public record Described(
      ApiToken token, String ownerName, PermissionSet actual, Boolean legacyPairActive) {}

  /** The token as the caller sees it, described (for the legacy import's answer). */
  Described describeNew(ApiToken token) {
    return describe(token);
  }

  /** A created token, described, with its secret (shown this once). */
  public record Created(Described described, String secret) {
    /** The token as created. */
    public ApiToken token() {
      return described.token();
    }

    @Override
    public String toString() {
      return "Created[token=" + described.token().id() + "]";
    }
  }

  /**
   * What the token a request was made with is for (the API, or registering nodes); empty once it
   * has been deleted.
   */
  public Optional<Usage> usage(Credential token) {
    return store.find(token.id()).map(t -> t.scope().usage());
  }

  /**
   * A token as stored, for another feature's checks of the state it is in (never for display);
   * empty once it has been deleted.
   */
  public Optional<ApiToken> stored(long id) {
    return store.find(id);
  }

  private Described describe(ApiToken token) {
    return describe(List.of(token)).get(0);
  }

  // Looks each owner and client up once.
  private List<Described> describe(List<ApiToken> tokens) {
    Map<Long, Optional<User>> owners = new HashMap<>();
    Map<Long, Optional<Client>> clientsById = new HashMap<>();
    List<Long> legacyIds =
        tokens.stream().filter(t -> t.scope().legacy()).map(ApiToken::id).toList();
    Set<Long> pairsActive = writer.legacyPairsActive(legacyIds);
    List<Described> described = new ArrayList<>(tokens.size());
    for (ApiToken token : tokens) {
      Optional<Client> client = clientsById.computeIfAbsent(token.clientId(), clients::find);
      Optional<User> owner =
          token.shared() ? Optional.empty() : owners.computeIfAbsent(token.userId(), users::find);
      PermissionSet cap =
          client.map(c -> writer.ownerCap(token, c, owner)).orElse(PermissionSet.EMPTY);
      described.add(
          new Described(
              token,
              owner.map(User::realname).orElse(null),
              Cap.effective(token.permissionSet(), cap),
              token.scope().legacy() ? pairsActive.contains(token.id()) : null));
    }
    return described;
  }

  private record Visible(ApiToken token, Client client, boolean admin) {}

  /**
   * The token for a change, read under its row lock after its owner's (every change locks a user
   * before their tokens, so two changes never wait for each other in a circle); 404 once deleted.
   */
  private Visible lockVisible(Caller caller, long id) {
    requireSection(caller, caller.homeClient());
    ApiToken seen = store.find(id).orElseThrow(ServiceException::notFound);
    if (!seen.shared()) {
      users.lock(seen.userId());
    }
    return visible(caller, store.lock(id).orElseThrow(ServiceException::notFound));
  }

  private Visible visible(Caller caller, long id) {
    // T1: without the section, 403 on every token endpoint whatever the id, so a 404 never tells
    // such a caller which ids exist (T2). The section is the same in every client a caller reaches.
    requireSection(caller, caller.homeClient());
    return visible(caller, store.find(id).orElseThrow(ServiceException::notFound));
  }

  private Visible visible(Caller caller, ApiToken token) {
    Client client = clients.find(token.clientId()).orElseThrow(ServiceException::notFound);
    PermissionSet permissions = access.permissionsIn(caller, client);
    if (!permissions.has("api_tokens:view")) {
      // Not reaching the client at all is "not found"; reaching it without the section is 403 (T1).
      if (permissions.isEmpty()) {
        throw ServiceException.notFound();
      }
      throw ServiceException.forbidden();
    }
    boolean admin = access.administers(caller, client);
    boolean own = !token.shared() && !caller.sharedToken() && token.userId() == caller.user().id();
    if (!admin && !own) {
      throw ServiceException.notFound();
    }
    return new Visible(token, client, admin);
  }

  // The creator as they are now, their row locked for the change (a shared token acts for its
  // client, not a person).
  private Caller lockCaller(Caller caller) {
    Caller locked =
        caller.sharedToken() || caller.user() == null
            ? caller
            : caller.withUser(
                users
                    .lock(caller.user().id())
                    .filter(User::enabled)
                    .orElseThrow(ServiceException::unauthorized));
    return currentToken(locked);
  }

  // The calling token as it is now, read after the owner's row lock (which every change of the
  // token
  // takes first): one disabled or narrowed while the request waited for its turn acts as it is now.
  private Caller currentToken(Caller caller) {
    if (caller.token() == null) {
      return caller;
    }
    ApiToken token =
        store
            .find(caller.token().id())
            .map(t -> t.asSeenAt(clock.instant()))
            .filter(ApiToken::enabled)
            .orElseThrow(ServiceException::unauthorized);
    return caller.withToken(token);
  }

  private void requireSection(Caller caller, Account target) {
    access.require(caller, target, "api_tokens:view");
  }

  private void requireManage(Caller caller, Visible v, String permission) {
    access.require(caller, v.client(), permission);
  }

  /**
   * Only the owner of a personal token, or an admin for a shared one, gets its secret (T2, T4). A
   * request made with a token gets only the secret of a token no stronger than itself: a reduced
   * token must not obtain a stronger one. A person (a Console session) is not limited so.
   */
  private void requireSecretHolder(Caller caller, Visible v) {
    boolean holder =
        v.token().shared()
            ? v.admin()
            : !caller.sharedToken() && v.token().userId() == caller.user().id();
    if (!holder || !withinCallingToken(caller, v)) {
      throw ServiceException.forbidden();
    }
  }

  // True for a person (a Console session), or when the target is no stronger than the calling
  // token.
  private boolean withinCallingToken(Caller caller, Visible v) {
    return caller.token() == null
        || access.permissionsIn(caller, v.client()).containsAll(v.token().permissionSet());
  }

  // Global role presets are granted only by global users.
  private static boolean globalUser(Caller caller) {
    return caller.user() != null && caller.user().role().global();
  }

  private void checkFuture(Instant expireAt) {
    if (expireAt != null && !expireAt.isAfter(clock.instant())) {
      throw ValidationException.of("expire_at", IN_PAST, expireAt.toString());
    }
  }
}
