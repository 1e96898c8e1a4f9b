package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The people and objects the matrix asks about. Tenant T holds one user of each regular role, the
 * custom user, a second administrator (the "keeper", who makes shared tokens and colleagues) and a
 * second Analyst (the "colleague", whose personal token is "another user's"). The global users live
 * in the partner's technical tenant. An unrelated partner provides "another client".
 *
 * <p>Objects that cases only read are made once; a case that changes or deletes something asks for
 * a fresh object, so the order of the cases never matters.
 */
final class MatrixWorld {
  /** A node: its id and uuid. */
  record Node(long id, String uuid) {}

  /** A caller: how it authenticates and, for a person, who it is and how it logs in again. */
  record Member(Auth auth, long id, String email, String password) {}

  /**
   * Every token of the matrix asks for exactly this, which every role holding the section may
   * grant.
   */
  static final List<String> TOKEN_PERMISSIONS = List.of("api_tokens:view");

  /** The password a matrix case changes or sets a password to. */
  static final String NEW_PASSWORD = "matrix-new-password-1";

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final TestServer server;
  final Fixtures fixtures;
  final long tenant;
  final long technical;
  final long partnerId;
  final String partnerUuid;

  /** An administrator of T who is no column of the table. */
  final TestUser keeper;

  /** An Analyst of T who is no column of the table. */
  final TestUser colleague;

  /**
   * The Global Administrator of an unrelated partner; its technical tenant is "the other client".
   */
  final TestUser stranger;

  final long otherPartnerId;
  final String otherPartnerUuid;
  final Issued colleagueToken;
  final Issued sharedToken;
  final Issued otherClientToken;

  /** A node of T (made by the keeper) and one of the other client. */
  final Node node;

  final Node otherClientNode;

  /** A webhook of T (made by the keeper) and one of the other client. */
  final long webhook;

  final long otherClientWebhook;

  private final Map<MatrixRole, Member> members = new EnumMap<>(MatrixRole.class);
  private final Map<MatrixRole, Long> ownTokens = new EnumMap<>(MatrixRole.class);

  MatrixWorld(TestServer server) {
    this.server = server;
    this.fixtures = new Fixtures(server);
    this.technical = fixtures.technicalClient();
    this.tenant = fixtures.tenant("Matrix tenant");
    JsonNode me = server.http.get("/v1/user", server.admin()).body();
    this.partnerId = me.path("partnerid").asLong();
    this.partnerUuid = me.path("partner_uuid").asText();
    this.keeper = fixtures.user(tenant, "admin");
    this.colleague = fixtures.user(tenant, "analytic");
    for (MatrixRole role : MatrixRole.values()) {
      members.put(
          role,
          switch (role) {
            case ANONYMOUS -> new Member(Auth.NONE, -1, null, null);
            case PARTNER_ADMIN ->
                new Member(
                    server.admin(),
                    server.admin().userId(),
                    TestServer.ADMIN_EMAIL,
                    TestServer.ADMIN_PASSWORD);
            default -> freshMember(role);
          });
    }
    this.stranger = fixtures.otherPartnerAdmin();
    JsonNode strangerMe = server.http.get("/v1/user", stranger.session()).body();
    this.otherPartnerId = strangerMe.path("partnerid").asLong();
    this.otherPartnerUuid = strangerMe.path("partner_uuid").asText();
    this.colleagueToken = fixtures.token(colleague.session(), tokenBody(tenant));
    this.sharedToken = fixtures.sharedToken(keeper.session(), TOKEN_PERMISSIONS);
    this.otherClientToken = fixtures.token(stranger.session(), TOKEN_PERMISSIONS);
    this.node = freshNode(MatrixCase.Target.TENANT);
    this.otherClientNode = freshNode(MatrixCase.Target.OTHER_CLIENT);
    this.webhook = freshWebhook(MatrixCase.Target.TENANT);
    this.otherClientWebhook = freshWebhook(MatrixCase.Target.OTHER_CLIENT);
  }

  /**
   * A new webhook of T (made by the keeper) or of the other client (made by its administrator), at
   * a public address by number (no lookup), for an event nothing in the matrix causes, and
   * disabled: a test delivery to it is given up without a connection.
   */
  long freshWebhook(MatrixCase.Target target) {
    boolean other = target == MatrixCase.Target.OTHER_CLIENT;
    Response created =
        server.http.post(
            "/v2/webhooks",
            other ? stranger.session() : keeper.session(),
            Map.of(
                "url",
                "https://93.184.215.14/matrix-" + SEQUENCE.incrementAndGet(),
                "events",
                List.of("node.registered"),
                "enabled",
                false));
    assertThat(created.status()).as("fresh webhook: %s", created).isEqualTo(200);
    return created.id();
  }

  /** The webhook a case looks at. */
  long webhook(MatrixCase.Target target) {
    return target == MatrixCase.Target.OTHER_CLIENT ? otherClientWebhook : webhook;
  }

