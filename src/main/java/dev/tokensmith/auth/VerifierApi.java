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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The verifier, the hot path: "is this credential valid, and may it do X?" A token in the
 * verification cache is answered on the event loop with no database round trip; anything else moves
 * to the worker pool by itself. What may pass is {@link VerifierService}'s to say; the answer is
 * written here.
 */
public final class VerifierApi implements Api {
  // The answer's fields, in their order; a caller may ask for fewer ("fields": [...]), for a
  // smaller answer: the permission list is most of the full one.
  private static final List<String> FIELD_NAMES =
      List.of("user_id", "client_id", "token_id", "shared", "permissions", "expire_at");
  private static final int USER_ID = 1;
  private static final int CLIENT_ID = 1 << 1;
  private static final int TOKEN_ID = 1 << 2;
  private static final int SHARED = 1 << 3;
  private static final int PERMISSIONS = 1 << 4;
  private static final int EXPIRE_AT = 1 << 5;
  private static final int ALL = (1 << 6) - 1;
  private static final byte[] USER_ID_NAME = name("user_id");
  private static final byte[] CLIENT_ID_NAME = name("client_id");
  private static final byte[] TOKEN_ID_NAME = name("token_id");
  private static final byte[] SHARED_NAME = name("shared");
  private static final byte[] PERMISSIONS_NAME = name("permissions");
  private static final byte[] EXPIRE_AT_NAME = name("expire_at");
  private static final byte[] NO_BYTES = new byte[0];

  private final VerifierService verifier;
  private final Map<PermissionSet, byte[]> permissionsJson = new ConcurrentHashMap<>();

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
    int fields = fields(body);
    VerifierService.Checked checked =
        verifier.check(caller, permission, body.id("client_id").orElse(null));
    // Assembled as bytes from ready-made parts rather than serialised: this is the answer to nearly
    // every call.
    Credential token = caller.token();
    byte[] permissions =
        (fields & PERMISSIONS) != 0 ? permissionsJson(checked.permissions()) : NO_BYTES;
    JsonText view = JsonText.withCapacity(160 + permissions.length).append('{');
    if ((fields & USER_ID) != 0) {
      // A shared token belongs to the client, not a person: no user id.
      Long userId = token != null ? token.userId() : Long.valueOf(caller.user().id());
      number(field(view, USER_ID_NAME), userId);
    }
    if ((fields & CLIENT_ID) != 0) {
      field(view, CLIENT_ID_NAME).append(checked.client().id());
    }
    if ((fields & TOKEN_ID) != 0) {
      number(field(view, TOKEN_ID_NAME), token == null ? null : token.id());
    }
    if ((fields & SHARED) != 0) {
      field(view, SHARED_NAME).appendAscii(token != null && token.shared() ? "true" : "false");
    }
    if ((fields & PERMISSIONS) != 0) {
      field(view, PERMISSIONS_NAME).append(permissions);
    }
    if ((fields & EXPIRE_AT) != 0) {
      String expireAt = token == null ? null : IsoTime.format(token.expireAt());
      field(view, EXPIRE_AT_NAME);
      if (expireAt == null) {
        view.appendAscii("null");
      } else {
        view.append('"').appendAscii(expireAt).append('"');
      }
    }
    return view.append('}');
  }

  private static int fields(Params body) {
    Optional<List<String>> asked = body.texts("fields", FIELD_NAMES.size(), 16);
    if (asked.isEmpty()) {
      return ALL;
    }
    int fields = 0;
    for (String name : asked.get()) {
      int index = FIELD_NAMES.indexOf(name);
      if (index < 0) {
        throw ValidationException.of("fields", INVALID, name);
      }
      fields |= 1 << index;
    }
    return fields;
  }

  // A field's name as the answer writes it, "name": (after a comma unless it is the first).
  private static JsonText field(JsonText view, byte[] name) {
    if (view.length() > 1) {
      view.append(',');
    }
    return view.append(name);
  }

  private static void number(JsonText view, Long value) {
    if (value == null) {
      view.appendAscii("null");
    } else {
      view.append(value.longValue());
    }
  }

  private static byte[] name(String field) {
    return JsonText.encoded("\"" + field + "\":");
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

  // Few distinct permission sets exist; their JSON is written and encoded once, not on every
  // verification.
  private byte[] permissionsJson(PermissionSet permissions) {
    byte[] json = permissionsJson.get(permissions);
    if (json == null) {
      if (permissionsJson.size() > 10_000) {
        permissionsJson.clear();
      }
      StringBuilder array = new StringBuilder("[");
      for (String id : permissions.ids()) {
        array.append(array.length() == 1 ? "\"" : ",\"").append(id).append('"');
      }
      json = JsonText.encoded(array.append(']').toString());
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
