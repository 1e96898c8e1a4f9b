package dev.tokensmith.nodes;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.nodes.NodeView.Found;
import dev.tokensmith.nodes.NodeView.InstanceView;
import dev.tokensmith.nodes.NodeView.RegisteredView;
import dev.tokensmith.nodes.NodeView.SyncView;
import dev.tokensmith.nodes.NodeView.TokenView;
import dev.tokensmith.nodes.NodeWriter.Registered;
import dev.tokensmith.storage.SeekPast;
import dev.tokensmith.storage.Window;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The node endpoints, in the Wallarm client library's shapes: nodes ({@code /v2/node}, {@code
 * /v1/objects/node}), their instances' registration, and the instances' sync, the hot one, which is
 * answered on the event loop when the instance is held in memory.
 */
public final class NodeApi implements Api {
  private static final int MAX_HOSTNAME = 255;
  private static final int MAX_CLIENTS = 100;
  private static final Pattern TYPE = Pattern.compile("[a-z0-9_]{1,32}");
  private static final String UUID_HEADER = "X-WallarmAPI-UUID";
  private static final String SECRET_HEADER = "X-WallarmAPI-Secret";

  private final NodeService nodes;
  private final NodeRegistration registration;
  private final InstanceVerifier instances;

  public NodeApi(NodeService nodes, NodeRegistration registration, InstanceVerifier instances) {
    this.nodes = nodes;
    this.registration = registration;
    this.instances = instances;
  }

  @Override
  public void routes(Routes routes) {
    routes.fast(HttpMethod.POST, "/v2/node/sync", this::sync);
    // Registration reads its token itself: a token made for node deployment counts only there.
    routes.publicPost("/v2/node/register", this::register);
    routes.post("/v2/node", this::create);
    routes.get("/v2/node", this::list);
    routes.post("/v1/objects/node", this::find);
    routes.delete("/v2/node/:id", r -> NodeView.of(nodes.delete(r.caller(), r.pathId("id"))));
    routes.post(
        "/v2/node/:id/token", r -> new TokenView(nodes.regenerate(r.caller(), r.pathId("id"))));
    routes.get(
        "/v2/node/:id/instances",
        r -> nodes.instances(r.caller(), r.pathId("id")).stream().map(InstanceView::of).toList());
  }

  private Object create(Request request) {
    Params body = request.body();
    String hostname = body.requiredText("hostname", MAX_HOSTNAME);
    // The Go client sends its zero values for what its caller left out: "type": "", "clientid": 0.
    String type = body.text("type", 32).filter(t -> !t.isEmpty()).orElse(Node.DEFAULT_TYPE);
    if (!TYPE.matcher(type).matches()) {
      throw ValidationException.of("type", INVALID, type);
    }
    Long clientId = body.number("clientid", 0, 1L << 53).filter(id -> id > 0).orElse(null);
    return NodeView.of(nodes.create(request.caller(), clientId, hostname.trim(), type));
  }

  private Object list(Request request) {
    Params query = request.query();
    List<Long> clientIds = query.ids("filter[clientid][]", MAX_CLIENTS);
    if (clientIds.isEmpty()) {
      clientIds = query.ids("filter[clientid]", MAX_CLIENTS);
    }
    Sorting sorting = Sorting.of(query, Page.of(request));
    NodeQuery q =
        new NodeQuery(
            clientIds,
            query.text("filter[type]", 32).orElse(null),
            query.text("filter[!type]", 32).orElse(null),
            null,
            null,
            null,
            sorting.order(),
            sorting.descending(),
            sorting.after(),
            sorting.window());
    return sorting.answer(nodes.list(request.caller(), q), NodeView::of);
  }

