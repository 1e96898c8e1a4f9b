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
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The users endpoints (section 4.2). */
public final class UserApi implements Api {
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");
  private static final int MAX_NAME = 255;
  private static final int MAX_EMAIL = 320;

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
  }

  private Object list(Request request) {
    Params filter = request.body().object("filter");
    Page page = Page.of(request);
    Long clientId = filter.id("clientid").orElse(null);
    Long id = filter.id("id").orElse(null);
    String email = filter.text("email", 320).orElse(null);
    Boolean enabled = filter.bool("enabled").orElse(null);
    return users
        .list(request.caller(), clientId, id, email, enabled, page.limit(), page.offset())
        .stream()
        .map(UserView::of)
        .toList();
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
    Optional<String> password = body.secretText("password", 1024);
    if (password.isPresent() && password.get().length() < 8) {
      // The value is a password: never echoed back.
      throw ValidationException.of("password", INVALID, null);
    }
    Grant grant =
        permissions(body).orElseThrow(() -> ValidationException.of("permissions", REQUIRED, null));
    Long clientId = body.id("clientid").or(() -> body.id("client_id")).orElse(null);
    boolean enabled = body.bool("enabled").orElse(true);
    return UserView.of(
        users.create(
            request.caller(),
            new UserService.Create(
                clientId, email, realname, password.orElse(null), grant, enabled)));
  }

  private Object update(Request request) {
    Params body = request.body();
    long id =
        body.object("filter")
            .id("id")
            .orElseThrow(() -> ValidationException.of("id", REQUIRED, null));
    Params fields = body.object("fields");
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
    return UserView.of(users.update(request.caller(), id, cmd));
  }

  private Object delete(Request request) {
    long id =
        request
            .body()
            .object("filter")
            .id("id")
            .orElseThrow(() -> ValidationException.of("id", REQUIRED, null));
    return UserView.of(users.delete(request.caller(), id));
  }

  private Optional<Grant> permissions(Params params) {
    return params
        .texts("permissions", Grants.MAX_ENTRIES, Grants.MAX_ENTRY_LENGTH)
        .map(written -> grants.read("permissions", written));
  }
}
