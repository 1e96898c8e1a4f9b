package dev.tokensmith.auth;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.permissions.PermissionSet;
import java.util.Optional;

/**
 * The verifier's decisions (section 4.9): may this caller act in a client, and hold a permission
 * there; may this forwarded request pass the gateway. Runs on the event loop for a cached caller,
 * so it reads memory only.
 */
public final class VerifierService {
  private final Access access;
  private final RouteTable routes;

  public VerifierService(Access access, RouteTable routes) {
    this.access = access;
    this.routes = routes;
  }

  /** What a check found: the client acted in and the caller's permissions there. */
  public record Checked(Account client, PermissionSet permissions) {}

  /**
   * Whether {@code permission} is one of the catalogue's (anything else is a malformed request).
   */
  public boolean isKnown(String permission) {
    return access.catalogue().isKnown(permission);
  }

  /**
   * The caller's permissions in the client named (their own when null); 403 when the caller does
   * not reach it or {@code permission} (when given) is not held there.
   */
  public Checked check(Caller caller, Optional<String> permission, Long clientId) {
    Account target = access.target(caller, clientId);
    PermissionSet held = access.permissionsIn(caller, target);
    if (permission.isPresent() && !held.has(permission.get())) {
      throw ServiceException.forbidden();
    }
    return new Checked(target, held);
  }

  /**
   * The client a request forwarded by a gateway acts in (the caller's own); 403 when the original
   * method or URI is missing (null), the route table does not know the route, or its permission is
   * not held.
   */
  public Account forward(Caller caller, String method, String uri) {
    if (method == null || uri == null) {
      throw ServiceException.forbidden();
    }
    Optional<String> permission =
        routes.permissionFor(method, uri).orElseThrow(ServiceException::forbidden);
    Account home = caller.homeClient();
    if (permission.isPresent() && !access.permissionsIn(caller, home).has(permission.get())) {
      throw ServiceException.forbidden();
    }
    return home;
  }
}
