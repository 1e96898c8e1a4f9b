package dev.tokensmith.auth;

import java.util.List;

/**
 * The columns of the authorization matrix: the eight roles of spec 1.3, a custom user, and a caller
 * with no credential at all.
 */
enum MatrixRole {
  ADMIN("admin"),
  ANALYTIC("analytic"),
  AUDITOR("auditor"),
  API_DEVELOPER("api_developer"),
  DEPLOY("deploy"),
  PARTNER_ADMIN("partner_admin"),
  PARTNER_ANALYTIC("partner_analytic"),
  PARTNER_AUDITOR("partner_auditor"),
  CUSTOM("custom"),
  ANONYMOUS("anonymous");

  /** What the custom user holds: users and activity read, the token section in full. */
  static final List<String> CUSTOM_PERMISSIONS =
      List.of(
          "users:view",
          "api_tokens:view",
          "api_tokens:create",
          "api_tokens:update",
          "api_tokens:delete",
          "activity_log:view");

  private final String id;

  MatrixRole(String id) {
    this.id = id;
  }

  String id() {
    return id;
  }

  /** Global roles live in the partner's technical tenant and act on the tenant by naming it. */
  boolean global() {
    return id.startsWith("partner_");
  }

  /** The permissions a user of this role is created with. */
  List<String> permissions() {
    return this == CUSTOM ? CUSTOM_PERMISSIONS : List.of(id);
  }
}
