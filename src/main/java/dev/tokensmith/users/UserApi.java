package dev.tokensmith.users;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;
import static dev.tokensmith.errors.ValidationException.Code.TOO_LONG;

import dev.tokensmith.access.Grants;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The users endpoints, in the shapes the Wallarm client library and Terraform provider use. */
public final class UserApi implements Api {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");
  private static final int MAX_NAME = 255;
  private static final int MAX_EMAIL = 320;

  // The role names the Terraform provider writes (it turns them into role ids on create only).
  private static final Map<String, String> ROLE_ALIASES =
      Map.of(
          "analyst", "analytic",
          "read_only", "auditor",
          "global_admin", "partner_admin",
          "global_analyst", "partner_analytic",
          "global_read_only", "partner_auditor");

  private final UserService users;
  private final Grants grants;

  public UserApi(UserService users, Grants grants) {
    this.users = users;
    this.grants = grants;
  }

  @Override
  public void routes(Routes routes) {
    routes.post("/v1/objects/user", this::list);
    routes.post("/v1/objects/user/create", this::create);
    routes.post("/v1/objects/user/update", this::update);
    routes.post("/v1/objects/user/delete", this::delete);
    routes.post("/v1/objects/user/invite", this::invite);
  }

  private Object list(Request request) {
    UserService.Filter filter = filter(request.body().object("filter"));
    Page page = Page.of(request);
    return page.keyset(users.list(request.caller(), filter, page.window()), User::id, UserView::of);
  }

  private Object create(Request request) {
    Params body = request.body();
    String email = body.requiredText("email", MAX_EMAIL);
    if (!EMAIL.matcher(email).matches()) {
      throw ValidationException.of("email", INVALID, email);
    }
    // The unique key is the lower-case form, which can be longer ("İ" becomes two characters) and
    // has the same room.
    if (email.toLowerCase(Locale.ROOT).length() > MAX_EMAIL) {
      throw ValidationException.of("email", TOO_LONG, email);
    }
    String realname = body.requiredText("realname", MAX_NAME);
    // A password is never echoed back, not even in a validation error.
    Optional<String> password = body.secretText("password", 1024);
    Grant grant =
        permissions(body).orElseThrow(() -> ValidationException.of("permissions", REQUIRED, null));
    Long clientId = body.id("clientid").or(() -> body.id("client_id")).orElse(null);
    // A user is created enabled whatever "enabled" says (the Wallarm client library always sends
    // false); disabling is an update. A value that is not a boolean is still refused.
    body.bool("enabled");
    UserService.LinkedUser created =
        users.create(
            request.caller(),
            new UserService.Create(clientId, email, realname, password.orElse(null), grant, true));
    return UserView.of(created.user()).withSetPasswordUrl(created.setPasswordUrl());
  }

  private Object update(Request request) {
    Params body = request.body();
    UserService.Filter filter = oneUser(body);
    Params fields = body.object("fields");
    // A password in the fields is ignored: a password is its user's to set (or an invitation's),
    // never another user's to write. The Terraform provider sends a freshly generated one with
    // every
    // update; applying it would reset the user's password at each run.
    Optional<String> realname = fields.text("realname", MAX_NAME);
    if (realname.isPresent() && realname.get().isBlank()) {
      throw ValidationException.of("realname", REQUIRED, realname.get());
    }
    Sso sso =
        fields
            .text("sso", 16)
            .map(s -> Sso.fromId(s).orElseThrow(() -> ValidationException.of("sso", INVALID, s)))
            .orElse(null);
    UserService.Update cmd =
        new UserService.Update(
            realname.orElse(null),
            permissions(fields).orElse(null),
            fields.bool("enabled").orElse(null),
            sso,
            fields.bool("api_access").orElse(null));
    return UserView.of(users.update(request.caller(), filter, cmd));
  }

  /** A one-time link to set a password for the one user the filter names, shown once. */
  private Object invite(Request request) {
    UserService.LinkedUser invited = users.invite(request.caller(), oneUser(request.body()));
    return UserView.of(invited.user()).withSetPasswordUrl(invited.setPasswordUrl());
  }

  private Object delete(Request request) {
    return UserView.of(users.delete(request.caller(), oneUser(request.body())));
  }

  /**
   * The filter of an update or delete: it must name one user (id, uuid, e-mail or username), else
   * 400 {@code id required} — a filter by client alone would match many.
   */
  private static UserService.Filter oneUser(Params body) {
    UserService.Filter filter = filter(body.object("filter"));
    if (!filter.namesOne()) {
      throw ValidationException.of("id", REQUIRED, null);
    }
    return filter;
  }

  /** {@code clientid} is one id or a list; {@code username} is the e-mail. */
  private static UserService.Filter filter(Params filter) {
    return new UserService.Filter(
        filter.ids("clientid", Page.MAX_LIMIT),
        filter.id("id").orElse(null),
        filter.text("uuid", 36).orElse(null),
        filter.text("email", MAX_EMAIL).orElse(null),
        filter.text("username", MAX_EMAIL).orElse(null),
        filter.bool("enabled").orElse(null));
  }

  private Optional<Grant> permissions(Params params) {
    return params
        .texts("permissions", Grants.MAX_ENTRIES, Grants.MAX_ENTRY_LENGTH)
        .map(written -> grants.read("permissions", withoutAlias(written)));
  }

  private static List<String> withoutAlias(List<String> written) {
    return written.size() == 1 && ROLE_ALIASES.containsKey(written.get(0))
        ? List.of(ROLE_ALIASES.get(written.get(0)))
        : written;
  }
}
