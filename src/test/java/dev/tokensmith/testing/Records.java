package dev.tokensmith.testing;

import dev.tokensmith.access.Account;
import dev.tokensmith.access.Principal;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.tokens.ApiToken;
import dev.tokensmith.tokens.Usage;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The one place the service-tier and store tests build permissions, grants, users and tokens by
 * hand (the rest goes through the services): when the shape of a record or of the permission types
 * changes, this file changes and the tests do not. Permissions are written as on the wire: one role
 * id ({@code "admin"}) or permission ids.
 */
public final class Records {
  /** The default catalogue, which these tests are written against. */
  public static final Catalogue CATALOGUE = Catalogue.standard();

  private Records() {}

  /**
   * Permissions as a request writes them: {@code grant("admin")}, {@code grant("users:view",
   * "api_tokens:view")}.
   */
  public static Grant grant(String... written) {
    return CATALOGUE
        .parse(List.of(written))
        .orElseThrow(() -> new IllegalArgumentException(Arrays.toString(written)));
  }

  /** What {@code written} grants: a role's bundle, or the custom list as it takes effect. */
  public static PermissionSet permissions(String... written) {
    return grant(written).granted();
  }

  /** The ids of a permission set, sorted (for assertions). */
  public static List<String> ids(PermissionSet permissions) {
    List<String> ids = new ArrayList<>(permissions.ids());
    ids.sort(null);
    return ids;
  }

  /** The role with this id. */
  public static Role role(String id) {
    return Role.fromId(id).orElseThrow(() -> new IllegalArgumentException(id));
  }

  /**
   * A user as stored, not yet inserted (id 0): enabled, with a role or custom permissions, no
   * password.
   */
  public static User user(long clientId, String email, String... written) {
    Grant grant = grant(written);
    return new User(
        0,
        UUID.randomUUID().toString(),
        clientId,
        email,
        "User " + email,
        grant,
        true,
        Sso.NONE,
        false,
        null,
        Instant.parse("2026-01-01T00:00:00Z"),
        null,
        false);
  }

  /** The same user with another e-mail, name, role or enabled state (as an update writes it). */
  public static User changed(
      User user, String email, String realname, boolean enabled, String... written) {
    Grant grant = grant(written);
    return new User(
        user.id(),
        user.uuid(),
        user.clientId(),
        email,
        realname,
        grant,
        enabled,
        user.sso(),
        user.apiAccess(),
        user.passwordHash(),
        user.createAt(),
        user.lastLoginAt(),
        user.provisioned());
  }

  /** The same user with another password hash. */
  public static User withPasswordHash(User user, String passwordHash) {
    return new User(
        user.id(),
        user.uuid(),
        user.clientId(),
        user.email(),
        user.realname(),
        user.grant(),
        user.enabled(),
        user.sso(),
        user.apiAccess(),
        passwordHash,
        user.createAt(),
        user.lastLoginAt(),
        user.provisioned());
  }

  /**
   * A personal token of {@code owner} in {@code client}, as a request would see it (not stored).
   */
  public static ApiToken token(long id, Account client, Principal owner, String... written) {
    return token(id, client.id(), owner.id(), owner.id(), false, written);
  }

  /**
   * A shared token of {@code client} created by {@code creatorId}, as a request would see it (not
   * stored).
   */
  public static ApiToken sharedToken(long id, Account client, long creatorId, String... written) {
    return token(id, client.id(), null, creatorId, true, written);
  }

  /**
   * A token as stored, not yet inserted when {@code id} is 0: enabled, no expiry, no secret yet.
   */
  public static ApiToken token(
      long id, long clientId, Long userId, long createdBy, boolean shared, String... written) {
    Grant grant = grant(written);
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    return new ApiToken(
        id,
        new ApiToken.Owner(clientId, userId, createdBy, shared),
        "token " + id,
        null,
        new ApiToken.Scope(Usage.API, grant, List.of(), false),
        new ApiToken.State(true, null, null, null),
        new ApiToken.Secret("hint", null, created),
        ApiToken.History.createdAt(created));
  }

  /** The same token with other permissions and another name (as an update writes it). */
  public static ApiToken changed(ApiToken token, String realname, String... written) {
    Grant grant = grant(written);
    return token.draft().realname(realname).grant(grant).build();
  }
}
