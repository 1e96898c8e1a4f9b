package dev.tokensmith.permissions;

import java.util.Optional;

/**
 * The user roles. What each holds is the {@link Catalogue}'s: a regular role's bundle is data, a
 * global role holds its regular role's bundle in every tenant of its partner.
 */
public enum Role {
  ADMIN("admin", "Administrator"),
  ANALYTIC("analytic", "Analyst"),
  AUDITOR("auditor", "Read Only"),
  API_DEVELOPER("api_developer", "API Developer"),
  DEPLOY("deploy", "Deploy"),
  PARTNER_ADMIN("partner_admin", "Global Administrator"),
  PARTNER_ANALYTIC("partner_analytic", "Global Analyst"),
  PARTNER_AUDITOR("partner_auditor", "Global Read Only"),
  CUSTOM("custom", "Custom permissions");

  private static final Role[] ROLES = values();

  private final String id;
  private final String title;

  Role(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** The wire id, e.g. {@code partner_admin}. */
  public String id() {
    return id;
  }

  /** The name shown in the Console, e.g. {@code Global Administrator}. */
  public String title() {
    return title;
  }

  /** Whether this is a global (partner) role. */
  public boolean global() {
    return this == PARTNER_ADMIN || this == PARTNER_ANALYTIC || this == PARTNER_AUDITOR;
  }

  /** The regular role a global role acts as in each tenant; any other role is its own. */
  public Role regular() {
    return switch (this) {
      case PARTNER_ADMIN -> ADMIN;
      case PARTNER_ANALYTIC -> ANALYTIC;
      case PARTNER_AUDITOR -> AUDITOR;
      default -> this;
    };
  }

  /** The role with this exact (lowercase) id; empty for null or an unknown id. */
  public static Optional<Role> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    for (Role role : ROLES) {
      if (role.id.equals(id)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** Whether users of this role may hold personal tokens (rule T1). */
  public boolean mayHoldTokens() {
    return this == ADMIN || this == ANALYTIC || this == PARTNER_ADMIN || this == PARTNER_ANALYTIC;
  }

  /** Whether this role administers its client: all tokens, shared tokens, users (rules T2, T4). */
  public boolean administers() {
    return this == ADMIN || this == PARTNER_ADMIN;
  }
}
