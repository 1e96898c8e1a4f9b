package dev.tokensmith.catalogue;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /v2/catalogue}: the resources, their actions and the roles with their bundles, for any
 * valid credential. The Console builds its permission matrix and role presets from it.
 */
public final class CatalogueApi implements Api {
  private final CatalogueView view;

  public CatalogueApi(Catalogue catalogue) {
    this.view = CatalogueView.of(catalogue);
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/catalogue", this::catalogue);
  }

  private Object catalogue(Request request) {
    request.caller();
    return view;
  }

  /** The answer: built once, the catalogue never changes while the server runs. */
  record CatalogueView(List<ResourceView> resources, List<RoleView> roles) {
    static CatalogueView of(Catalogue catalogue) {
      return new CatalogueView(
          catalogue.resources().stream()
              .map(r -> new ResourceView(r.id(), r.title(), r.actions()))
              .toList(),
          Arrays.stream(Role.values())
              .map(
                  role ->
                      new RoleView(
                          role.id(), role.title(), role.global(), catalogue.bundle(role).ids()))
              .toList());
    }
  }

  record ResourceView(String id, String title, List<String> actions) {}

  record RoleView(String id, String title, boolean global, List<String> permissions) {}
}
