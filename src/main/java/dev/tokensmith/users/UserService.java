package dev.tokensmith.users;

import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.Cap;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.BatchWalk;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import dev.tokensmith.webhooks.WebhookEvent;
import dev.tokensmith.webhooks.WebhookEvents;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating, changing and deleting users (section 4.2), with the cascades onto their tokens and
 * sessions in the same transaction (T8, T9).
 */
public final class UserService {
  /** How many users one transaction of the start's narrowing to the catalogue takes. */
  private static final int NARROW_BATCH = 200;

  private final Database db;
  private final UserStore store;
  private final Access access;
  private final ClientService clients;
  private final UserChanges followers;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final PasswordLinks links;
  private final ActivityLog activity;
  private final Clock clock;
  private final ChangeFeed changes;
  private final WebhookEvents events;
  private final ClientSso sso;

  public UserService(
      Database db,
      UserStore store,
      Access access,
      ClientService clients,
      UserChanges followers,
      SessionService sessions,
      PasswordHasher hasher,
      PasswordPolicy policy,
      PasswordLinks links,
      ActivityLog activity,
      Clock clock,
      ChangeFeed changes,
      WebhookEvents events,
      ClientSso sso) {
    this.db = db;
    this.sso = sso;
    this.store = store;
    this.access = access;
    this.clients = clients;
    this.followers = followers;
    this.sessions = sessions;
    this.hasher = hasher;
    this.policy = policy;
    this.links = links;
    this.activity = activity;
    this.clock = clock;
    this.changes = changes;
    this.events = events;
  }

  /**
   * {@code POST /v1/objects/user/create}; a null password: the user gets a one-time link to set
   * one.
   */
  public record Create(
      Long clientId, String email, String realname, String password, Grant grant, boolean enabled) {
    @Override
    public String toString() {
      return "Create[email=" + email + "]";
    }
  }

  /** {@code POST /v1/objects/user/update}: null fields stay as they are. */
  public record Update(String realname, Grant grant, Boolean enabled, Sso sso, Boolean apiAccess) {}

