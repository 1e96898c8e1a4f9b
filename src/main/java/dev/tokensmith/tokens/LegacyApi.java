package dev.tokensmith.tokens;

import dev.tokensmith.web.Api;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;

/** The import of a user's legacy credentials (4.5). */
public final class LegacyApi implements Api {
  // Longer values are refused as invalid by their patterns; this bound only keeps the read small.
  private static final int MAX_FIELD = 256;

  private final LegacyCredentials legacy;

  public LegacyApi(LegacyCredentials legacy) {
    this.legacy = legacy;
  }

  @Override
  public void routes(Routes routes) {
    routes.post("/v2/user/:id/legacy_credentials", this::importPair);
  }

  // Both fields are read as secrets: neither is ever echoed whole in an error.
  private Object importPair(Request request) {
    long userId = request.pathId("id");
    Params body = request.body();
    TokenService.Created created =
        legacy.importFor(
            request.caller(),
            userId,
            body.secretText("uuid", MAX_FIELD).orElse(null),
            body.secretText("secret", MAX_FIELD).orElse(null));
    // The token acts as its owner: its value goes to the owner alone (who may read it or renew it
    // later), never to the administrator who imported the pair for them.
    boolean owner = Long.valueOf(request.caller().actingUserId()).equals(created.token().userId());
    return owner ? TokenView.of(created) : TokenView.of(created.described());
  }
}
