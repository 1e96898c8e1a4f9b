package dev.tokensmith.auth;

import static dev.tokensmith.auth.MatrixCase.Endpoint.*;
import static dev.tokensmith.auth.MatrixCase.HIDDEN;
import static dev.tokensmith.auth.MatrixCase.LISTED;
import static dev.tokensmith.auth.MatrixCase.NA;
import static dev.tokensmith.auth.MatrixCase.Target.*;

import dev.tokensmith.auth.MatrixCase.Endpoint;
import dev.tokensmith.auth.MatrixCase.Target;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The expected answer of every role × endpoint × object, written by hand from the spec (1.3, 1.4,
 * T1–T4, section 3, 4.1–4.4, 4.8), not derived from the product's permission code.
 *
 * <p>How the rules read here:
 *
 * <ul>
 *   <li>Tenant T holds the regular users; the global users live in the partner's technical tenant
 *       and name T by {@code clientid}/{@code client_id}. Every request about T names it.
 *   <li>Naming another client by {@code clientid}/{@code client_id}/{@code partnerid}/{@code
 *       partner_uuid} → 403 (section 3); an object id of another client → 404, as for any invisible
 *       object, but only to a caller who holds the permission at all: without it, 403 whatever the
 *       id, so a 404 never tells such a caller which ids exist.
 *   <li>T1: auditor, api_developer, deploy, partner_auditor (no {@code api_tokens:view}) get 403 on
 *       every token endpoint, whatever the id — also another client's token.
 *   <li>T2/T4: a non-admin never sees another user's or a shared token (404); an admin sees and
 *       manages every token of the client but reads no personal secret but their own (403).
 *   <li>4.3: {@code user_id} in a create may only name the caller (400).
 *   <li>The custom user holds {@link MatrixRole#CUSTOM_PERMISSIONS}: the token section in full (so,
 *       like an Analyst, own tokens only), users:view, activity_log:view without export.
 * </ul>
 */
final class ExpectedMatrix {

  /**
   * One line of the table: an endpoint and an object, then one expectation per {@link MatrixRole}.
   */
  record Row(Endpoint endpoint, Target target, int[] expected) {}

