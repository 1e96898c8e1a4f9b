package dev.tokensmith.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bundles below are copied by hand from the table in spec 1.4, in catalogue order. */
class RoleTest {
  private static final Catalogue CATALOGUE = Catalogue.standard();

  private static final String[] ADMIN = {
    "nodes:view",
    "nodes:create",
    "nodes:update",
    "nodes:delete",
    "dashboard:view",
    "attacks:view",
    "attacks:create",
    "attacks:update",
    "attacks:delete",
    "incidents:view",
    "incidents:create",
    "incidents:update",
    "incidents:delete",
    "api_sessions:view",
    "api_sessions:create",
    "api_sessions:update",
    "api_sessions:delete",
    "vulnerabilities:view",
    "vulnerabilities:create",
    "vulnerabilities:update",
    "vulnerabilities:delete",
    "api_inventory:view",
    "api_inventory:create",
    "api_inventory:update",
    "api_inventory:delete",
    "api_inventory:download",
    "api_specs:view",
    "api_specs:create",
    "api_specs:update",
    "api_specs:delete",
    "infrastructure:view",
    "infrastructure:create",
    "infrastructure:update",
    "infrastructure:delete",
    "triggers:view",
    "triggers:create",
    "triggers:update",
    "triggers:delete",
    "ip_lists:view",
    "ip_lists:create",
    "ip_lists:update",
    "ip_lists:delete",
    "ip_lists:export",
    "rules:view",
    "rules:create",
    "rules:update",
    "rules:delete",
    "mitigation_controls:view",
    "mitigation_controls:create",
    "mitigation_controls:update",
    "mitigation_controls:delete",
    "credential_stuffing:view",
    "credential_stuffing:create",
    "credential_stuffing:update",
    "credential_stuffing:delete",
    "security_edge:view",
    "security_edge:create",
    "security_edge:update",
    "security_edge:delete",
    "integrations:view",
    "integrations:create",
    "integrations:update",
    "integrations:delete",
    "filtration_mode:view",
    "filtration_mode:create",
    "filtration_mode:update",
    "filtration_mode:delete",
    "applications:view",
    "applications:create",
    "applications:update",
    "applications:delete",
    "users:view",
    "users:create",
    "users:update",
    "users:delete",
    "api_tokens:view",
    "api_tokens:create",
    "api_tokens:update",
    "api_tokens:delete",
    "activity_log:view",
    "activity_log:export"
  };

  private static final String[] ANALYTIC = {
    "nodes:view",
    "dashboard:view",
    "attacks:view",
    "attacks:create",
    "attacks:update",
    "attacks:delete",
    "incidents:view",
    "incidents:create",
    "incidents:update",
    "incidents:delete",
    "api_sessions:view",
    "vulnerabilities:view",
    "vulnerabilities:create",
    "vulnerabilities:update",
    "vulnerabilities:delete",
    "api_inventory:view",
    "api_inventory:create",
    "api_inventory:update",
    "api_inventory:delete",
    "api_specs:view",
    "infrastructure:view",
    "infrastructure:create",
    "infrastructure:update",
    "infrastructure:delete",
    "ip_lists:view",
    "ip_lists:create",
    "ip_lists:update",
    "ip_lists:delete",
    "ip_lists:export",
    "rules:view",
    "rules:create",
    "rules:update",
    "rules:delete",
    "mitigation_controls:view",
    "credential_stuffing:view",
    "credential_stuffing:create",
    "credential_stuffing:update",
    "credential_stuffing:delete",
    "security_edge:view",
    "filtration_mode:view",
    "applications:view",
    "api_tokens:view",
    "api_tokens:create",
    "api_tokens:update",
    "api_tokens:delete"
  };

  private static final String[] AUDITOR = {
    "nodes:view",
    "dashboard:view",
    "attacks:view",
    "incidents:view",
    "api_sessions:view",
    "vulnerabilities:view",
    "api_specs:view",
    "infrastructure:view",
    "ip_lists:view",
    "ip_lists:export",
    "rules:view",
    "mitigation_controls:view",
    "credential_stuffing:view",
    "filtration_mode:view",
    "applications:view",
    "users:view",
    "activity_log:view",
    "activity_log:export"
  };

  private static final String[] API_DEVELOPER = {
    "api_inventory:view", "api_inventory:download", "api_specs:view"
  };

  private static final String[] DEPLOY = {"nodes:create"};

  private static final String[] PARTNER_ADMIN_EXTRA = {
    "clients:view", "clients:create", "clients:update"
  };

  @Test
  void bundleWhenAdminThenExactlyTheSpecTable() {
    assertThat(CATALOGUE.bundle(Role.ADMIN).ids()).containsExactly(ADMIN);
    assertThat(CATALOGUE.bundle(Role.ADMIN).size()).isEqualTo(81);
  }

  @Test
  void bundleWhenAnalyticThenExactlyTheSpecTable() {
    assertThat(CATALOGUE.bundle(Role.ANALYTIC).ids()).containsExactly(ANALYTIC);
  }

  @Test
  void bundleWhenAuditorThenExactlyTheSpecTable() {
    assertThat(CATALOGUE.bundle(Role.AUDITOR).ids()).containsExactly(AUDITOR);
  }

