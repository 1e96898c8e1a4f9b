package dev.tokensmith.permissions;

import java.util.List;

/**
 * Permissions as written: a role preset ({@code ["admin"]}) or a custom list of permission ids,
 * with the sets it stands for resolved once by its {@link Catalogue} (which makes every grant).
 *
 * @param preset the role, or null for a custom list
 * @param custom the custom list (empty for a preset)
 * @param requested everything it asks for, before any "needs view" filtering (a cap applies to the
 *     request as written)
 * @param granted what it grants: a preset's bundle, or the custom list without the permissions
 *     whose resource's view is missing
 */
public record Grant(
    Role preset, List<String> custom, PermissionSet requested, PermissionSet granted) {

  public Grant {
    custom = List.copyOf(custom);
  }

  /** The grant as the wire writes it: {@code [role]} or the custom list. */
  public List<String> written() {
    return preset != null ? List.of(preset.id()) : custom;
  }

  /** The role it is stored under: the preset, or {@link Role#CUSTOM}. */
  public Role role() {
    return preset != null ? preset : Role.CUSTOM;
  }

  public String sourceRole() {
    return role().id();
  }
}
