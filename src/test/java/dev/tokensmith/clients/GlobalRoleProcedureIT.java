package dev.tokensmith.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented procedure for a token with a global role, replayed to the letter over HTTP. */
@UsesDatabase
@WithServer
class GlobalRoleProcedureIT {
  static TestServer server;
  static Fixtures fixtures;

  /** Steps 1–4: log in, read id and client_id, create the token, read its secret. */
  private String globalToken(Auth.Session session, String preset) {
    Response me = server.http.post("/v1/user", session, null);
    assertThat(me.status()).isEqualTo(200);
    long userId = me.body().path("id").asLong();
    long clientId = me.body().path("client_id").asLong();
    Response created =
        server.http.post(
            "/v2/api_tokens",
            session,
            Map.of(
                "client_id",
                clientId,
                "realname",
                "Token for tenant creation",
                "user_id",
                userId,
                "enabled",
                true,
                "expire_at",
                "2033-06-13T04:56:01.037Z",
                "permissions",
                List.of(preset)));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    assertThat(created.body().path("expire_at").asText()).isEqualTo("2033-06-13T04:56:01.037Z");
    assertThat(created.body().path("source_role").asText()).isEqualTo(preset);
    Response secret = server.http.get("/v2/api_tokens/" + created.id() + "/secret", session);
    assertThat(secret.status()).isEqualTo(200);
    String value = secret.body().path("secret").asText();
    assertThat(value)
        .matches("^[A-Za-z0-9+/]{64}$")
        .isEqualTo(created.body().path("secret").asText());
    return value;
  }

  @Test
  void procedureWhenGlobalAdministratorThenTokenCreatesTenantListedByPartnerClient() {
    String secret = globalToken(server.admin(), "partner_admin");
    Auth token = Auth.token(secret);
    String partnerUuid =
        server.http.post("/v1/user", token, null).body().path("partner_uuid").asText();

    Response tenant =
        server.http.post(
            "/v1/objects/client/create",
            token,
            Map.of("name", "Tenant via token", "vuln_prefix", "TVT1", "partner_uuid", partnerUuid));

    assertThat(tenant.status()).as("%s", tenant).isEqualTo(200);
    assertThat(tenant.body().path("name").asText()).isEqualTo("Tenant via token");
    assertThat(tenant.body().path("vuln_prefix").asText()).isEqualTo("TVT1");
    assertThat(tenant.body().path("enabled").asBoolean()).isTrue();
    Response links = server.http.get("/v2/partner_client", token);
    assertThat(links.status()).isEqualTo(200);
    assertThat(links.body().findValues("clientid"))
        .extracting(JsonNode::asLong)
        .contains(tenant.id());
  }

  @Test
  void procedureWhenGlobalAnalystThenTokenHasAnalystRightsAndCannotCreateTenants() {
    Fixtures.TestUser analyst = fixtures.user(fixtures.technicalClient(), "partner_analytic");
    Auth token = Auth.token(globalToken(analyst.session(), "partner_analytic"));
    String partnerUuid =
        server.http.post("/v1/user", token, null).body().path("partner_uuid").asText();
    long tenant = fixtures.tenant("Analysed tenant");

    assertThat(
            server
                .http
                .post(
                    "/v1/objects/client/create",
                    token,
                    Map.of("name", "Nope", "vuln_prefix", "NOPE", "partner_uuid", partnerUuid))
                .status())
        .isEqualTo(403);
    assertThat(server.http.get("/v2/partner_client", token).status()).isEqualTo(403);
    // Analyst rights across the partner's tenants: own tokens yes, users no.
    assertThat(server.http.get("/v2/api_tokens?client_id=" + tenant, token).status())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .post("/v1/objects/user", token, Map.of("filter", Map.of("clientid", tenant)))
                .status())
        .isEqualTo(403);
    JsonNode actual = server.http.post("/v1/user", token, null).body().path("actual_permissions");
    assertThat(actual.toString())
        .contains("attacks:create")
        .doesNotContain("clients:")
        .doesNotContain("users:");
  }

  @Test
  void procedureWhenGlobalAdministratorMakesGlobalReadOnlyTokenThenItOnlyReads() {
    String secret = globalToken(server.admin(), "partner_auditor");
    Auth token = Auth.token(secret);
    String partnerUuid =
        server.http.post("/v1/user", token, null).body().path("partner_uuid").asText();
    long tenant = fixtures.tenant("Audited tenant");

    assertThat(
            server
                .http
                .post(
                    "/v1/objects/client/create",
                    token,
                    Map.of("name", "Nope", "vuln_prefix", "NOP2", "partner_uuid", partnerUuid))
                .status())
        .isEqualTo(403);
    assertThat(
            server
                .http
                .post("/v1/objects/user", token, Map.of("filter", Map.of("clientid", tenant)))
                .status())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .post(
                    "/v1/objects/user/create",
                    token,
                    Map.of(
                        "email",
                        "x@example.com",
                        "realname",
                        "X",
                        "permissions",
                        List.of("analytic"),
                        "clientid",
                        tenant))
                .status())
        .isEqualTo(403);
    // Read Only holds no tokens: the token section is closed to it (T1).
    assertThat(server.http.get("/v2/api_tokens", token).status()).isEqualTo(403);
    assertThat(server.http.get("/v2/activity_log?client_id=" + tenant, token).status())
        .isEqualTo(200);
  }

  @Test
  void procedureWhenRegularAdministratorThenGlobalPresetRefused() {
    long tenant = fixtures.tenant("Regular");
    Fixtures.TestUser admin = fixtures.user(tenant, "admin");
    Response refused =
        server.http.post(
            "/v2/api_tokens",
            admin.session(),
            Map.of("realname", "x", "permissions", List.of("partner_admin")));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().path("permissions").path("error").asText()).isEqualTo("not_allowed");
  }
}
