package dev.tokensmith.access;

import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.permissions.Cap;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.PermissionSet;

/**
 * What a caller may do in a client. The one place that answers "which permissions hold here": a
 * user's role (global roles across their partner's clients), a token's permissions capped by its
 * owner's current ones, and a shared token capped by the client's admin bundle.
 */
public final class Access {
  private final Accounts clients;
  private final Catalogue catalogue;

  public Access(Accounts clients, Catalogue catalogue) {
    this.clients = clients;
    this.catalogue = catalogue;
  }

  /** The permissions there are. */
  public Catalogue catalogue() {
    return catalogue;
  }

  /**
   * A user's permissions in {@code target}; empty when the user cannot reach it or anything is
   * disabled.
   */
  public PermissionSet userPermissionsIn(Principal user, Account userClient, Account target) {
    if (!user.enabled() || !userClient.enabled() || !target.enabled()) {
      return PermissionSet.EMPTY;
    }
    return rolePermissionsIn(user, userClient, target);
  }

  /**
   * What the user's role grants in {@code target}, whatever the enabled state of the user and
   * clients.
   */
  public PermissionSet rolePermissionsIn(Principal user, Account userClient, Account target) {
    if (user.clientId() == target.id()) {
      return user.permissions();
    }
    if (user.role().global() && userClient.technical() && userClient.samePartner(target)) {
      return catalogue.bundle(user.role());
    }
    return PermissionSet.EMPTY;
  }

  /** The caller's effective permissions in {@code target}. */
  public PermissionSet permissionsIn(Caller caller, Account target) {
    Credential token = caller.token();
    if (token == null) {
      return userPermissionsIn(caller.user(), caller.userClient(), target);
    }
    if (!target.enabled()) {
      return PermissionSet.EMPTY;
    }
    PermissionSet granted = token.permissionSet();
    if (token.shared()) {
      return target.id() == token.clientId()
          ? Cap.effective(granted, sharedCap(caller.tokenClient()))
          : PermissionSet.EMPTY;
    }
    boolean reaches =
        target.id() == token.clientId()
            || caller.user().role().global()
                && caller.tokenClient().technical()
                && caller.tokenClient().samePartner(target);
    return reaches
        ? Cap.effective(granted, userPermissionsIn(caller.user(), caller.userClient(), target))
        : PermissionSet.EMPTY;
  }

  /** The most a shared token of this client can hold. */
  public PermissionSet sharedCap(Account client) {
    return Cap.shared(catalogue, client.technical());
  }

  /** True when the caller acts as an administrator of {@code target} (sees every token of it). */
  public boolean administers(Caller caller, Account target) {
    if (caller.sharedToken()) {
      return caller.token().clientId() == target.id() && target.enabled();
    }
    return caller.user().role().administers() && !permissionsIn(caller, target).isEmpty();
  }

  /** The client a request acts on: the named one if the caller reaches it, else 403. */
  public Account target(Caller caller, Long clientId) {
    if (clientId == null || clientId == caller.homeClient().id()) {
      return caller.homeClient();
    }
    Account target = clients.find(clientId).orElseThrow(ServiceException::forbidden);
    if (permissionsIn(caller, target).isEmpty()) {
      throw ServiceException.forbidden();
    }
    return target;
  }

  /** Throws 403 unless the caller holds {@code permission} in {@code target}. */
  public void require(Caller caller, Account target, String permission) {
    if (!permissionsIn(caller, target).has(permission)) {
      throw ServiceException.forbidden();
    }
  }
}
