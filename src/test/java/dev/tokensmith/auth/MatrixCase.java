package dev.tokensmith.auth;

/**
 * One cell of the authorization matrix: a caller of {@code role} sends {@code endpoint}'s request
 * about {@code target} and expects {@code expected}: an HTTP status, or {@link #LISTED} / {@link
 * #HIDDEN} for a list that answers 200 with or without the target in it.
 */
record MatrixCase(MatrixRole role, Endpoint endpoint, Target target, int expected) {
  /** The cell does not apply (a role that cannot hold tokens has no own token). */
  static final int NA = 0;

  /** 200, and the target is in the list. */
  static final int LISTED = -1;

  /** 200, and the target is not in the list. */
  static final int HIDDEN = -2;

  /** The endpoints of spec 4.1–4.4 and 4.8, the node endpoints and the webhook endpoints. */
  enum Endpoint {
    LOGIN("POST /v1/login"),
    LOGOUT("POST /v1/logout"),
    GET_USER("GET /v1/user"),
    POST_USER("POST /v1/user"),
    CHANGE_PASSWORD("POST /v1/user/password"),
    SET_PASSWORD("POST /v1/user/set_password"),
    LIST_USERS("POST /v1/objects/user"),
    CREATE_USER("POST /v1/objects/user/create"),
    UPDATE_USER("POST /v1/objects/user/update"),
    DELETE_USER("POST /v1/objects/user/delete"),
    INVITE_USER("POST /v1/objects/user/invite"),
    IMPORT_LEGACY("POST /v2/user/{id}/legacy_credentials"),
    GET_SSO("GET /v2/sso"),
    PUT_SSO("PUT /v2/sso"),
    TEST_SSO("POST /v2/sso/test"),
    SSO_DOMAIN("GET /v1/sso/domain"),
    SSO_START("GET /v1/sso/start"),
    SSO_CALLBACK("GET /v1/sso/callback"),
    LIST_TOKENS("GET /v2/api_tokens"),
    CREATE_TOKEN("POST /v2/api_tokens"),
    GET_TOKEN("GET /v2/api_tokens/{id}"),
    PUT_TOKEN("PUT /v2/api_tokens/{id}"),
    DELETE_TOKEN("DELETE /v2/api_tokens/{id}"),
    GET_SECRET("GET /v2/api_tokens/{id}/secret"),
    RENEW_SECRET("POST /v2/api_tokens/{id}/secret"),
    REPORT_LEAK("POST /v2/api_tokens/revoke"),
    CREATE_CLIENT("POST /v1/objects/client/create"),
    LIST_CLIENTS("POST /v1/objects/client"),
    GET_CLIENTS("GET /v1/objects/client"),
    UPDATE_CLIENT("POST /v1/objects/client/update"),
    PARTNER_CLIENT("GET /v2/partner_client"),
    ACTIVITY_LOG("GET /v2/activity_log"),
    ACTIVITY_COUNT("GET /v2/activity_log/count"),
    ACTIVITY_CSV("GET /v2/activity_log.csv"),
    CREATE_NODE("POST /v2/node"),
    LIST_NODES("GET /v2/node"),
    FIND_NODES("POST /v1/objects/node"),
    DELETE_NODE("DELETE /v2/node/{id}"),
    NODE_TOKEN("POST /v2/node/{id}/token"),
    NODE_INSTANCES("GET /v2/node/{id}/instances"),
    REGISTER_NODE("POST /v2/node/register"),
    SYNC_NODE("POST /v2/node/sync"),
    LIST_WEBHOOKS("GET /v2/webhooks"),
    CREATE_WEBHOOK("POST /v2/webhooks"),
    GET_WEBHOOK("GET /v2/webhooks/{id}"),
    PUT_WEBHOOK("PUT /v2/webhooks/{id}"),
    DELETE_WEBHOOK("DELETE /v2/webhooks/{id}"),
    WEBHOOK_SECRET("POST /v2/webhooks/{id}/secret"),
    WEBHOOK_PING("POST /v2/webhooks/{id}/ping"),
    WEBHOOK_DELIVERIES("GET /v2/webhooks/{id}/deliveries"),
    RETRY_DELIVERY("POST /v2/webhooks/{id}/deliveries/{delivery}/retry");

    private final String label;

    Endpoint(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** What the request is about. */
  enum Target {
    /** The caller themself (a user endpoint) or nothing beyond the caller (login, identity). */
    SELF("self"),
    /**
     * The tenant T as a whole (a list, a create, a tenant of the caller's partner), or a node or
     * webhook of T.
     */
    TENANT("tenant T"),
    /**
     * The caller's own personal token in T (for node registration: a token of the caller's own
     * role, registering in the caller's client).
     */
    OWN("own token"),
    /** Another user of T, or that user's personal token. */
    OTHER_USER("other user's"),
    /** A shared token of T. */
    SHARED("shared token"),
    /** A client of an unrelated partner: named by id, or one of its objects (a node among them). */
    OTHER_CLIENT("other client's");

    private final String label;

    Target(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  static String describe(int expected) {
    return switch (expected) {
      case LISTED -> "200 listed";
      case HIDDEN -> "200 not listed";
      default -> String.valueOf(expected);
    };
  }

  String displayName() {
    return role.id()
        + " · "
        + endpoint.label()
        + " · "
        + target.label()
        + " → "
        + describe(expected);
  }

  @Override
  public String toString() {
    return displayName();
  }
}
