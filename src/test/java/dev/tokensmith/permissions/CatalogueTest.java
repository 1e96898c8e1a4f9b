package dev.tokensmith.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's catalogue: read from JSON or YAML, refused with the line of its first mistake. */
class CatalogueTest {
  @TempDir Path dir;

  private static final String INVOICES =
      """
      resources:
        - id: invoices
          actions: [view, create, void]
          roles:
            admin: [view, create, void]
            analytic: [view, create]
            auditor: [view]
        - id: customers
          title: Customer accounts
          actions: [view, update]
          roles:
            admin: [view, update]
            api_developer: [view]
      """;

  private Catalogue load(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return Catalogue.load(file);
  }

  @Test
  void loadWhenYamlThenItsResourcesBetweenTheBuiltInOnes() throws IOException {
    Catalogue catalogue = load("catalogue.yaml", INVOICES);
    assertThat(catalogue.resources())
        .extracting(Catalogue.Resource::id)
        .containsExactly(
            "nodes", "invoices", "customers", "users", "api_tokens", "activity_log", "clients");
    assertThat(catalogue.resources().get(1).title()).isEqualTo("Invoices");
    assertThat(catalogue.resources().get(2).title()).isEqualTo("Customer accounts");
    assertThat(catalogue.isKnown("invoices:void")).isTrue();
    assertThat(catalogue.isKnown("attacks:view")).isFalse();
    assertThat(catalogue.bundle(Role.ANALYTIC).ids())
        .containsExactly(
            "nodes:view",
            "invoices:view",
            "invoices:create",
            "api_tokens:view",
            "api_tokens:create",
            "api_tokens:update",
            "api_tokens:delete");
    assertThat(catalogue.bundle(Role.API_DEVELOPER).ids()).containsExactly("customers:view");
    assertThat(catalogue.bundle(Role.PARTNER_AUDITOR)).isEqualTo(catalogue.bundle(Role.AUDITOR));
    assertThat(catalogue.bundle(Role.PARTNER_ADMIN).ids())
        .containsAll(catalogue.bundle(Role.ADMIN).ids())
        .contains("clients:view", "clients:create", "clients:update")
        .doesNotContain("clients:delete");
  }

  @Test
  void loadWhenJsonThenSameAsYaml() throws IOException {
    Catalogue json =
        load(
            "catalogue.json",
            """
        {"resources": [
          {"id": "invoices", "actions": ["view", "create", "void"],
           "roles": {"admin": ["view", "create", "void"], "analytic": ["view", "create"], "auditor": ["view"]}},
          {"id": "customers", "title": "Customer accounts", "actions": ["view", "update"],
           "roles": {"admin": ["view", "update"], "api_developer": ["view"]}}
        ]}
        """);
    Catalogue yaml = load("catalogue.yml", INVOICES);
    assertThat(json.ids()).isEqualTo(yaml.ids());
    for (Role role : Role.values()) {
      assertThat(json.bundle(role).ids()).as(role.id()).isEqualTo(yaml.bundle(role).ids());
    }
  }

