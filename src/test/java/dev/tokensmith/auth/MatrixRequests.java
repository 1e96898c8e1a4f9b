package dev.tokensmith.auth;

import dev.tokensmith.auth.MatrixCase.Target;
import dev.tokensmith.auth.MatrixWorld.Member;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Http;
import dev.tokensmith.testing.LegacyPairs;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestSecrets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a cell of the matrix into its one request (after making any fresh object it needs). */
final class MatrixRequests {
  /** A sent request, and for a list: which id to look for in which field of each element. */
  record Sent(Response response, long listedId, String listedField) {
    static Sent of(Response response) {
      return new Sent(response, 0, null);
    }
  }

  private final MatrixWorld world;
  private final Http http;

  MatrixRequests(MatrixWorld world) {
    this.world = world;
    this.http = world.server.http;
  }

  Sent send(MatrixCase c) {
    Member caller = world.member(c.role());
    Target target = c.target();
    boolean other = target == Target.OTHER_CLIENT;
    long client = other ? world.stranger.clientId() : world.tenant;
    return switch (c.endpoint()) {
      case LOGIN ->
          Sent.of(
              http.post(
                  "/v1/login",
                  Auth.NONE,
                  Map.of("email", caller.email(), "password", caller.password())));
      case LOGOUT -> Sent.of(http.post("/v1/logout", loggedInAgain(caller), null));
      case GET_USER -> Sent.of(http.get("/v1/user", caller.auth()));
      case POST_USER -> Sent.of(http.post("/v1/user", caller.auth(), null));
      case CHANGE_PASSWORD -> {
        // A password change ends the caller's other sessions: a fresh caller of the role makes it.
        Member actor = caller.email() == null ? caller : world.freshMember(c.role());
        yield Sent.of(
            http.post(
                "/v1/user/password",
                actor.auth(),
                Map.of(
                    "current_password",
                    actor.password() == null ? "none" : actor.password(),
                    "new_password",
                    MatrixWorld.NEW_PASSWORD)));
      }
      case SET_PASSWORD ->
          Sent.of(
              http.post(
                  "/v1/user/set_password",
                  caller.auth(),
                  Map.of("code", world.freshCode(), "new_password", MatrixWorld.NEW_PASSWORD)));

      case REPORT_LEAK ->
          Sent.of(
              http.post(
                  "/v2/api_tokens/revoke",
                  caller.auth(),
                  Map.of("secrets", List.of(TestSecrets.unknown("tks1")))));

      case LIST_USERS ->
          new Sent(
              http.post(
                  "/v1/objects/user",
                  caller.auth(),
                  Map.of("filter", Map.of("clientid", client), "limit", 1000)),
              world.colleague.id(),
              "id");
      case CREATE_USER ->
          Sent.of(
              http.post("/v1/objects/user/create", caller.auth(), MatrixWorld.userBody(client)));
      case UPDATE_USER -> {
        Member actor = target == Target.SELF ? world.freshMember(c.role()) : caller;
        long id = target == Target.SELF ? actor.id() : world.freshUser(target);
        yield Sent.of(
            http.post(
                "/v1/objects/user/update",
                actor.auth(),
                Map.of(
                    "filter",
                    Map.of("id", id),
                    "fields",
                    Map.of("realname", "Renamed by the matrix"))));
      }
      case DELETE_USER -> {
        Member actor = target == Target.SELF ? world.freshMember(c.role()) : caller;
        long id = target == Target.SELF ? actor.id() : world.freshUser(target);
        yield Sent.of(
            http.post("/v1/objects/user/delete", actor.auth(), Map.of("filter", Map.of("id", id))));
      }
      case INVITE_USER -> {
        Member actor = target == Target.SELF ? world.freshMember(c.role()) : caller;
        long id = target == Target.SELF ? actor.id() : world.freshUser(target);
        yield Sent.of(
            http.post("/v1/objects/user/invite", actor.auth(), Map.of("filter", Map.of("id", id))));
      }

      case IMPORT_LEGACY -> {
        Member actor = target == Target.SELF ? world.freshMember(c.role()) : caller;
        long id = target == Target.SELF ? actor.id() : world.freshUser(target);
        LegacyPairs.Pair pair = LegacyPairs.next();
        yield Sent.of(
            http.post(
                "/v2/user/" + id + "/legacy_credentials",
                actor.auth(),
                Map.of("uuid", pair.uuid(), "secret", pair.secret())));
      }

      case GET_SSO -> Sent.of(http.get("/v2/sso?client_id=" + client, caller.auth()));
      case PUT_SSO ->
          Sent.of(
              http.put(
                  "/v2/sso?client_id=" + client,
                  caller.auth(),
                  Map.of(
                      "enabled",
                      false,
                      "issuer",
                      "https://idp.matrix.example/realms/matrix",
                      "client_id",
                      "tokensmith",
                      "email_domains",
                      List.of("matrix.example"))));
      case TEST_SSO ->
          Sent.of(
              http.post(
                  "/v2/sso/test?client_id=" + client,
                  caller.auth(),
                  Map.of("issuer", "http://127.0.0.1:1/nothing-here")));
      case SSO_DOMAIN ->
          Sent.of(http.get("/v1/sso/domain?email=someone@no-sso.example", caller.auth()));
      case SSO_START ->
          Sent.of(http.get("/v1/sso/start?email=someone@no-sso.example", caller.auth()));
      case SSO_CALLBACK -> Sent.of(http.get("/v1/sso/callback?code=x", caller.auth()));

      case LIST_TOKENS -> {
        long listed = other ? 0 : world.token(c.role(), target); // made before the list is read
        yield new Sent(
            http.get("/v2/api_tokens?limit=1000&client_id=" + client, caller.auth()), listed, "id");
      }
      case CREATE_TOKEN ->
          Sent.of(http.post("/v2/api_tokens", caller.auth(), createTokenBody(target, client)));
      case GET_TOKEN ->
          Sent.of(http.get("/v2/api_tokens/" + world.token(c.role(), target), caller.auth()));
      case PUT_TOKEN ->
          Sent.of(
              http.put(
                  "/v2/api_tokens/" + world.freshToken(c.role(), target).id(),
                  caller.auth(),
                  Map.of("realname", "Renamed by the matrix")));
      case DELETE_TOKEN ->
          Sent.of(
              http.delete(
                  "/v2/api_tokens/" + world.freshToken(c.role(), target).id(), caller.auth()));
      case GET_SECRET ->
          Sent.of(
              http.get(
                  "/v2/api_tokens/" + world.token(c.role(), target) + "/secret", caller.auth()));
      case RENEW_SECRET ->
          Sent.of(
              http.post(
                  "/v2/api_tokens/" + world.freshToken(c.role(), target).id() + "/secret",
                  caller.auth(),
                  Map.of()));

      case CREATE_CLIENT ->
          Sent.of(
              http.post(
                  "/v1/objects/client/create",
                  caller.auth(),
                  MatrixWorld.clientBody(other ? world.otherPartnerUuid : world.partnerUuid)));
      case LIST_CLIENTS ->
          new Sent(
              http.post(
                  "/v1/objects/client",
                  caller.auth(),
                  Map.of("filter", Map.of("id", List.of(client)))),
              client,
              "id");
      case GET_CLIENTS ->
          new Sent(
              http.get("/v1/objects/client?filter%5Bid%5D=" + client + "&limit=1", caller.auth()),
              client,
              "id");
      case UPDATE_CLIENT ->
          Sent.of(
              http.post(
                  "/v1/objects/client/update",
                  caller.auth(),
                  Map.of(
                      "filter",
                      Map.of("id", world.freshClient(target)),
                      "fields",
                      Map.of("name", "Renamed by the matrix"))));
      case PARTNER_CLIENT ->
          new Sent(
              http.get(
                  "/v2/partner_client?partnerid="
                      + (other ? world.otherPartnerId : world.partnerId),
                  caller.auth()),
              world.tenant,
              "clientid");

      case CREATE_NODE ->
          Sent.of(
              http.post(
                  "/v2/node",
                  caller.auth(),
                  Map.of("hostname", "matrix-created-" + System.nanoTime(), "clientid", client)));
      case LIST_NODES ->
          new Sent(
              http.get("/v2/node?limit=1000&filter%5Bclientid%5D%5B%5D=" + client, caller.auth()),
              world.node(target).id(),
              "id");
      case FIND_NODES ->
          // Found by uuid within the client: listed when the node's client is in the answer.
          new Sent(
              http.post(
                  "/v1/objects/node",
                  caller.auth(),
                  Map.of(
                      "filter",
                      Map.of("clientid", client, "uuid", world.node(target).uuid()),
                      "limit",
                      1000)),
              client,
              "clientid");
      case DELETE_NODE ->
          Sent.of(http.delete("/v2/node/" + world.freshNode(target).id(), caller.auth()));
      case NODE_TOKEN ->
          Sent.of(
              http.post(
                  "/v2/node/" + world.freshNode(target).id() + "/token", caller.auth(), Map.of()));
      case NODE_INSTANCES ->
          Sent.of(http.get("/v2/node/" + world.node(target).id() + "/instances", caller.auth()));
      case REGISTER_NODE -> {
        Auth auth = target == Target.OWN ? world.roleToken(c.role()).auth() : caller.auth();
        yield Sent.of(
            http.post(
                "/v2/node/register",
                auth,
                Map.of("hostname", "matrix-host", "labels", Map.of("group", "matrix-group"))));
      }
      case SYNC_NODE -> Sent.of(http.post("/v2/node/sync", caller.auth(), Map.of()));

      case LIST_WEBHOOKS ->
          new Sent(
              http.get("/v2/webhooks?limit=1000&client_id=" + client, caller.auth()),
              world.webhook(target),
              "id");
      case CREATE_WEBHOOK ->
          Sent.of(
              http.post(
                  "/v2/webhooks",
                  caller.auth(),
                  Map.of(
                      "url",
                      "https://93.184.215.14/matrix-created",
                      "events",
                      List.of("node.registered"),
                      "enabled",
                      false,
                      "client_id",
                      client)));
      case GET_WEBHOOK -> Sent.of(http.get("/v2/webhooks/" + world.webhook(target), caller.auth()));
      case PUT_WEBHOOK ->
          Sent.of(
              http.put(
                  "/v2/webhooks/" + world.webhook(target),
                  caller.auth(),
                  Map.of("description", "Changed by the matrix")));
      case DELETE_WEBHOOK ->
          Sent.of(http.delete("/v2/webhooks/" + world.freshWebhook(target), caller.auth()));
      case WEBHOOK_SECRET ->
          Sent.of(
              http.post(
                  "/v2/webhooks/" + world.webhook(target) + "/secret", caller.auth(), Map.of()));
      case WEBHOOK_PING ->
          Sent.of(
              http.post(
                  "/v2/webhooks/" + world.webhook(target) + "/ping", caller.auth(), Map.of()));
      case WEBHOOK_DELIVERIES ->
          Sent.of(http.get("/v2/webhooks/" + world.webhook(target) + "/deliveries", caller.auth()));
      case RETRY_DELIVERY ->
          Sent.of(
              http.post(
                  "/v2/webhooks/"
                      + world.webhook(target)
                      + "/deliveries/00000000-0000-4000-8000-000000000000/retry",
                  caller.auth(),
                  Map.of()));

      case ACTIVITY_LOG -> Sent.of(http.get("/v2/activity_log?client_id=" + client, caller.auth()));
      case ACTIVITY_COUNT ->
          Sent.of(http.get("/v2/activity_log/count?client_id=" + client, caller.auth()));
      case ACTIVITY_CSV ->
          Sent.of(http.get("/v2/activity_log.csv?client_id=" + client, caller.auth()));
    };
  }

  /** Logout ends a session, so it gets a session of its own. */
  private Auth loggedInAgain(Member caller) {
    return caller.email() == null
        ? caller.auth()
        : world.server.login(caller.email(), caller.password());
  }

  /**
   * OWN: a personal token in T; SHARED: a shared one; OTHER_USER: a personal token naming the
   * colleague as owner; OTHER_CLIENT: a personal token naming the other client.
   */
  private Map<String, Object> createTokenBody(Target target, long client) {
    Map<String, Object> body = new HashMap<>(MatrixWorld.tokenBody(client));
    switch (target) {
      case SHARED -> body.put("shared", true);
      case OTHER_USER -> body.put("user_id", world.colleague.id());
      default -> {}
    }
    return body;
  }
}