  // @formatter:off
  static final List<Row> TABLE =
      List.of(
          //                              admin  analytic auditor api_dev deploy  p_admin p_analyt
          // p_audit custom  anonymous
          // 4.1 Session and identity: anyone logs in; any credential reads itself.
          row(LOGIN, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
          row(LOGOUT, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
          row(GET_USER, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
          row(POST_USER, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
          // Every logged-in user changes their own password; a one-time link's code needs no
          // credential, whatever the request carries besides.
          row(CHANGE_PASSWORD, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
          row(SET_PASSWORD, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),

          // 4.2 Users: users:view (admin, auditor, their global forms, custom),
          // users:create/update/delete (admins).
          row(
              LIST_USERS,
              OTHER_USER,
              LISTED,
              403,
              LISTED,
              403,
              403,
              LISTED,
              403,
              LISTED,
              LISTED,
              401),
          row(LIST_USERS, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(CREATE_USER, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(CREATE_USER, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(UPDATE_USER, SELF, 200, 403, 403, 403, 403, 200, 403, 403, 403, NA),
          row(UPDATE_USER, OTHER_USER, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(UPDATE_USER, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          // Nobody deletes themselves (400 id not_allowed); without users:delete it is 403 first.
          row(DELETE_USER, SELF, 400, 403, 403, 403, 403, 400, 403, 403, 403, NA),
          row(DELETE_USER, OTHER_USER, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(DELETE_USER, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          // A one-time link to set a password takes users:update, like any change of a user, and
          // never for oneself (the own password is changed with the current one).
          row(INVITE_USER, SELF, 400, 403, 403, 403, 403, 400, 403, 403, 403, NA),
          row(INVITE_USER, OTHER_USER, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(INVITE_USER, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          // Legacy credentials (4.5) are imported as a user is updated: by the admins of the user's
          // client, an admin for themselves too.
          row(IMPORT_LEGACY, SELF, 200, 403, 403, 403, 403, 200, 403, 403, 403, NA),
          row(IMPORT_LEGACY, OTHER_USER, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(IMPORT_LEGACY, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          // SSO settings (4.6): the administrators of the client only. The login is open to
          // anyone: asking about a domain without SSO is 200 (false), starting there 404, a
          // callback
          // without a login under way 401.
          row(GET_SSO, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(GET_SSO, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(PUT_SSO, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(PUT_SSO, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(TEST_SSO, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(TEST_SSO, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(SSO_DOMAIN, SELF, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
          row(SSO_START, SELF, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
          row(SSO_CALLBACK, SELF, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),

          // 4.3 API tokens: T1 (the section), T2 (shared tokens), T4 (visibility and secrets).
          row(LIST_TOKENS, OWN, LISTED, LISTED, NA, NA, NA, LISTED, LISTED, NA, LISTED, NA),
          row(
              LIST_TOKENS,
              OTHER_USER,
              LISTED,
              HIDDEN,
              403,
              403,
              403,
              LISTED,
              HIDDEN,
              403,
              HIDDEN,
              401),
          row(LIST_TOKENS, SHARED, LISTED, HIDDEN, 403, 403, 403, LISTED, HIDDEN, 403, HIDDEN, 401),
          row(LIST_TOKENS, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(CREATE_TOKEN, OWN, 200, 200, 403, 403, 403, 200, 200, 403, 200, 401),
          row(CREATE_TOKEN, SHARED, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(CREATE_TOKEN, OTHER_USER, 400, 400, 403, 403, 403, 400, 400, 403, 400, 401),
          row(CREATE_TOKEN, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(GET_TOKEN, OWN, 200, 200, NA, NA, NA, 200, 200, NA, 200, NA),
          row(GET_TOKEN, OTHER_USER, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(GET_TOKEN, SHARED, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(GET_TOKEN, OTHER_CLIENT, 404, 404, 403, 403, 403, 404, 404, 403, 404, 401),
          row(PUT_TOKEN, OWN, 200, 200, NA, NA, NA, 200, 200, NA, 200, NA),
          row(PUT_TOKEN, OTHER_USER, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(PUT_TOKEN, SHARED, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(PUT_TOKEN, OTHER_CLIENT, 404, 404, 403, 403, 403, 404, 404, 403, 404, 401),
          row(DELETE_TOKEN, OWN, 200, 200, NA, NA, NA, 200, 200, NA, 200, NA),
          row(DELETE_TOKEN, OTHER_USER, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(DELETE_TOKEN, SHARED, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(DELETE_TOKEN, OTHER_CLIENT, 404, 404, 403, 403, 403, 404, 404, 403, 404, 401),
          row(GET_SECRET, OWN, 200, 200, NA, NA, NA, 200, 200, NA, 200, NA),
          row(GET_SECRET, OTHER_USER, 403, 404, 403, 403, 403, 403, 404, 403, 404, 401),
          row(GET_SECRET, SHARED, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(GET_SECRET, OTHER_CLIENT, 404, 404, 403, 403, 403, 404, 404, 403, 404, 401),
          row(RENEW_SECRET, OWN, 200, 200, NA, NA, NA, 200, 200, NA, 200, NA),
          row(RENEW_SECRET, OTHER_USER, 403, 404, 403, 403, 403, 403, 404, 403, 404, 401),
          row(RENEW_SECRET, SHARED, 200, 404, 403, 403, 403, 200, 404, 403, 404, 401),
          row(RENEW_SECRET, OTHER_CLIENT, 404, 404, 403, 403, 403, 404, 404, 403, 404, 401),
          // A leak report needs no credential: anyone, whatever they carry, gets the same 202.
          row(REPORT_LEAK, SELF, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202),

          // 4.4 Clients: clients:* only in partner_admin's bundle (1.4), and only for the caller's
          // own partner.
          row(CREATE_CLIENT, TENANT, 403, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(CREATE_CLIENT, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(LIST_CLIENTS, TENANT, 403, 403, 403, 403, 403, LISTED, 403, 403, 403, 401),
          row(LIST_CLIENTS, OTHER_CLIENT, 403, 403, 403, 403, 403, HIDDEN, 403, 403, 403, 401),
          row(GET_CLIENTS, TENANT, 403, 403, 403, 403, 403, LISTED, 403, 403, 403, 401),
          row(GET_CLIENTS, OTHER_CLIENT, 403, 403, 403, 403, 403, HIDDEN, 403, 403, 403, 401),
          row(UPDATE_CLIENT, TENANT, 403, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(UPDATE_CLIENT, OTHER_CLIENT, 403, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(PARTNER_CLIENT, TENANT, 403, 403, 403, 403, 403, LISTED, 403, 403, 403, 401),
          row(PARTNER_CLIENT, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),

          // 4.8 Activity log: activity_log:view (admin, auditor, their global forms, custom); the
          // CSV also export.
          row(ACTIVITY_LOG, TENANT, 200, 403, 200, 403, 403, 200, 403, 200, 200, 401),
          row(ACTIVITY_LOG, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(ACTIVITY_COUNT, TENANT, 200, 403, 200, 403, 403, 200, 403, 200, 200, 401),
          row(ACTIVITY_COUNT, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(ACTIVITY_CSV, TENANT, 200, 403, 200, 403, 403, 200, 403, 200, 403, 401),
          row(ACTIVITY_CSV, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),

          // Nodes: nodes:view for admin, analytic, auditor and their global forms; nodes:create
          // also for deploy; update and delete for admins. The node token is regenerated by
          // administrators only. Registration takes a token and never a session: a token of the
          // caller's own role registers when that role may create nodes (otherwise the token is
          // refused there as if unknown). Sync takes an instance's own pair, never a session.
          row(CREATE_NODE, TENANT, 200, 403, 403, 403, 200, 200, 403, 403, 403, 401),
          row(CREATE_NODE, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(
              LIST_NODES,
              TENANT,
              LISTED,
              LISTED,
              LISTED,
              403,
              403,
              LISTED,
              LISTED,
              LISTED,
              403,
              401),
          row(LIST_NODES, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(
              FIND_NODES,
              TENANT,
              LISTED,
              LISTED,
              LISTED,
              403,
              403,
              LISTED,
              LISTED,
              LISTED,
              403,
              401),
          row(FIND_NODES, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(DELETE_NODE, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(DELETE_NODE, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(NODE_TOKEN, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(NODE_TOKEN, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(NODE_INSTANCES, TENANT, 200, 200, 200, 403, 403, 200, 200, 200, 403, 401),
          row(NODE_INSTANCES, OTHER_CLIENT, 404, 404, 404, 403, 403, 404, 404, 404, 403, 401),
          row(REGISTER_NODE, SELF, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
          row(REGISTER_NODE, OWN, 200, 401, NA, NA, NA, 200, 401, NA, 401, NA),
          row(SYNC_NODE, SELF, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),

          // Webhooks (4.10): administrators of the webhook's client only (admin; partner_admin
          // for a tenant it names). Another client's webhook is 404 to an administrator, 403 to
          // anyone else. A retry names an unknown delivery: 404 once the webhook is reached.
          row(LIST_WEBHOOKS, TENANT, LISTED, 403, 403, 403, 403, LISTED, 403, 403, 403, 401),
          row(LIST_WEBHOOKS, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(CREATE_WEBHOOK, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(CREATE_WEBHOOK, OTHER_CLIENT, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401),
          row(GET_WEBHOOK, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(GET_WEBHOOK, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(PUT_WEBHOOK, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(PUT_WEBHOOK, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(DELETE_WEBHOOK, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(DELETE_WEBHOOK, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(WEBHOOK_SECRET, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(WEBHOOK_SECRET, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(WEBHOOK_PING, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(WEBHOOK_PING, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(WEBHOOK_DELIVERIES, TENANT, 200, 403, 403, 403, 403, 200, 403, 403, 403, 401),
          row(WEBHOOK_DELIVERIES, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(RETRY_DELIVERY, TENANT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401),
          row(RETRY_DELIVERY, OTHER_CLIENT, 404, 403, 403, 403, 403, 404, 403, 403, 403, 401));

  // @formatter:on

  private ExpectedMatrix() {}

  private static Row row(Endpoint endpoint, Target target, int... expected) {
    if (expected.length != MatrixRole.values().length) {
      throw new IllegalArgumentException(
          endpoint + " " + target + ": one expectation per role, got " + Arrays.toString(expected));
    }
    return new Row(endpoint, target, expected);
  }

  /** Every applicable cell, role by role. */
  static Stream<MatrixCase> cases(MatrixRole role) {
    return TABLE.stream()
        .map(
            row ->
                new MatrixCase(role, row.endpoint(), row.target(), row.expected()[role.ordinal()]))
        .filter(c -> c.expected() != NA);
  }
}
