package dev.tokensmith.tokens;

import java.util.Arrays;
import java.util.Optional;

/** Why a token is disabled. */
enum DisabledReason {
  MANUAL("manual"),
  EXPIRED("expired"),
  OWNER_DISABLED("owner_disabled"),
  API_ACCESS_REVOKED("api_access_revoked"),
  /** Its secret was reported as leaked ({@code POST /v2/api_tokens/revoke}). */
  LEAKED("leaked");

  private final String id;

  DisabledReason(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<DisabledReason> fromId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }
}
