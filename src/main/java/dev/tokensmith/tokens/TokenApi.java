package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.access.Grants;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.storage.SeekPast;
import dev.tokensmith.tokens.TokenCommands.Issued;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The API token endpoints (section 4.3). */
public final class TokenApi implements Api {
  /** The longest grace period a renewal may ask for: one week. */
  public static final int MAX_GRACE_SECONDS = 604_800;

  private static final int MAX_NAME = 255;
  private static final int MAX_DESCRIPTION = 1000;
  // 90 of the longest canonical blocks (43 characters of IPv6, plus a comma) fit the 4000-character
  // column.
  private static final int MAX_ALLOWED_IPS = 90;

  private final TokenService tokens;
  private final Grants grants;

  public TokenApi(TokenService tokens, Grants grants) {
    this.tokens = tokens;
    this.grants = grants;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/api_tokens", this::list);
    routes.post("/v2/api_tokens", this::create);
    routes.get("/v2/api_tokens/:id", r -> TokenView.of(tokens.get(r.caller(), r.pathId("id"))));
    routes.put("/v2/api_tokens/:id", this::update);
    routes.delete(
        "/v2/api_tokens/:id", r -> TokenView.of(tokens.delete(r.caller(), r.pathId("id"))));
    routes.get(
        "/v2/api_tokens/:id/secret",
        r -> new TokenView.Secret(tokens.secret(r.caller(), r.pathId("id"))));
    routes.post("/v2/api_tokens/:id/secret", this::renew);
  }

  // In id order a list pages by keyset, as every list does; in another (order_by, order_desc) by a
  // seek cursor that names its order, so a cursor is never read under an order it was not made in.
  private Object list(Request request) {
    // Each filter from the query string, else from the body's filter object.
    Params filter = request.query().or(request.body().object("filter"));
    Params sort = request.query().or(request.body());
    Page page = Page.of(request);
    TokenOrder order =
        sort.text("order_by", 32)
            .filter(o -> !o.isEmpty())
            .map(
                o ->
                    TokenOrder.fromWire(o)
                        .orElseThrow(() -> ValidationException.of("order_by", INVALID, o)))
            .orElse(TokenOrder.ID);
    boolean descending = sort.bool("order_desc").orElse(false);
    boolean natural = order == TokenOrder.ID && !descending;
    String orderName = order.wire() + (descending ? ".desc" : ".asc");
    SeekPast after = natural ? null : page.seekPast(orderName, order.numeric());
    TokenQuery query =
        new TokenQuery(
            0,
            null,
            filter.id("user_id").orElse(null),
            filter.bool("enabled").orElse(null),
            filter.text("realname", MAX_NAME).orElse(null),
            filter.bool("shared").orElse(null),
            order,
            descending,
            after,
            natural ? page.window() : page.sortedWindow());
    TokenService.Listing listing =
        tokens.list(request.caller(), filter.id("client_id").orElse(null), query);
    Reply reply =
        natural
            ? page.keyset(listing.tokens(), described -> described.token().id(), TokenView::of)
            : page.sorted(
                listing.tokens(),
                orderName,
                described -> described.token().id(),
                order::valueOf,
                TokenView::of);
    // Beside the list, as next_cursor is: the rules the Console's token form follows.
    return reply.with("token_policy", TokenView.Policy.of(listing.policy()));
  }

  private Object create(Request request) {
    Params body = request.body();
    String realname = body.requiredText("realname", MAX_NAME);
    Grant grant =
        permissions(body).orElseThrow(() -> ValidationException.of("permissions", REQUIRED, null));
    Usage usage =
        body.text("usage", 32)
            .map(
                u -> Usage.fromId(u).orElseThrow(() -> ValidationException.of("usage", INVALID, u)))
            .orElse(Usage.API);
    TokenCommands.Create cmd =
        new TokenCommands.Create(
            body.id("client_id").orElse(null),
            realname,
            description(body),
            body.id("user_id").orElse(null),
            body.bool("enabled").orElse(true),
            body.has("expire_at"),
            body.time("expire_at").orElse(null),
            grant,
            body.bool("shared").orElse(false),
            usage,
            allowedIps(body).orElse(List.of()));
    return TokenView.of(tokens.create(request.caller(), cmd));
  }

  private Object update(Request request) {
    long id = request.pathId("id");
    Params body = request.body();
    Optional<String> realname = body.text("realname", MAX_NAME);
    if (realname.isPresent() && realname.get().isBlank()) {
      throw ValidationException.of("realname", REQUIRED, realname.get());
    }
    Optional<Instant> expireAt = body.time("expire_at");
    TokenCommands.Update cmd =
        new TokenCommands.Update(
            realname.orElse(null),
            body.has("description"),
            description(body),
            body.bool("enabled").orElse(null),
            body.has("expire_at"),
            expireAt.orElse(null),
            permissions(body).orElse(null),
            allowedIps(body).orElse(null));
    return TokenView.of(tokens.update(request.caller(), id, cmd));
  }

  private Object renew(Request request) {
    long id = request.pathId("id");
    int grace = request.body().number("grace_seconds", 0, MAX_GRACE_SECONDS).orElse(0L).intValue();
    Issued issued = tokens.renew(request.caller(), id, grace);
    return new TokenView.Renewed(issued.secret(), issued.token().secret().generatedAt());
  }

  // Empty or blank reads as none.
  private static String description(Params body) {
    return body.text("description", MAX_DESCRIPTION).filter(d -> !d.isBlank()).orElse(null);
  }

  private Optional<Grant> permissions(Params body) {
    return body.texts("permissions", Grants.MAX_ENTRIES, Grants.MAX_ENTRY_LENGTH)
        .map(written -> grants.read("permissions", written));
  }

  private static Optional<List<String>> allowedIps(Params body) {
    return body.texts("allowed_ips", MAX_ALLOWED_IPS, 64)
        .map(
            list ->
                list.stream()
                    .map(
                        text ->
                            IpRange.parse(text.trim())
                                .map(IpRange::toString)
                                .orElseThrow(
                                    () -> ValidationException.of("allowed_ips", INVALID, text)))
                    .distinct()
                    .toList());
  }
}