  /** A new node of T (made by the keeper) or of the other client (made by its administrator). */
  Node freshNode(MatrixCase.Target target) {
    boolean other = target == MatrixCase.Target.OTHER_CLIENT;
    Response created =
        server.http.post(
            "/v2/node",
            other ? stranger.session() : keeper.session(),
            Map.of("hostname", "matrix-node-" + SEQUENCE.incrementAndGet()));
    assertThat(created.status()).as("fresh node: %s", created).isEqualTo(200);
    return new Node(created.id(), created.body().path("uuid").asText());
  }

  /** The node a read-only case looks at. */
  Node node(MatrixCase.Target target) {
    return target == MatrixCase.Target.OTHER_CLIENT ? otherClientNode : node;
  }

  /** A new personal token of the caller holding the caller's own role (or custom list). */
  Issued roleToken(MatrixRole role) {
    return fixtures.token(member(role).auth(), role.permissions());
  }

  /** The code of a new one-time link for a new Analyst of T, issued by the keeper. */
  String freshCode() {
    String url =
        server
            .http
            .post(
                "/v1/objects/user/invite",
                keeper.session(),
                Map.of("filter", Map.of("id", freshUser(MatrixCase.Target.OTHER_USER))))
            .body()
            .path("set_password_url")
            .asText();
    return url.substring(url.indexOf("code=") + "code=".length());
  }

  /** The long-lived caller of a column. */
  Member member(MatrixRole role) {
    return members.get(role);
  }

  /** A new user of the role, logged in: for cases that change or delete the caller themself. */
  Member freshMember(MatrixRole role) {
    long home = role.global() ? technical : tenant;
    TestUser user = fixtures.user(home, role.permissions());
    return new Member(user.session(), user.id(), user.email(), Fixtures.PASSWORD);
  }

  /** The caller's own personal token in T, made once on first use. */
  synchronized long ownToken(MatrixRole role) {
    return ownTokens.computeIfAbsent(
        role, r -> fixtures.token(member(r).auth(), tokenBody(tenant)).id());
  }

  /** A new token of the given kind, for a case that changes, renews or deletes it. */
  Issued freshToken(MatrixRole role, MatrixCase.Target target) {
    return switch (target) {
      case OWN -> fixtures.token(member(role).auth(), tokenBody(tenant));
      case OTHER_USER -> fixtures.token(colleague.session(), tokenBody(tenant));
      case SHARED -> fixtures.sharedToken(keeper.session(), TOKEN_PERMISSIONS);
      case OTHER_CLIENT -> fixtures.token(stranger.session(), TOKEN_PERMISSIONS);
      default -> throw new IllegalArgumentException("no token for " + target);
    };
  }

  /** The token a read-only case looks at. */
  long token(MatrixRole role, MatrixCase.Target target) {
    return switch (target) {
      case OWN -> ownToken(role);
      case OTHER_USER -> colleagueToken.id();
      case SHARED -> sharedToken.id();
      case OTHER_CLIENT -> otherClientToken.id();
      default -> throw new IllegalArgumentException("no token for " + target);
    };
  }

  /**
   * A new Analyst in T (made by the keeper) or in the other client (made by its administrator), not
   * logged in.
   */
  long freshUser(MatrixCase.Target target) {
    boolean other = target == MatrixCase.Target.OTHER_CLIENT;
    Response created =
        server.http.post(
            "/v1/objects/user/create",
            other ? stranger.session() : keeper.session(),
            userBody(other ? stranger.clientId() : tenant));
    assertThat(created.status()).as("fresh user: %s", created).isEqualTo(200);
    return created.id();
  }

  /** A new tenant of the first partner, or of the unrelated one. */
  long freshClient(MatrixCase.Target target) {
    if (target != MatrixCase.Target.OTHER_CLIENT) {
      return fixtures.tenant("Matrix fresh tenant");
    }
    Response created =
        server.http.post(
            "/v1/objects/client/create", stranger.session(), clientBody(otherPartnerUuid));
    assertThat(created.status())
        .as("fresh tenant of the other partner: %s", created)
        .isEqualTo(200);
    return created.id();
  }

  /** A personal token of T (or of the caller's client when {@code clientId} is theirs). */
  static Map<String, Object> tokenBody(long clientId) {
    Map<String, Object> body = new HashMap<>();
    body.put("client_id", clientId);
    body.put("realname", "matrix token " + SEQUENCE.incrementAndGet());
    body.put("permissions", TOKEN_PERMISSIONS);
    return body;
  }

  /** A new Analyst of a client. */
  static Map<String, Object> userBody(long clientId) {
    String email = "matrix" + SEQUENCE.incrementAndGet() + "@example.com";
    return Map.of(
        "email",
        email,
        "realname",
        "Matrix " + email,
        "password",
        Fixtures.PASSWORD,
        "permissions",
        List.of("analytic"),
        "clientid",
        clientId);
  }

  /**
   * A new tenant of the partner with this uuid, with a prefix no other test uses ("M" + 3 digits).
   */
  static Map<String, Object> clientBody(String partnerUuid) {
    String prefix = String.format("M%03d", SEQUENCE.incrementAndGet() % 1000);
    return Map.of(
        "name", "Matrix client " + prefix, "vuln_prefix", prefix, "partner_uuid", partnerUuid);
  }
}
