package dev.tokensmith.permissions;

import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.errors.ValidationException;
import java.util.Optional;

/**
 * The one home of the rule "nothing holds more than its source": a token never exceeds its owner (a
 * shared token, its client's administrator bundle), nobody grants a user or a token more than they
 * hold, and an owner narrowed narrows their tokens for good. Pure functions over permission sets:
 * the callers find the sets (whose permissions, in which client); this class decides.
 */
public final class Cap {
  private Cap() {}

  /**
   * The most a shared token may hold: its client's administrator bundle (a partner's technical
   * tenant: the global one).
   */
  public static PermissionSet shared(Catalogue catalogue, boolean technicalClient) {
    return catalogue.bundle(technicalClient ? Role.PARTNER_ADMIN : Role.ADMIN);
  }

  /** What {@code granted} yields under {@code cap} now: never a permission outside the cap. */
  public static PermissionSet effective(PermissionSet granted, PermissionSet cap) {
    return granted.intersect(cap);
  }

  /**
   * True when {@code grant}, as written, fits within {@code cap}: everything it asks for is held,
   * and a global role preset only where {@code globalAllowed} (a global user granting in a
   * partner's tenants).
   */
  public static boolean fits(Grant grant, PermissionSet cap, boolean globalAllowed) {
    boolean globalPreset = grant.preset() != null && grant.preset().global();
    return (!globalPreset || globalAllowed) && cap.containsAll(grant.requested());
  }

  /**
   * {@link #fits}, or 400 with a {@code permissions} error {@code not_allowed} echoing the grant as
   * written.
   */
  public static void requireFits(Grant grant, PermissionSet cap, boolean globalAllowed) {
    if (!fits(grant, cap, globalAllowed)) {
      throw ValidationException.of("permissions", NOT_ALLOWED, grant.written());
    }
  }

  /**
   * {@code written} narrowed to {@code cap} for good: empty when it still fits (it stays as
   * written, a preset included), otherwise the custom list of what it asked for that the cap still
   * holds.
   */
  public static Optional<Grant> narrowed(Catalogue catalogue, Grant written, PermissionSet cap) {
    PermissionSet requested = written.requested();
    if (cap.containsAll(requested)) {
      return Optional.empty();
    }
    return Optional.of(catalogue.custom(requested.intersect(cap).ids()));
  }
}
