package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.tokens.TokenCommands.Issued;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.IsoTime;
import dev.tokensmith.web.JsonBody;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The API token endpoints (section 4.3). */
public final class TokenApi implements Api {
  /** The longest grace period a renewal may ask for: one week. */
  public static final int MAX_GRACE_SECONDS = 604_800;
  private static final int MAX_NAME = 255;
  // 90 of the longest canonical blocks (43 characters of IPv6, plus a comma) fit the 4000-character column.
  private static final int MAX_ALLOWED_IPS = 90;

  private final TokenService tokens;
  private final Catalogue catalogue;

  public TokenApi(TokenService tokens, Catalogue catalogue) {
    this.tokens = tokens;
    this.catalogue = catalogue;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/api_tokens", this::list);
    routes.post("/v2/api_tokens", this::create);
    routes.get("/v2/api_tokens/:id", r -> view(tokens.get(r.caller(), r.pathId("id"))));
    routes.put("/v2/api_tokens/:id", this::update);
    routes.delete("/v2/api_tokens/:id", r -> view(tokens.delete(r.caller(), r.pathId("id"))));
    routes.get("/v2/api_tokens/:id/secret", r -> Map.of("secret", tokens.secret(r.caller(), r.pathId("id"))));
    routes.post("/v2/api_tokens/:id/secret", this::renew);
  }

  private Object list(Request request) {
    JsonBody filter = request.body().object("filter");
    Page page = Page.of(request);
    Long clientId = request.queryId("client_id").or(() -> filter.id("client_id")).orElse(null);
    Long userId = request.queryId("user_id").or(() -> filter.id("user_id")).orElse(null);
    Boolean enabled = request.queryBool("enabled").or(() -> filter.bool("enabled")).orElse(null);
    String realname = request.queryText("realname", MAX_NAME).or(() -> filter.text("realname", MAX_NAME)).orElse(null);
    Boolean shared = request.queryBool("shared").or(() -> filter.bool("shared")).orElse(null);
    List<ApiToken> found = tokens.list(request.caller(), clientId, userId, enabled, realname, shared, page.limit(),
        page.offset());
    return tokens.describe(found).stream().map(TokenApi::view).toList();
  }

  private Object create(Request request) {
    JsonBody body = request.body();
    String realname = body.requiredText("realname", MAX_NAME);
    Grant grant = body.permissions("permissions", catalogue::parse).orElseThrow(() -> ValidationException.of("permissions", REQUIRED, null));
    Usage usage = body.text("usage", 32).map(u -> Usage.fromId(u)
        .orElseThrow(() -> ValidationException.of("usage", INVALID, u))).orElse(Usage.API);
    TokenCommands.Create cmd = new TokenCommands.Create(body.id("client_id").orElse(null), realname,
        body.id("user_id").orElse(null), body.bool("enabled").orElse(true), body.time("expire_at").orElse(null), grant,
        body.bool("shared").orElse(false), usage, allowedIps(body).orElse(List.of()));
    Issued issued = tokens.create(request.caller(), cmd);
    Map<String, Object> view = view(tokens.describe(List.of(issued.token())).get(0));
    view.put("secret", issued.secret());
    return view;
  }

  private Object update(Request request) {
    long id = request.pathId("id");
    JsonBody body = request.body();
    Optional<String> realname = body.text("realname", MAX_NAME);
    if (realname.isPresent() && realname.get().isBlank()) {
      throw ValidationException.of("realname", REQUIRED, realname.get());
    }
    Optional<Instant> expireAt = body.time("expire_at");
    TokenCommands.Update cmd = new TokenCommands.Update(realname.orElse(null), body.bool("enabled").orElse(null),
        body.has("expire_at"), expireAt.orElse(null), body.permissions("permissions", catalogue::parse).orElse(null), allowedIps(body).orElse(null));
    return view(tokens.update(request.caller(), id, cmd));
  }

  private Object renew(Request request) {
    long id = request.pathId("id");
    int grace = request.body().number("grace_seconds", 0, MAX_GRACE_SECONDS).orElse(0L).intValue();
    Issued issued = tokens.renew(request.caller(), id, grace);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("secret", issued.secret());
    view.put("token_generated_at", IsoTime.format(issued.token().tokenGeneratedAt()));
    return view;
  }

  private static Optional<List<String>> allowedIps(JsonBody body) {
    return body.texts("allowed_ips", MAX_ALLOWED_IPS, 64).map(list -> list.stream()
        .map(text -> IpRange.parse(text.trim()).map(IpRange::toString)
            .orElseThrow(() -> ValidationException.of("allowed_ips", INVALID, text)))
        .distinct().toList());
  }

  private Map<String, Object> view(ApiToken token) {
    return view(tokens.describe(List.of(token)).get(0));
  }

  static Map<String, Object> view(TokenService.Described d) {
    ApiToken t = d.token();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", t.id());
    view.put("client_id", t.clientId());
    view.put("user_id", t.userId());
    view.put("user_realname", d.ownerName());
    view.put("created_by", t.createdBy());
    view.put("realname", t.realname());
    view.put("shared", t.shared());
    view.put("usage", t.usage().id());
    view.put("source_role", t.sourceRole());
    // A backward-compatible token's permissions follow its owner's role and are not shown (4.5).
    view.put("permissions", t.legacy() ? List.of() : t.permissionsAsWritten());
    view.put("actual_permissions", d.actual().ids());
    view.put("enabled", t.enabled());
    view.put("disabled_reason", t.disabledReason() == null ? null : t.disabledReason().id());
    view.put("disabled_at", IsoTime.format(t.disabledAt()));
    view.put("expire_at", IsoTime.format(t.expireAt()));
    view.put("create_at", IsoTime.format(t.createAt()));
    view.put("token_generated_at", IsoTime.format(t.tokenGeneratedAt()));
    view.put("last_used_at", IsoTime.format(t.lastUsedAt()));
    view.put("last_used_ip", t.lastUsedIp());
    view.put("legacy", t.legacy());
    view.put("allowed_ips", t.allowedIps());
    view.put("secret_hint", t.secretHint());
    return view;
  }
}