  /**
   * Which users a request means (the {@code filter} of {@code /v1/objects/user*}); a null field, or
   * no client ids, matches any user. {@code username} is the e-mail under the name older clients
   * give it; both compare without case.
   */
  public record Filter(
      List<Long> clientIds, Long id, String uuid, String email, String username, Boolean enabled) {
    public Filter {
      clientIds = List.copyOf(clientIds);
    }

    /** The user with this id. */
    public static Filter byId(long id) {
      return new Filter(List.of(), id, null, null, null, null);
    }

    /** True when it names one user: by id, uuid, e-mail or username (each unique). */
    public boolean namesOne() {
      return id != null || uuid != null || email != null || username != null;
    }

    boolean matches(User user) {
      return (clientIds.isEmpty() || clientIds.contains(user.clientId()))
          && (id == null || id == user.id())
          && (uuid == null || uuid.equals(user.uuid()))
          && (email == null || sameEmail(email, user.email()))
          && (username == null || sameEmail(username, user.email()))
          && (enabled == null || enabled == user.enabled());
    }

    // As the unique key compares them: in lower case.
    private static boolean sameEmail(String a, String b) {
      return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Users the filter matches that the caller may see (users:view), ordered by id: 403 unless the
   * caller may see the users of every client the filter names (of their own when it names none). A
   * filter that names one user finds them in any client whose users the caller may see, named or
   * not; any other filter lists the named clients (or the caller's own).
   */
  public List<User> list(Caller caller, Filter filter, Window window) {
    List<Long> clientIds =
        filter.clientIds().isEmpty()
            ? List.of(caller.homeClient().id())
            : filter.clientIds().stream().distinct().toList();
    for (long clientId : clientIds) {
      access.require(caller, access.target(caller, clientId), "users:view");
    }
    if (!filter.namesOne()) {
      return store.list(clientIds, filter.enabled(), window);
    }
    return find(filter)
        .filter(user -> mayView(caller, user))
        .filter(user -> window.after() == null || user.id() > window.after())
        .stream()
        .skip(window.offset())
        .limit(window.limit())
        .toList();
  }

  // The one user a filter names (by its first unique key), if the rest of the filter fits them.
  private Optional<User> find(Filter filter) {
    Optional<User> named =
        filter.id() != null
            ? store.find(filter.id())
            : filter.uuid() != null
                ? store.findByUuid(filter.uuid())
                : store.findByEmail(filter.email() != null ? filter.email() : filter.username());
    return named.filter(filter::matches);
  }

  private boolean mayView(Caller caller, User user) {
    return clients
        .find(user.clientId())
        .map(client -> access.permissionsIn(caller, client).has("users:view"))
        .orElse(false);
  }

  /**
   * A user, and the URL of a one-time link to set their password, shown this once (null when none
   * was issued, or when it went to the user by e-mail).
   */
  public record LinkedUser(User user, String setPasswordUrl) {
    @Override
    public String toString() {
      return "LinkedUser[user=" + user.id() + "]";
    }
  }

  /**
   * Creates a user; 409 when the e-mail exists, 400 when granting more than the caller holds or
   * when the password breaks the rules for one an administrator sets. Without a password the user
   * gets a one-time link to set one.
   */
  public LinkedUser create(Caller caller, Create cmd) {
    Account target = access.target(caller, cmd.clientId());
    access.require(caller, target, "users:create");
    checkGrant(caller, target, cmd.grant());
    if (cmd.password() != null) {
      policy.requireAtCreation(cmd.password(), cmd.email(), "password");
    }
    // Hashed before the transaction: the slow part holds no connection.
    String hash = cmd.password() == null ? null : hasher.hash(cmd.password());
    return db.inTransaction(
        () -> {
          if (store.findByEmail(cmd.email()).isPresent()) {
            throw ServiceException.conflict("User with this email already exists");
          }
          User draft =
              new User(
                  0,
                  UUID.randomUUID().toString(),
                  target.id(),
                  cmd.email(),
                  cmd.realname(),
                  cmd.grant(),
                  cmd.enabled(),
                  sso.strict(target.id()) ? Sso.SSO : Sso.NONE,
                  false,
                  hash,
                  clock.instant(),
                  null,
                  false);
          User user = store.find(store.insert(draft)).orElseThrow();
          activity.record(
              caller.origin(),
              target.id(),
              "user",
              user.id(),
              user.email(),
              "create",
              ActivityLog.changes()
                  .put("email", null, user.email())
                  .put("realname", null, user.realname())
                  .put("permissions", null, user.permissionsAsWritten())
                  .put("enabled", null, user.enabled())
                  .map());
          events.publish(WebhookEvent.USER_CREATED, user.clientId(), webhookData(user));
          return new LinkedUser(
              user,
              cmd.password() == null ? links.issue(user, caller.origin()).orElse(null) : null);
        });
  }

  /**
   * A new one-time link for the one user the filter names to set their password (users:update; 404
   * when it names none the caller reaches), in place of the link they had. The link sets the user's
   * password, so it goes only to a caller who holds every permission the user holds (403
   * otherwise), and never for the caller themself (400: the own password is changed with the
   * current one).
   */
  public LinkedUser invite(Caller caller, Filter filter) {
    return db.inTransaction(
        () -> {
          Managed m = managed(caller, filter, "users:update");
          User user = m.user();
          if (user.id() == caller.actingUserId()) {
            throw ValidationException.of("id", NOT_ALLOWED, user.id());
          }
          boolean globalAllowed =
              m.client().technical() && caller.user() != null && caller.user().role().global();
          if (!Cap.fits(user.grant(), access.permissionsIn(caller, m.client()), globalAllowed)) {
            throw ServiceException.forbidden();
          }
          return new LinkedUser(user, links.issue(user, caller.origin()).orElse(null));
        });
  }

  /**
   * Creates a user without a caller (first start, the command line); recorded as the system's
   * doing.
   */
  public User createInitial(
      long clientId, String email, String realname, String password, Role role) {
    return db.inTransaction(
        () -> {
          User draft =
              new User(
                  0,
                  UUID.randomUUID().toString(),
                  clientId,
                  email,
                  realname,
                  access.catalogue().preset(role),
                  true,
                  Sso.NONE,
                  false,
                  hasher.hash(password),
                  clock.instant(),
                  null,
                  false);
          User user = store.find(store.insert(draft)).orElseThrow();
          activity.record(
              Origin.SYSTEM,
              clientId,
              "user",
              user.id(),
              user.email(),
              "create",
              ActivityLog.changes()
                  .put("email", null, user.email())
                  .put("permissions", null, user.permissionsAsWritten())
                  .map());
          return user;
        });
  }

  /**
   * Applies an update, cascading onto the user's tokens and sessions. The user is read under their
   * row lock, so concurrent changes of one user take turns and none undoes another.
   */
  public User update(Caller caller, long id, Update cmd) {
    return update(caller, Filter.byId(id), cmd);
  }

  /**
   * {@link #update(Caller, long, Update)} of the one user the filter names (404 when it names none
   * the caller reaches).
   */
  public User update(Caller caller, Filter filter, Update cmd) {
    Origin origin = caller.origin();
    return db.inTransaction(
        () -> {
          Managed m = managed(caller, filter, "users:update");
          User before = m.user();
          User after = updated(caller, m, cmd);
          store.update(before, after);
          requireAnotherAdmin(before, after);
          // A new name goes on to what orders by it, the user's token rows: after the client's
          // lock (requireAnotherAdmin), the lock order of every change (user, client, tokens).
          if (!before.realname().equals(after.realname())) {
            followers.renamed(after);
          }
          changes.publish(ChangeFeed.Kind.USER, after.id());
          if (before.enabled() && !after.enabled()) {
            sessions.endAll(after.id());
            // A link issued before would set the password of whoever is re-enabled later.
            links.revoke(after.id());
            followers.disabled(after, origin);
          }
          if (!before.enabled() && after.enabled()) {
            followers.enabled(after, origin);
          }
          if (!after.permissions().equals(before.permissions()) || after.role() != before.role()) {
            followers.permissionsChanged(after, m.client(), origin);
          }
          if (before.apiAccess() && !after.apiAccess()) {
            followers.apiAccessRevoked(after, origin);
          }
          signInChanged(before, after, origin);
          ActivityLog.Changes changes =
              ActivityLog.changes()
                  .put("realname", before.realname(), after.realname())
                  .put("permissions", before.permissionsAsWritten(), after.permissionsAsWritten())
                  .put("enabled", before.enabled(), after.enabled())
                  .put("sso", before.sso().id(), after.sso().id())
                  .put("api_access", before.apiAccess(), after.apiAccess());
          if (!changes.isEmpty()) {
            String action =
                before.enabled() == after.enabled()
                    ? "update"
                    : after.enabled() ? "enable" : "disable";
            activity.record(
                origin, after.clientId(), "user", after.id(), after.email(), action, changes.map());
          }
          if (before.enabled() && !after.enabled()) {
            events.publish(WebhookEvent.USER_DISABLED, after.clientId(), webhookData(after));
          }
          if (!after.permissions().equals(before.permissions()) || after.role() != before.role()) {
            Map<String, Object> data = webhookData(after);
            data.put("previous_role", before.role().id());
            data.put("previous_permissions", before.permissionsAsWritten());
            events.publish(WebhookEvent.USER_ROLE_CHANGED, after.clientId(), data);
          }
          return store.find(after.id()).orElseThrow();
        });
  }

  // A user as webhook deliveries describe them.
  private static Map<String, Object> webhookData(User user) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", user.id());
    data.put("email", user.email());
    data.put("realname", user.realname());
    data.put("role", user.role().id());
    data.put("permissions", user.permissionsAsWritten());
    data.put("enabled", user.enabled());
    return data;
  }

  // The user as the update makes them, or 400 when it asks for what the caller may not do.
  private User updated(Caller caller, Managed m, Update cmd) {
    User before = m.user();
    Grant grant = before.grant();
    if (cmd.grant() != null) {
      boolean changes =
          !cmd.grant().sourceRole().equals(before.role().id())
              || cmd.grant().preset() == null
                  && !cmd.grant().custom().equals(before.customPermissions());
      if (changes && before.id() == caller.actingUserId()) {
        throw ValidationException.of("permissions", NOT_ALLOWED, written(cmd.grant()));
      }
      checkGrant(caller, m.client(), cmd.grant());
      grant = cmd.grant();
    }
    Role role = grant.role();
    // API access belongs to administrators only: a user who stops being one loses it with the same
    // request, unless the request itself insists on keeping it (then it is refused).
    boolean apiAccess =
        cmd.apiAccess() != null ? cmd.apiAccess() : before.apiAccess() && role.administers();
    if (apiAccess && !role.administers()) {
      throw ValidationException.of("api_access", NOT_ALLOWED, true);
    }
    if (cmd.sso() == Sso.NONE && before.sso() != Sso.NONE && sso.strict(before.clientId())) {
      // While the client's SSO is strict nobody goes back to a password.
      throw ValidationException.of("sso", NOT_ALLOWED, Sso.NONE.id());
    }
    boolean enabled = cmd.enabled() != null ? cmd.enabled() : before.enabled();
    if (!enabled && before.enabled() && before.id() == caller.actingUserId()) {
      throw ValidationException.of("enabled", NOT_ALLOWED, false);
    }
    if (!enabled && before.enabled() && ownedByIdp(before)) {
      throw ValidationException.of("enabled", NOT_ALLOWED, false);
    }
    return new User(
        before.id(),
        before.uuid(),
        before.clientId(),
        before.email(),
        cmd.realname() != null ? cmd.realname() : before.realname(),
        grant,
        enabled,
        cmd.sso() != null ? cmd.sso() : before.sso(),
        apiAccess,
        before.passwordHash(),
        before.createAt(),
        before.lastLoginAt(),
        before.provisioned());
  }

  // What a move to single sign-on ends: the legacy pair, and the tokens of a user without API
  // access (4.6); losing API access alone disables the tokens too.
  private void signInChanged(User before, User after, Origin origin) {
    boolean tokensBefore = before.sso() == Sso.NONE || before.apiAccess();
    boolean tokensAfter = after.sso() == Sso.NONE || after.apiAccess();
    if ((before.apiAccess() && !after.apiAccess()) || (tokensBefore && !tokensAfter)) {
      followers.apiAccessRevoked(after, origin);
    }
    if (before.sso() == Sso.NONE && after.sso() != Sso.NONE) {
      followers.ssoStarted(after, origin);
    }
  }

  /**
   * Moves every user of the client who signs in with a password to single sign-on (the client's SSO
   * became strict), each move recorded and followed as an update of the user would be; call inside
   * the settings change's transaction. Returns how many moved.
   */
  public int moveClientToSso(long clientId, Origin origin) {
    int moved = 0;
    for (User before : store.lockByClient(clientId)) {
      if (before.sso() != Sso.NONE) {
        continue;
      }
      User after = withSso(before, Sso.SSO, before.grant());
      store.update(before, after);
      changes.publish(ChangeFeed.Kind.USER, after.id());
      signInChanged(before, after, origin);
      activity.record(
          origin,
          clientId,
          "user",
          after.id(),
          after.email(),
          "update",
          ActivityLog.changes().put("sso", before.sso().id(), after.sso().id()).map());
      moved++;
    }
    return moved;
  }

  /**
   * Creates a user who signed in through the client's IdP for the first time (provisioning): no
   * password, single sign-on only. 409 when the e-mail exists.
   */
  public User provision(long clientId, String email, String realname, Grant grant, Origin origin) {
    return db.inTransaction(
        () -> {
          if (store.findByEmail(email).isPresent()) {
            throw ServiceException.conflict("User with this email already exists");
          }
          User draft =
              new User(
                  0,
                  UUID.randomUUID().toString(),
                  clientId,
                  email,
                  realname,
                  grant,
                  true,
                  Sso.SSO,
                  false,
                  null,
                  clock.instant(),
                  null,
                  true);
          User user = store.find(store.insert(draft)).orElseThrow();
          changes.publish(ChangeFeed.Kind.USER, user.id());
          activity.record(
              origin,
              clientId,
              "user",
              user.id(),
              user.email(),
              "create",
              ActivityLog.changes()
                  .put("email", null, user.email())
                  .put("permissions", null, user.permissionsAsWritten())
                  .put("sso", null, user.sso().id())
                  .map());
          return user;
        });
  }

  /**
   * Gives a user the role their IdP names at a login; a lower role narrows their tokens (T9). The
   * IdP decides, so the last-administrator rule does not stop it. Returns the user as they are now.
   */
  public User assignRole(long userId, Grant grant, Origin origin) {
    return db.inTransaction(
        () -> {
          User before = store.lock(userId).orElseThrow(ServiceException::notFound);
          if (before.grant().written().equals(grant.written())) {
            return before;
          }
          Client client = clients.find(before.clientId()).orElseThrow(ServiceException::notFound);
          boolean apiAccess = before.apiAccess() && grant.role().administers();
          User after =
              new User(
                  before.id(),
                  before.uuid(),
                  before.clientId(),
                  before.email(),
                  before.realname(),
                  grant,
                  before.enabled(),
                  before.sso(),
                  apiAccess,
                  before.passwordHash(),
                  before.createAt(),
                  before.lastLoginAt(),
                  before.provisioned());
          store.update(before, after);
          changes.publish(ChangeFeed.Kind.USER, after.id());
          followers.permissionsChanged(after, client, origin);
          signInChanged(before, after, origin);
          activity.record(
              origin,
              after.clientId(),
              "user",
              after.id(),
              after.email(),
              "update",
              ActivityLog.changes()
                  .put("permissions", before.permissionsAsWritten(), after.permissionsAsWritten())
                  .put("api_access", before.apiAccess(), after.apiAccess())
                  .map());
          return store.find(after.id()).orElseThrow();
        });
  }

  private static User withSso(User u, Sso sso, Grant grant) {
    return new User(
        u.id(),
        u.uuid(),
        u.clientId(),
        u.email(),
        u.realname(),
        grant,
        u.enabled(),
        sso,
        u.apiAccess(),
        u.passwordHash(),
        u.createAt(),
        u.lastLoginAt(),
        u.provisioned());
  }

  /**
   * Takes the permissions of resources the catalogue no longer has out of every custom user's
   * stored list, each change recorded as the system's, {@link #NARROW_BATCH} users to a
   * transaction. Their tokens' lists are the token side's to narrow (the same removed ids, nothing
   * else).
   */
  public int narrowToCatalogue() {
    Catalogue catalogue = access.catalogue();
    return BatchWalk.run(
        db,
        NARROW_BATCH,
        (after, size) -> {
          List<User> users = store.lockCustom(after, size);
          int changed = 0;
          for (User before : users) {
            Optional<Grant> kept = catalogue.withoutRemoved(before.grant());
            if (kept.isPresent()) {
              narrow(before, before.withGrant(kept.get()));
              changed++;
            }
          }
          return BatchWalk.Step.of(changed, users, User::id, after, size);
        });
  }

  private void narrow(User before, User after) {
    store.update(before, after);
    changes.publish(ChangeFeed.Kind.USER, after.id());
    activity.record(
        Origin.SYSTEM,
        after.clientId(),
        "user",
        after.id(),
        after.email(),
        "update",
        ActivityLog.changes()
            .put("permissions", before.permissionsAsWritten(), after.permissionsAsWritten())
            .map());
  }

  /**
   * Ids of the users holding {@code role} who own a personal token, after {@code afterId}, at most
   * {@code limit}, in order.
   */
  public List<Long> idsHolding(Role role, long afterId, int limit) {
    return store.idsHolding(role, afterId, limit);
  }

  /** Deletes a user and their personal tokens; returns the user as they were. */
  public User delete(Caller caller, long id) {
    return delete(caller, Filter.byId(id));
  }

  /**
   * {@link #delete(Caller, long)} of the one user the filter names (404 when it names none the
   * caller reaches).
   */
  public User delete(Caller caller, Filter filter) {
    return db.inTransaction(
        () -> {
          User user = managed(caller, filter, "users:delete").user();
          if (user.id() == caller.actingUserId() || ownedByIdp(user)) {
            throw ValidationException.of("id", NOT_ALLOWED, user.id());
          }
          if (user.enabled() && user.role().administers()) {
            // The client's row (the last-admin count) before the tokens', the order every change
            // keeps.
            clients.lock(user.clientId());
          }
          followers.deleted(user, caller.origin());
          store.delete(user.id());
          changes.publish(ChangeFeed.Kind.USER, user.id());
          requireAnotherAdmin(user, null);
          activity.record(
              caller.origin(),
              user.clientId(),
              "user",
              user.id(),
              user.email(),
              "delete",
              ActivityLog.changes().put("email", user.email(), null).map());
          return user;
        });
  }

  // A user the client's IdP created is the IdP's to disable and delete while it provisions users
  // (4.6); turning provisioning off hands them back.
  private boolean ownedByIdp(User user) {
    return user.provisioned() && sso.provisioning(user.clientId());
  }

  private record Managed(User user, Client client) {}

  // Without the permission at all: 403 whatever the filter, so a 404 never tells such a caller
  // which
  // users exist. With it, a user of a client the caller does not reach reads as "not found". The
  // user is read under their row lock (and the filter checked again on what the lock reads): only
  // call it inside the change's transaction.
  private Managed managed(Caller caller, Filter filter, String permission) {
    access.require(caller, caller.homeClient(), permission);
    long id = find(filter).map(User::id).orElseThrow(ServiceException::notFound);
    User user = store.lock(id).filter(filter::matches).orElseThrow(ServiceException::notFound);
    Client client = clients.find(user.clientId()).orElseThrow(ServiceException::notFound);
    PermissionSet permissions = access.permissionsIn(caller, client);
    if (permissions.isEmpty()) {
      throw ServiceException.notFound();
    }
    if (!permissions.has(permission)) {
      throw ServiceException.forbidden();
    }
    return new Managed(user, client);
  }

  /**
   * Nobody grants a role or permission they do not hold; global roles live only in a technical
   * tenant.
   */
  private void checkGrant(Caller caller, Account target, Grant grant) {
    boolean globalAllowed =
        target.technical() && caller.user() != null && caller.user().role().global();
    Cap.requireFits(grant, access.permissionsIn(caller, target), globalAllowed);
  }

  // The last enabled administrator of a client stays: checked after the write, inside the
  // transaction.
  // Two admins disabling each other at once would both see "one left": the client row lock makes
  // such changes of one client take turns.
  private void requireAnotherAdmin(User before, User after) {
    if (!before.enabled() || !before.role().administers()) {
      return;
    }
    boolean stillAdmin = after != null && after.enabled() && after.role() == before.role();
    if (!stillAdmin && countUnderClientLock(before.clientId(), before.role()) == 0) {
      throw ValidationException.of(
          after == null ? "id" : after.enabled() ? "permissions" : "enabled",
          NOT_ALLOWED,
          after == null ? before.id() : after.enabled() ? after.permissionsAsWritten() : false);
    }
  }

  private long countUnderClientLock(long clientId, Role role) {
    clients.lock(clientId);
    return store.countEnabledWithRole(clientId, role.id());
  }

  private static List<String> written(Grant grant) {
    return grant.preset() != null ? List.of(grant.preset().id()) : grant.custom();
  }
}
