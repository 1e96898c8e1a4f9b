package dev.tokensmith.clients;

import dev.tokensmith.access.Account;
import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.JsonBody;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tenants, for global users (section 4.4). Permissions are checked in the caller's own client
 * (the partner's technical tenant), and only the caller's partner's clients are ever reached.
 */
public final class ClientApi implements Api {
  private final ClientService clients;
  private final Access access;

  public ClientApi(ClientService clients, Access access) {
    this.clients = clients;
    this.access = access;
  }

  @Override
  public void routes(Routes routes) {
    routes.post("/v1/objects/client/create", this::create);
    routes.post("/v1/objects/client", this::list);
    routes.post("/v1/objects/client/update", this::update);
    routes.get("/v2/partner_client", this::partnerClients);
  }

  private Object create(Request request) {
    JsonBody body = request.body();
    String name = body.requiredText("name", 255);
    String prefix = body.requiredText("vuln_prefix", 4);
    if (!prefix.matches("[A-Z0-9]{4}")) {
      throw ValidationException.of("vuln_prefix", INVALID, prefix);
    }
    String partnerUuid = body.requiredText("partner_uuid", 36);
    Partner partner = partnerOf(request.caller(), "clients:create");
    if (!partner.uuid().equals(partnerUuid)) {
      throw ServiceException.forbidden();
    }
    return view(clients.createTenant(partner.id(), name, prefix, request.caller().origin()));
  }

  private Object list(Request request) {
    JsonBody filter = request.body().object("filter");
    Page page = Page.of(request);
    List<Long> ids = filter.ids("id", 1000);
    Partner partner = partnerOf(request.caller(), "clients:view");
    return clients.listByPartner(partner.id(), ids, page.limit(), page.offset()).stream().map(ClientApi::view).toList();
  }

  private Object update(Request request) {
    JsonBody body = request.body();
    long id = body.object("filter").id("id").orElseThrow(() -> ValidationException.of("id", REQUIRED, null));
    JsonBody fields = body.object("fields");
    String name = fields.text("name", 255).orElse(null);
    if (name != null && name.isBlank()) {
      throw ValidationException.of("name", REQUIRED, name);
    }
    Boolean enabled = fields.bool("enabled").orElse(null);
    Boolean showOnce = fields.bool("show_once").orElse(null);
    boolean maxGiven = fields.has("max_tokens");
    Integer max = fields.number("max_tokens", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(null);
    Caller caller = request.caller();
    Partner partner = partnerOf(caller, "clients:update");
    return view(clients.update(id, before -> {
      if (before.partnerId() == null || before.partnerId() != partner.id()) {
        throw ServiceException.notFound();
      }
      if (Boolean.FALSE.equals(enabled) && before.technical()) {
        // Disabling the technical tenant would lock out every global user, the caller first.
        throw ValidationException.of("enabled", NOT_ALLOWED, false);
      }
      return new Client(before.id(), before.uuid(), name != null ? name : before.name(), before.vulnPrefix(),
          enabled != null ? enabled : before.enabled(), before.partnerId(), before.technical(),
          showOnce != null ? showOnce : before.showOnce(), maxGiven ? max : before.maxTokens(), before.createAt());
    }, caller.origin()));
  }

  private Object partnerClients(Request request) {
    Page page = Page.of(request);
    Long partnerId = request.queryId("partnerid").orElse(null);
    Partner partner = partnerOf(request.caller(), "clients:view");
    if (partnerId != null && partnerId != partner.id()) {
      throw ServiceException.forbidden();
    }
    return clients.listByPartner(partner.id(), List.of(), page.limit(), page.offset()).stream()
        .filter(c -> !c.technical())
        .map(c -> {
          Map<String, Object> link = new LinkedHashMap<>();
          link.put("id", c.id());
          link.put("partnerid", partner.id());
          link.put("clientid", c.id());
          link.put("params", view(c));
          return link;
        }).toList();
  }

  /** The caller's partner, once the caller holds {@code permission} in their own (technical) client. */
  private Partner partnerOf(Caller caller, String permission) {
    Account home = caller.homeClient();
    access.require(caller, home, permission);
    if (!home.technical() || home.partnerId() == null) {
      throw ServiceException.forbidden();
    }
    return clients.findPartner(home.partnerId()).orElseThrow(ServiceException::forbidden);
  }

  static Map<String, Object> view(Client c) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", c.id());
    view.put("uuid", c.uuid());
    view.put("name", c.name());
    view.put("vuln_prefix", c.vulnPrefix());
    view.put("enabled", c.enabled());
    view.put("partnerid", c.partnerId());
    view.put("show_once", c.showOnce());
    view.put("max_tokens", c.maxTokens());
    return view;
  }
}