  private Object find(Request request) {
    Params body = request.body();
    Params filter = body.object("filter");
    Sorting sorting = Sorting.of(body, Page.of(request));
    Optional<String> ip = filter.text("ip", 45).filter(t -> !t.isEmpty());
    if (ip.isPresent() && IpRange.address(ip.get()).isEmpty()) {
      throw ValidationException.of("ip", INVALID, ip.get());
    }
    NodeQuery q =
        new NodeQuery(
            filter.ids("clientid", MAX_CLIENTS),
            null,
            null,
            filter.text("uuid", 36).filter(t -> !t.isEmpty()).orElse(null),
            filter.text("hostname", MAX_HOSTNAME).filter(t -> !t.isEmpty()).orElse(null),
            ip.orElse(null),
            sorting.order(),
            sorting.descending(),
            sorting.after(),
            sorting.window());
    return sorting.answer(nodes.list(request.caller(), q), Found::of);
  }

  /**
   * A list's order ({@code order_by}, {@code order_desc}) and its page. In id order, ascending, a
   * list pages by keyset, as every list does; in another (or descending) by a seek cursor that
   * names its order, so a cursor is never read under an order it was not made in.
   */
  private record Sorting(NodeQuery.Order order, boolean descending, Page page) {
    static Sorting of(Params params, Page page) {
      Optional<String> name = params.text("order_by", 32).filter(t -> !t.isEmpty());
      NodeQuery.Order order =
          name.map(
                  n ->
                      NodeQuery.Order.fromWire(n)
                          .orElseThrow(() -> ValidationException.of("order_by", INVALID, n)))
              .orElse(NodeQuery.Order.ID);
      return new Sorting(order, params.bool("order_desc").orElse(false), page);
    }

    private boolean natural() {
      return order == NodeQuery.Order.ID && !descending;
    }

    private String name() {
      return order.wire() + (descending ? ".desc" : ".asc");
    }

    SeekPast after() {
      if (natural()) {
        return null;
      }
      return page.seekPast(name(), order.numeric());
    }

    Window window() {
      return natural() ? page.window() : page.sortedWindow();
    }

    <T> Reply answer(List<NodeService.Shown> shown, Function<NodeService.Shown, T> view) {
      return natural()
          ? page.keyset(shown, s -> s.state().node().id(), view)
          : page.sorted(
              shown, name(), s -> s.state().node().id(), s -> order.valueOf(s.state()), view);
    }
  }

  private Object register(Request request) {
    String token = request.credentials().token();
    if (token == null) {
      throw ServiceException.unauthorized();
    }
    Params body = request.body();
    String hostname = body.requiredText("hostname", MAX_HOSTNAME).trim();
    Optional<String> group = body.object("labels").text("group", MAX_HOSTNAME).map(String::trim);
    Optional<Registered> byNode = registration.withNodeToken(token, hostname, request.ip());
    Registered registered;
    if (byNode.isPresent()) {
      registered = byNode.get();
    } else {
      var caller = request.nodeRegistrationCaller();
      if (group.isEmpty() || group.get().isEmpty()) {
        throw ValidationException.of("group", REQUIRED, null);
      }
      registered = registration.withApiToken(caller, hostname, group.get());
    }
    return new RegisteredView(registered.uuid(), registered.secret(), registered.nodeId());
  }

  /**
   * An instance's sync: its own credential pair only (any other credential is not read here, and
   * this pair is read nowhere else); the address it reports, else the one it is seen from.
   */
  private Object sync(Request request) {
    String uuid = single(request, UUID_HEADER);
    String secret = single(request, SECRET_HEADER);
    if (uuid == null || secret == null) {
      throw ServiceException.unauthorized();
    }
    Params body = request.body();
    Optional<String> reported = body.text("ip", 45).filter(t -> !t.isEmpty());
    if (reported.isPresent() && IpRange.address(reported.get()).isEmpty()) {
      throw ValidationException.of("ip", INVALID, reported.get());
    }
    body.text("version", 64);
    return instances
        .sync(uuid, secret, reported.orElseGet(request::ip))
        .map(s -> new SyncView(s.configVersion(), s.nodeId()))
        .orElseThrow(request::authenticationFailed);
  }

  // A header sent twice is refused, never settled by which one is read first.
  private static String single(Request request, String name) {
    List<String> values = request.headers(name);
    if (values.size() > 1) {
      throw ValidationException.of(name, INVALID, null);
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
