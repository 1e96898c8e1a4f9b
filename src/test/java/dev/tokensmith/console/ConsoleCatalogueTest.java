package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Console's copy of the roles and permissions (console/roles.json) says what the server enforces. */
class ConsoleCatalogueTest {

  private static JsonNode catalogue() throws IOException {
    try (InputStream in = ConsoleCatalogueTest.class.getClassLoader().getResourceAsStream("console/roles.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void resourcesWhenComparedThenTheServersCatalogueInOrder() throws IOException {
    List<String> ids = new ArrayList<>();
    List<String> resources = new ArrayList<>();
    for (JsonNode resource : catalogue().path("resources")) {
      resources.add(resource.path("id").asText());
      assertThat(resource.path("title").asText()).isNotBlank();
      resource.path("actions").forEach(action -> ids.add(resource.path("id").asText() + ":" + action.asText()));
    }
    assertThat(resources).isEqualTo(PermissionSet.resources());
    assertThat(ids).isEqualTo(PermissionSet.catalogue());
  }

  @Test
  void rolesWhenComparedThenSameBundlesTitlesAndScope() throws IOException {
    JsonNode roles = catalogue().path("roles");
    assertThat(roles.size()).isEqualTo(Role.values().length);
    for (JsonNode node : roles) {
      Role role = Role.fromId(node.path("id").asText()).orElseThrow();
      List<String> permissions = new ArrayList<>();
      node.path("permissions").forEach(p -> permissions.add(p.asText()));
      assertThat(permissions).as(role.id()).containsExactlyInAnyOrderElementsOf(role.bundle().ids());
      assertThat(node.path("title").asText()).isEqualTo(role.title());
      assertThat(node.path("global").asBoolean()).isEqualTo(role.global());
    }
  }
}
