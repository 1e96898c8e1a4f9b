package dev.tokensmith.clients;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.util.List;

/** Tenants, for global users (section 4.4); who may do what is {@link TenantService}'s to say. */
public final class ClientApi implements Api {
  private final TenantService tenants;

  public ClientApi(TenantService tenants) {
    this.tenants = tenants;
  }

  @Override
  public void routes(Routes routes) {
    routes.post("/v1/objects/client/create", this::create);
    routes.post("/v1/objects/client", this::list);
    routes.get("/v1/objects/client", this::list);
    routes.post("/v1/objects/client/update", this::update);
    routes.get("/v2/partner_client", this::partnerClients);
  }

  private Object create(Request request) {
    Params body = request.body();
    String name = body.requiredText("name", 255);
    // Newer Wallarm client libraries send no prefix: a free one is chosen then.
    String prefix = body.text("vuln_prefix", 4).orElse(null);
    if (prefix != null && !prefix.matches("[A-Z0-9]{4}")) {
      throw ValidationException.of("vuln_prefix", INVALID, prefix);
    }
    String partnerUuid = body.requiredText("partner_uuid", 36);
    return ClientView.of(tenants.create(request.caller(), partnerUuid, name, prefix));
  }

  // GET takes the filter in the query string (filter[id]=1, also filter[id][]=1), POST in the body.
  private Object list(Request request) {
    Params filter = request.query().object("filter").or(request.body().object("filter"));
    Page page = Page.of(request);
    return page.keyset(
        tenants.list(request.caller(), filter.ids("id", 1000), page.window()),
        Client::id,
        ClientView::of);
  }

  private Object update(Request request) {
    Params body = request.body();
    long id =
        body.object("filter")
            .id("id")
            .orElseThrow(() -> ValidationException.of("id", REQUIRED, null));
    Params fields = body.object("fields");
    String name = fields.text("name", 255).orElse(null);
    if (name != null && name.isBlank()) {
      throw ValidationException.of("name", REQUIRED, name);
    }
    TenantService.Changes changes =
        new TenantService.Changes(
            name,
            fields.bool("enabled").orElse(null),
            fields.bool("show_once").orElse(null),
            fields.has("max_tokens"),
            fields.number("max_tokens", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(null),
            fields.has("token_max_lifetime_days"),
            days(fields, "token_max_lifetime_days"),
            fields.has("token_default_lifetime_days"),
            days(fields, "token_default_lifetime_days"),
            fields.bool("shared_tokens_require_allowed_ips").orElse(null));
    // A list of the updated clients, as the Wallarm client library reads it.
    return List.of(ClientView.of(tenants.update(request.caller(), id, changes)));
  }

  // A number of days from 1 to 100 years; null (or absent) = none.
  private static Integer days(Params fields, String field) {
    return fields.number(field, 1, TokenPolicy.MAX_DAYS).map(Long::intValue).orElse(null);
  }

  private Object partnerClients(Request request) {
    Page page = Page.of(request);
    Long partnerId = request.query().id("partnerid").orElse(null);
    return page.keyset(
        tenants.partnerClients(request.caller(), partnerId, page.window()),
        Client::id,
        ClientView.Link::of);
  }
}