  @Test
  void bundleWhenApiDeveloperThenExactlyTheSpecTable() {
    assertThat(CATALOGUE.bundle(Role.API_DEVELOPER).ids()).containsExactly(API_DEVELOPER);
  }

  @Test
  void bundleWhenDeployThenOnlyNodesCreate() {
    assertThat(CATALOGUE.bundle(Role.DEPLOY).ids()).containsExactly(DEPLOY);
  }

  @Test
  void bundleWhenCustomThenEmpty() {
    assertThat(CATALOGUE.bundle(Role.CUSTOM)).isEqualTo(PermissionSet.EMPTY);
  }

  @Test
  void bundleWhenPartnerAdminThenAdminPlusClientsViewCreateUpdate() {
    String[] expected = Arrays.copyOf(ADMIN, ADMIN.length + PARTNER_ADMIN_EXTRA.length);
    System.arraycopy(PARTNER_ADMIN_EXTRA, 0, expected, ADMIN.length, PARTNER_ADMIN_EXTRA.length);
    assertThat(CATALOGUE.bundle(Role.PARTNER_ADMIN).ids()).containsExactly(expected);
    assertThat(CATALOGUE.bundle(Role.PARTNER_ADMIN).has("clients:delete")).isFalse();
  }

  @Test
  void bundleWhenPartnerAnalyticThenAnalyticBundle() {
    assertThat(CATALOGUE.bundle(Role.PARTNER_ANALYTIC).ids()).containsExactly(ANALYTIC);
  }

  @Test
  void bundleWhenPartnerAuditorThenAuditorBundle() {
    assertThat(CATALOGUE.bundle(Role.PARTNER_AUDITOR).ids()).containsExactly(AUDITOR);
  }

  @Test
  void bundleWhenRegularRoleThenNoClientsPermission() {
    for (Role role :
        new Role[] {Role.ADMIN, Role.ANALYTIC, Role.AUDITOR, Role.API_DEVELOPER, Role.DEPLOY}) {
      assertThat(CATALOGUE.bundle(role).ids()).noneMatch(id -> id.startsWith("clients:"));
    }
  }

  @Test
  void bundleWhenAnyRoleThenOnlyDeployHoldsAPermissionWithoutItsView() {
    for (Role role : Role.values()) {
      if (role != Role.DEPLOY) {
        assertThat(CATALOGUE.bundle(role).effective())
            .as(role.id())
            .isEqualTo(CATALOGUE.bundle(role));
      }
    }
    assertThat(CATALOGUE.bundle(Role.DEPLOY).effective()).isEqualTo(PermissionSet.EMPTY);
  }

  @Test
  void idAndTitleWhenEachRoleThenAsInSpec() {
    assertThat(Role.values())
        .extracting(Role::id)
        .containsExactly(
            "admin",
            "analytic",
            "auditor",
            "api_developer",
            "deploy",
            "partner_admin",
            "partner_analytic",
            "partner_auditor",
            "custom");
    assertThat(Role.values())
        .extracting(Role::title)
        .containsExactly(
            "Administrator",
            "Analyst",
            "Read Only",
            "API Developer",
            "Deploy",
            "Global Administrator",
            "Global Analyst",
            "Global Read Only",
            "Custom permissions");
  }

  @Test
  void fromIdWhenKnownIdThenRole() {
    for (Role role : Role.values()) {
      assertThat(Role.fromId(role.id())).contains(role);
    }
  }

  @Test
  void fromIdWhenUnknownUpperCaseOrNullThenEmpty() {
    assertThat(Role.fromId("root")).isEmpty();
    assertThat(Role.fromId("ADMIN")).isEmpty();
    assertThat(Role.fromId("Admin")).isEmpty();
    assertThat(Role.fromId(" admin")).isEmpty();
    assertThat(Role.fromId("")).isEmpty();
    assertThat(Role.fromId(null)).isEmpty();
  }

  @Test
  void globalWhenPartnerRoleThenTrue() {
    assertThat(Role.values())
        .filteredOn(Role::global)
        .containsExactly(Role.PARTNER_ADMIN, Role.PARTNER_ANALYTIC, Role.PARTNER_AUDITOR);
  }

  @Test
  void regularWhenPartnerRoleThenMatchingRegularRoleElseItself() {
    assertThat(Role.PARTNER_ADMIN.regular()).isEqualTo(Role.ADMIN);
    assertThat(Role.PARTNER_ANALYTIC.regular()).isEqualTo(Role.ANALYTIC);
    assertThat(Role.PARTNER_AUDITOR.regular()).isEqualTo(Role.AUDITOR);
    for (Role role : Role.values()) {
      if (!role.global()) {
        assertThat(role.regular()).isEqualTo(role);
      }
    }
  }

  @Test
  void mayHoldTokensWhenT1RolesThenTrueElseFalse() {
    assertThat(Role.values())
        .filteredOn(Role::mayHoldTokens)
        .containsExactly(Role.ADMIN, Role.ANALYTIC, Role.PARTNER_ADMIN, Role.PARTNER_ANALYTIC);
  }

  @Test
  void administersWhenAdminOrPartnerAdminThenTrueElseFalse() {
    assertThat(Role.values())
        .filteredOn(Role::administers)
        .containsExactly(Role.ADMIN, Role.PARTNER_ADMIN);
  }
}
