package dev.tokensmith.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.permissions.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds test data the way a user would: over HTTP, as the Global Administrator or another caller.
 * Every builder asserts its own request succeeded, so a broken fixture fails loudly.
 */
public final class Fixtures {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  public static final String PASSWORD = "user-password-1";

  private final TestServer server;

  public Fixtures(TestServer server) {
    this.server = server;
  }

  /** A user of a client, with a session. */
  public record TestUser(long id, long clientId, String email, Auth.Session session) {}

  /** An issued token: its id and secret. */
  public record Issued(long id, String secret) {
    public Auth auth() {
      return Auth.token(secret);
    }
  }

  /** The partner's technical tenant (where the first Global Administrator lives). */
  public long technicalClient() {
    return server.admin().clientId();
  }

  /** A new tenant of the first partner. */
  public long tenant(String name) {
    String partnerUuid =
        server.http.get("/v1/user", server.admin()).body().path("partner_uuid").asText();
    String prefix = String.format("T%03d", SEQUENCE.incrementAndGet() % 1000);
    Response r =
        server.http.post(
            "/v1/objects/client/create",
            server.admin(),
            Map.of("name", name, "vuln_prefix", prefix, "partner_uuid", partnerUuid));
    assertThat(r.status()).as("create tenant: %s", r).isEqualTo(200);
    return r.id();
  }

  /**
   * A user created by the Global Administrator in {@code clientId} with a role or permission list.
   */
  public TestUser user(long clientId, List<String> permissions) {
    return user(server.admin(), clientId, permissions);
  }

  public TestUser user(long clientId, String role) {
    return user(clientId, List.of(role));
  }

  /** A user created by {@code creator}. */
  public TestUser user(Auth creator, long clientId, List<String> permissions) {
    String email = "user" + SEQUENCE.incrementAndGet() + "@example.com";
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    body.put("realname", "User " + email);
    body.put("password", PASSWORD);
    body.put("permissions", permissions);
    body.put("clientid", clientId);
    Response r = server.http.post("/v1/objects/user/create", creator, body);
    assertThat(r.status()).as("create user %s: %s", permissions, r).isEqualTo(200);
    return new TestUser(r.id(), clientId, email, server.login(email, PASSWORD));
  }

  /** Changes the fields of user {@code userId} as {@code admin}; the answer, whatever it is. */
  public Response updateUser(Auth admin, long userId, Map<String, Object> fields) {
    return server.http.post(
        "/v1/objects/user/update", admin, Map.of("filter", Map.of("id", userId), "fields", fields));
  }

  /** A personal token of {@code owner} with the given permissions (a role or ids). */
  public Issued token(Auth owner, List<String> permissions) {
    return token(
        owner,
        Map.of("realname", "token " + SEQUENCE.incrementAndGet(), "permissions", permissions));
  }

  /** A personal token of {@code owner} with the given permissions, expiring at {@code expireAt}. */
  public Issued expiringToken(Auth owner, List<String> permissions, String expireAt) {
    return token(
        owner, Map.of("realname", "expiring", "permissions", permissions, "expire_at", expireAt));
  }

  /** A token created with any request body. */
  public Issued token(Auth creator, Map<String, Object> body) {
    Response r = server.http.post("/v2/api_tokens", creator, body);
    assertThat(r.status()).as("create token %s: %s", body, r).isEqualTo(200);
    return new Issued(r.id(), r.body().path("secret").asText());
  }

  /** A shared token of the creator's client. */
  public Issued sharedToken(Auth admin, List<String> permissions) {
    return token(
        admin,
        Map.of(
            "realname",
            "shared " + SEQUENCE.incrementAndGet(),
            "permissions",
            permissions,
            "shared",
            true));
  }

  /**
   * A second, unrelated partner with its own Global Administrator: "another client" in every sense.
   */
  public TestUser otherPartnerAdmin() {
    Client technical =
        server
            .app
            .clients()
            .createPartner("Other partner " + SEQUENCE.incrementAndGet(), Origin.SYSTEM);
    String email = "other" + SEQUENCE.incrementAndGet() + "@example.com";
    long id =
        server
            .app
            .users()
            .createInitial(technical.id(), email, "Other admin", PASSWORD, Role.PARTNER_ADMIN)
            .id();
    return new TestUser(id, technical.id(), email, server.login(email, PASSWORD));
  }
}
