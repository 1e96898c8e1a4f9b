package dev.tokensmith.permissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The user roles of spec 1.3, each with its permission bundle from spec 1.4. */
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
    for (Role role : Bundles.ROLES) {
      if (role.id.equals(id)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /**
   * The role's permission bundle (spec 1.4); empty for {@link #CUSTOM}, whose permissions are
   * the user's explicit list.
   */
  public PermissionSet bundle() {
    return switch (this) {
      case ADMIN -> Bundles.ADMIN;
      case ANALYTIC, PARTNER_ANALYTIC -> Bundles.ANALYTIC;
      case AUDITOR, PARTNER_AUDITOR -> Bundles.AUDITOR;
      case API_DEVELOPER -> Bundles.API_DEVELOPER;
      case DEPLOY -> Bundles.DEPLOY;
      case PARTNER_ADMIN -> Bundles.PARTNER_ADMIN;
      case CUSTOM -> PermissionSet.EMPTY;
    };
  }

  /** Whether users of this role may hold personal tokens (rule T1). */
  public boolean mayHoldTokens() {
    return this == ADMIN || this == ANALYTIC || this == PARTNER_ADMIN || this == PARTNER_ANALYTIC;
  }

  /** Whether this role administers its client: all tokens, shared tokens, users (rules T2, T4). */
  public boolean administers() {
    return this == ADMIN || this == PARTNER_ADMIN;
  }

  /** The bundles, written row by row as in the spec's table. */
  private static final class Bundles {
    static final Role[] ROLES = Role.values();

    static final PermissionSet ADMIN = PermissionSet.of(ids(
        manage("nodes"),
        view("dashboard"),
        manage("attacks", "incidents", "vulnerabilities", "rules", "credential_stuffing",
            "infrastructure"),
        manage("api_sessions", "mitigation_controls", "filtration_mode", "applications"),
        manage("api_inventory"), actions("download", "api_inventory"),
        manage("api_specs"),
        manage("triggers", "integrations"),
        manage("ip_lists"), actions("export", "ip_lists"),
        manage("security_edge"),
        manage("users"),
        manage("api_tokens"),
        view("activity_log"), actions("export", "activity_log")));

    static final PermissionSet ANALYTIC = PermissionSet.of(ids(
        view("nodes"),
        view("dashboard"),
        manage("attacks", "incidents", "vulnerabilities", "rules", "credential_stuffing",
            "infrastructure"),
        view("api_sessions", "mitigation_controls", "filtration_mode", "applications"),
        manage("api_inventory"),
        view("api_specs"),
        manage("ip_lists"), actions("export", "ip_lists"),
        view("security_edge"),
        manage("api_tokens")));

    static final PermissionSet AUDITOR = PermissionSet.of(ids(
        view("nodes"),
        view("dashboard"),
        view("attacks", "incidents", "vulnerabilities", "rules", "credential_stuffing",
            "infrastructure"),
        view("api_sessions", "mitigation_controls", "filtration_mode", "applications"),
        view("api_specs"),
        view("ip_lists"), actions("export", "ip_lists"),
        view("users"),
        view("activity_log"), actions("export", "activity_log")));

    static final PermissionSet API_DEVELOPER = PermissionSet.of(ids(
        view("api_inventory"), actions("download", "api_inventory"),
        view("api_specs")));

    // Deploy holds nodes:create without nodes:view, exactly as the table says; see effective().
    static final PermissionSet DEPLOY = PermissionSet.of("nodes:create");

    static final PermissionSet PARTNER_ADMIN =
        ADMIN.union(PermissionSet.of("clients:view", "clients:create", "clients:update"));

    private Bundles() {
    }

    /** view + create + update + delete of each resource ("view, manage"). */
    private static List<String> manage(String... resources) {
      List<String> out = new ArrayList<>();
      for (String resource : resources) {
        out.add(resource + ":view");
        out.addAll(actions("create", resource));
        out.addAll(actions("update", resource));
        out.addAll(actions("delete", resource));
      }
      return out;
    }

    private static List<String> view(String... resources) {
      return actions("view", resources);
    }

    private static List<String> actions(String action, String... resources) {
      List<String> out = new ArrayList<>();
      for (String resource : resources) {
        out.add(resource + ":" + action);
      }
      return out;
    }

    @SafeVarargs
    private static List<String> ids(List<String>... parts) {
      List<String> out = new ArrayList<>();
      for (List<String> part : parts) {
        out.addAll(part);
      }
      return out;
    }
  }
}
