package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.TokenCommands.Issued;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Imports legacy credentials (4.5): a user's UUID and secret key from an older system become their
 * backward-compatible token, which the pair authenticates as until compatibility ends. Only a keyed
 * digest of the secret key is kept. At most one per user, for good: a second import for the user,
 * or of a UUID another user holds, is a conflict, even after the first pair has ended.
 */
public final class LegacyCredentials {
  /** A UUID as older clients send it: 36 characters of lower-case hex digits and dashes. */
  public static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** A legacy secret key: 40 characters of {@code [A-Za-z0-9_-]}. */
  public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{40}");

  private final Database db;
  private final LegacyStore store;
  private final TokenWriter writer;
  private final TokenService tokens;
  private final UserDirectory users;
  private final ClientService clients;
  private final Access access;
  private final TokenSecrets secrets;

  public LegacyCredentials(
      Database db,
      LegacyStore store,
      TokenWriter writer,
      TokenService tokens,
      UserDirectory users,
      ClientService clients,
      Access access,
      TokenSecrets secrets) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.tokens = tokens;
    this.users = users;
    this.clients = clients;
    this.access = access;
    this.secrets = secrets;
  }

  /**
   * {@code POST /v2/user/{id}/legacy_credentials}: admins of the user's client who hold at least
   * the user's permissions (the pair acts as the user). Returns the new token with its value, shown
   * once. 404 for a user the caller does not reach, 409 when the user already has legacy
   * credentials or another user has the UUID.
   */
  public TokenService.Created importFor(Caller caller, long userId, String uuid, String secret) {
    requireShape(uuid, secret);
    access.require(caller, caller.homeClient(), "users:update");
    Issued issued =
        db.inTransaction(
            () -> {
              User user = users.lock(userId).orElseThrow(ServiceException::notFound);
              Client client = clients.find(user.clientId()).orElseThrow(ServiceException::notFound);
              PermissionSet permissions = access.permissionsIn(caller, client);
              if (permissions.isEmpty()) {
                throw ServiceException.notFound();
              }
              if (!permissions.has("users:update")
                  || !access.administers(caller, client)
                  || !permissions.containsAll(user.permissions())) {
                throw ServiceException.forbidden();
              }
              requireHolder(user);
              Optional<LegacyStore.Pair> held = store.findByUser(user.id());
              if (held.isPresent()) {
                throw ServiceException.conflict("The user already has legacy credentials");
              }
              if (store.findByUuid(uuid).isPresent()) {
                throw ServiceException.conflict("The UUID belongs to another user");
              }
              return writer.insertLegacy(
                  caller.origin(),
                  caller.actingUserId(),
                  user,
                  client,
                  uuid,
                  secrets.digest(secret));
            });
    return new TokenService.Created(tokens.describeNew(issued.token()), issued.secret());
  }

  /** What became of one row of an import file. */
  public enum Outcome {
    IMPORTED("imported"),
    ALREADY_IMPORTED("already imported"),
    UNKNOWN_EMAIL("unknown e-mail"),
    MALFORMED("invalid: expected 3 fields (email,uuid,secret)"),
    INVALID_UUID("invalid: the UUID is not 36 characters of [0-9a-f-] in UUID form"),
    INVALID_SECRET("invalid: the secret key is not 40 characters of [A-Za-z0-9_-]"),
    NOT_ALLOWED("refused: the user may not hold API tokens, or signs in with SSO"),
    OTHER_CREDENTIALS("refused: the user already has other legacy credentials"),
    UUID_TAKEN("refused: another user has this UUID"),
    FAILED("failed: the database refused the row (imported at the same time elsewhere?)");

    private final String text;

    Outcome(String text) {
      this.text = text;
    }

    /** How the command reports it. */
    public String text() {
      return text;
    }

    public boolean failed() {
      return this != IMPORTED && this != ALREADY_IMPORTED;
    }
  }

  /**
   * Imports one row of a file as the system (the command line), inside the caller's transaction
   * (see {@link #inTransaction}): the same checks as the API except who may; a row imported before
   * is {@link Outcome#ALREADY_IMPORTED}, so a file can be run twice.
   */
  public Outcome importRow(String email, String uuid, String secret) {
    if (uuid == null || !UUID.matcher(uuid).matches()) {
      return Outcome.INVALID_UUID;
    }
    if (secret == null || !SECRET.matcher(secret).matches()) {
      return Outcome.INVALID_SECRET;
    }
    Optional<User> found = users.findByEmail(email);
    if (found.isEmpty()) {
      return Outcome.UNKNOWN_EMAIL;
    }
    User user = users.lock(found.get().id()).orElse(null);
    Client client = user == null ? null : clients.find(user.clientId()).orElse(null);
    if (user == null || client == null) {
      return Outcome.UNKNOWN_EMAIL;
    }
    Optional<LegacyStore.Pair> held = store.findByUser(user.id());
    if (held.isPresent()) {
      return held.get().uuid().equals(uuid) ? Outcome.ALREADY_IMPORTED : Outcome.OTHER_CREDENTIALS;
    }
    if (store.findByUuid(uuid).isPresent()) {
      return Outcome.UUID_TAKEN;
    }
    if (!holds(user)) {
      return Outcome.NOT_ALLOWED;
    }
    writer.insertLegacy(Origin.SYSTEM, user.id(), user, client, uuid, secrets.digest(secret));
    return Outcome.IMPORTED;
  }

  /** Runs a batch of {@link #importRow} calls as one transaction. */
  public <T> T inTransaction(java.util.function.Supplier<T> batch) {
    return db.inTransaction(batch);
  }

  private static void requireShape(String uuid, String secret) {
    if (uuid == null) {
      throw ValidationException.of("uuid", REQUIRED, null);
    }
    if (!UUID.matcher(uuid).matches()) {
      // A value as long as a secret key might be one pasted into the wrong field: never echoed.
      throw ValidationException.of("uuid", INVALID, uuid.length() <= 36 ? uuid : null);
    }
    if (secret == null) {
      throw ValidationException.of("secret", REQUIRED, null);
    }
    if (!SECRET.matcher(secret).matches()) {
      throw ValidationException.of("secret", INVALID, null);
    }
  }

  // Only users who may hold personal tokens (T1) and sign in with a password: moving to SSO ends a
  // pair, so one imported for an SSO user would never work.
  private static void requireHolder(User user) {
    if (!holds(user)) {
      if (user.sso() != Sso.NONE) {
        throw ValidationException.of("sso", NOT_ALLOWED, user.sso().id());
      }
      throw ValidationException.of("id", NOT_ALLOWED, user.id());
    }
  }

  private static boolean holds(User user) {
    return user.sso() == Sso.NONE && user.permissions().has("api_tokens:view");
  }
}
