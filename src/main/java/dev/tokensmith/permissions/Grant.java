package dev.tokensmith.permissions;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Permissions as a request writes them: a role preset ({@code ["admin"]}) or a custom list of
 * permission ids.
 *
 * @param preset the role, or null for a custom list
 */
public record Grant(Role preset, List<String> custom) {

  public static Grant of(Role preset) {
    return new Grant(preset, List.of());
  }

  public static Grant custom(List<String> ids) {
    return new Grant(null, List.copyOf(ids));
  }

  /** Everything the grant asks for, before any "needs view" filtering (a cap applies to the request as written). */
  public PermissionSet requested() {
    return preset != null ? preset.bundle() : PermissionSet.of(custom);
  }

  /** The grant as the wire writes it: {@code [role]} or the custom list. */
  public List<String> written() {
    return preset != null ? List.of(preset.id()) : custom;
  }

  public String sourceRole() {
    return preset != null ? preset.id() : Role.CUSTOM.id();
  }

  /**
   * Reads permissions as written on the wire: one role id ({@code ["admin"]}), or permission ids.
   * Empty when the list is empty, mixes roles in, names {@code custom} or an unknown id.
   */
  public static Optional<Grant> parse(List<String> written) {
    if (written.isEmpty()) {
      return Optional.empty();
    }
    if (written.size() == 1) {
      Optional<Role> role = Role.fromId(written.get(0)).filter(r -> r != Role.CUSTOM);
      if (role.isPresent()) {
        return Optional.of(of(role.get()));
      }
    }
    if (!written.stream().allMatch(PermissionSet::isKnown)) {
      return Optional.empty();
    }
    return Optional.of(custom(List.copyOf(new LinkedHashSet<>(written))));
  }
}