  @Test
  void loadWhenMistakeThenRefusedNamingTheLine() throws IOException {
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view, create]
            roles:
              admin: [view, refund]
        """,
        "line 5",
        "role \"admin\" names action \"refund\", which resource \"invoices\" does not have");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
            roles:
              owner: [view]
        """,
        "line 5",
        "unknown role \"owner\"");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
          - id: invoices
            actions: [view]
        """,
        "line 4",
        "resource \"invoices\" is listed twice");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view, void, void]
        """,
        "line 3",
        "action \"void\" is listed twice");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [create]
        """,
        "line 2",
        "view among them");
    assertRefused(
        """
        resources:
          - id: users
            actions: [view]
        """,
        "line 2",
        "resource \"users\" is built into Tokensmith");
    assertRefused(
        """
        resources:
          - id: Invoices
            actions: [view]
        """,
        "line 2",
        "lowercase letters");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
            role: {admin: [view]}
        """,
        "line 4",
        "unknown key \"role\"");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
            roles:
              partner_admin: [view]
        """,
        "line 5",
        "unknown role \"partner_admin\"");
    assertRefused("resources: [\n", "", "not valid YAML");
    assertRefused("products: []\n", "line 1", "unknown key \"products\"");
  }

  @Test
  void loadWhenKeyOfResourceGivenTwiceThenRefusedNotTheLastOneKept() throws IOException {
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
            actions: [view, void]
            roles: {admin: [view, void]}
        """,
        "line 4",
        "\"actions\" is given twice");
    assertRefused(
        """
        resources:
          - id: invoices
            id: customers
            actions: [view]
        """,
        "line 3",
        "\"id\" is given twice");
  }

  @Test
  void loadWhenSomethingFollowsTheCatalogueThenRefusedNotIgnored() throws IOException {
    // A second YAML document (two files pasted together) would otherwise be dropped without a word,
    // and the
    // next start would take its resources' permissions away from everyone.
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view]
        ---
        resources:
          - id: customers
            actions: [view]
        """,
        "line 5",
        "nothing may follow");
    Path json = dir.resolve("bad.json");
    Files.writeString(
        json,
        "{\"resources\": []}\n{\"resources\": [{\"id\": \"invoices\", \"actions\": [\"view\"]}]}\n");
    assertThatThrownBy(() -> Catalogue.load(json))
        .isInstanceOf(Catalogue.Invalid.class)
        .hasMessageStartingWith(json + " line 2")
        .hasMessageContaining("nothing may follow");
  }

  @Test
  void loadWhenYamlAliasThenRefusedNotReadAsTheAnchorsName() throws IOException {
    // The parser hands an alias over as its anchor's name: "*x" would read as the action "x".
    assertRefused(
        """
        resources:
          - id: invoices
            actions: [view, &x export_all, x]
            roles:
              auditor: [view, *x]
        """,
        "line 5",
        "alias");
    assertRefused(
        """
        resources:
          - id: invoices
            actions: &all [view, void]
            roles:
              admin: *all
        """,
        "line 5",
        "alias");
  }

  @Test
  void loadWhenYamlWordsThatYamlReadsAsBooleanThenTheyAreActions() throws IOException {
    Catalogue catalogue =
        load(
            "switches.yaml",
            """
        resources:
          - id: switches
            actions: [view, on, off]
            roles:
              admin: [view, on, off]
        """);
    assertThat(catalogue.bundle(Role.ADMIN).ids())
        .contains("switches:view", "switches:on", "switches:off");
  }

  @Test
  void loadWhenPermissionLongerThanARequestMayWriteThenRefused() throws IOException {
    String id = "a".repeat(40);
    assertRefused(
        "resources:\n  - id: " + id + "\n    actions: [view, " + "b".repeat(24) + "]\n",
        "line 2",
        "longer than 64 characters");
  }

  @Test
  void loadWhenMorePermissionsThanACustomListCanHoldThenRefused() throws IOException {
    StringBuilder yaml = new StringBuilder("resources:\n");
    for (int i = 0; i < 60; i++) {
      yaml.append("  - id: r").append(i).append("\n    actions: [view, create, update]\n");
    }
    assertRefused(yaml.toString(), "line ", "more than 200 permissions");
    StringBuilder longIds = new StringBuilder("resources:\n");
    for (int i = 0; i < 30; i++) {
      longIds
          .append("  - id: resource_with_a_long_name_")
          .append(i)
          .append("\n    actions: [view, create, update, delete, export]\n");
    }
    assertRefused(longIds.toString(), "line ", "4000 characters");
  }

  @Test
  void loadWhenMissingFileThenRefusedNamingIt() {
    Path missing = dir.resolve("nowhere.yaml");
    assertThatThrownBy(() -> Catalogue.load(missing))
        .isInstanceOf(Catalogue.Invalid.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("cannot be read");
  }

  @Test
  void storedWhenIdOfRemovedResourceThenKeptAsWrittenButGrantsNothing() {
    Catalogue catalogue = Catalogue.standard();
    Grant stored =
        catalogue.stored(Role.CUSTOM, List.of("users:view", "invoices:view", "users:update"));
    assertThat(stored.written()).containsExactly("users:view", "invoices:view", "users:update");
    assertThat(stored.granted().ids()).containsExactly("users:view", "users:update");
    assertThat(catalogue.removedFrom(stored)).isTrue();
    assertThat(catalogue.removedFrom(catalogue.custom(List.of("users:view")))).isFalse();
    assertThat(catalogue.stored(Role.ADMIN, List.of("ignored")))
        .isEqualTo(catalogue.preset(Role.ADMIN));
  }

  @Test
  void parseWhenWrittenThenPresetCustomOrNothing() {
    Catalogue catalogue = Catalogue.standard();
    assertThat(catalogue.parse(List.of("admin"))).contains(catalogue.preset(Role.ADMIN));
    assertThat(catalogue.parse(List.of("users:view", "users:view")).orElseThrow().custom())
        .containsExactly("users:view");
    assertThat(catalogue.parse(List.of())).isEmpty();
    assertThat(catalogue.parse(List.of("custom"))).isEmpty();
    assertThat(catalogue.parse(List.of("admin", "users:view"))).isEmpty();
    assertThat(catalogue.parse(List.of("invoices:view"))).isEmpty();
  }

  @Test
  void permissionSetWhenWiderThanTwoWordsThenStillExact() throws IOException {
    StringBuilder yaml = new StringBuilder("resources:\n");
    for (int i = 0; i < 50; i++) {
      yaml.append("  - id: r")
          .append(i)
          .append("\n    actions: [view, create, update]\n    roles: {admin: [view]}\n");
    }
    Catalogue big = load("big.yaml", yaml.toString());
    assertThat(big.ids()).hasSizeGreaterThan(128);
    PermissionSet last = big.set("r49:view", "r49:update", "r0:create");
    assertThat(last.ids()).containsExactly("r0:create", "r49:view", "r49:update");
    assertThat(last.effective().ids()).containsExactly("r49:view", "r49:update");
    assertThat(big.bundle(Role.ADMIN).size()).isEqualTo(50 + 4 + 4 + 4 + 2);
    assertThat(big.all().containsAll(last)).isTrue();
    assertThat(last.containsAll(big.all())).isFalse();
  }

  private void assertRefused(String yaml, String line, String message) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml);
    assertThatThrownBy(() -> Catalogue.load(file))
        .as(yaml)
        .isInstanceOf(Catalogue.Invalid.class)
        .hasMessageStartingWith(file + (line.isEmpty() ? "" : " " + line))
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }
}
