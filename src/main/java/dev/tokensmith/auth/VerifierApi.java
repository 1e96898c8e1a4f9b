package dev.tokensmith.auth;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.access.Credential;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.IsoTime;
import dev.tokensmith.web.JsonText;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The verifier (SPEC 4.9), the hot path: "is this credential valid, and may it do X?" A token in
 * the verification cache is answered on the event loop with no database round trip; anything else
 * moves to the worker pool by itself. What may pass is {@link VerifierService}'s to say; the answer
 * is written here.
 */
public final class VerifierApi implements Api {
  private final VerifierService verifier;
  private final Map<PermissionSet, String> permissionsJson = new ConcurrentHashMap<>();

  public VerifierApi(VerifierService verifier) {
    this.verifier = verifier;
  }

  @Override
  public void routes(Routes r) {
    r.fast(HttpMethod.POST, "/v2/auth/check", this::check);
    r.fast(HttpMethod.GET, "/v2/auth/forward", this::forward);
  }

  private Object check(Request request) {
    Caller caller = request.caller();
    Params body = request.body();
    Optional<String> permission = body.text("permission", 64);
    if (permission.isPresent() && !verifier.isKnown(permission.get())) {
      throw ValidationException.of("permission", INVALID, permission.get());
    }
    VerifierService.Checked checked =
        verifier.check(caller, permission, body.id("client_id").orElse(null));
    PermissionSet held = checked.permissions();
    // Assembled from ready-made parts rather than serialised: this is the answer to nearly every
    // call.
    Credential token = caller.token();
    Object userId = token != null ? token.userId() : Long.valueOf(caller.user().id());
    String permissions = permissionsJson(held);
    String expireAt = token == null ? null : IsoTime.format(token.expireAt());
    StringBuilder view =
        new StringBuilder(160 + permissions.length())
            .append("{\"user_id\":")
            .append(userId)
            .append(",\"client_id\":")
            .append(checked.client().id())
            .append(",\"token_id\":")
            .append(token == null ? null : token.id())
            .append(",\"shared\":")
            .append(token != null && token.shared())
            .append(",\"permissions\":")
            .append(permissions)
            .append(",\"expire_at\":");
    if (expireAt == null) {
      view.append("null");
    } else {
      view.append('"').append(expireAt).append('"');
    }
    return new JsonText(view.append('}').toString());
  }

  private Object forward(Request request) {
    Caller caller = request.caller();
    Account home =
        verifier.forward(
            caller,
            original(request, "X-Original-Method", "X-Forwarded-Method"),
            original(request, "X-Original-URI", "X-Forwarded-Uri"));
    Credential token = caller.token();
    Reply reply = Reply.of(200, "OK").header("X-Auth-Client-Id", Long.toString(home.id()));
    if (token != null) {
      reply.header("X-Auth-Token-Id", Long.toString(token.id()));
    }
    // A shared token belongs to the client, not a person: no user id, as in /v2/auth/check.
    return caller.sharedToken()
        ? reply
        : reply.header("X-Auth-User-Id", Long.toString(caller.user().id()));
  }

  // Few distinct permission sets exist; their JSON is written once, not on every verification.
  private String permissionsJson(PermissionSet permissions) {
    String json = permissionsJson.get(permissions);
    if (json == null) {
      if (permissionsJson.size() > 10_000) {
        permissionsJson.clear();
      }
      StringBuilder array = new StringBuilder("[");
      for (String id : permissions.ids()) {
        array.append(array.length() == 1 ? "\"" : ",\"").append(id).append('"');
      }
      json = array.append(']').toString();
      permissionsJson.put(permissions, json);
    }
    return json;
  }

  /**
   * The original request's method or URI; null when absent. A gateway sets one header of the pair,
   * and some pass the caller's own headers on (Traefik sends all of them): two different values are
   * refused (403), never settled by which header is read first.
   */
  private static String original(Request request, String name, String other) {
    String value = null;
    for (String header : new String[] {name, other}) {
      for (String sent : request.headers(header)) {
        if (value == null) {
          value = sent;
        } else if (!value.equals(sent)) {
          throw ServiceException.forbidden();
        }
      }
    }
    return value;
  }
}
