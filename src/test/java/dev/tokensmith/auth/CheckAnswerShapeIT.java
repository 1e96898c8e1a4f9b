package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@UsesDatabase
@WithServer(routes = VerifierIT.ROUTES)
/**
 * The check's answer, assembled from ready-made bytes, is strict JSON (no trailing byte, no field
 * twice) and, for every subset of the fields a caller may ask for, exactly those fields of the full
 * answer in their fixed order: for a personal token with an expiry, a shared token (no user, no
 * expiry) and a session, on the hot lane and through the router, from the cache and after a miss.
 * (VerifierIT holds its length on a kept-alive connection and over HTTP/2.)
 */
class CheckAnswerShapeIT {
  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;

  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final List<String> NAMES =
      List.of("user_id", "client_id", "token_id", "shared", "permissions", "expire_at");

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Check answers");
    admin = fixtures.user(tenant, "admin");
  }

  private static void exact(String path, Auth auth, Map<String, Object> body, JsonNode full)
      throws Exception {
    Response r = server.http.post(path, auth, body);
    assertThat(r.status()).as("%s %s", body, r).isEqualTo(200);
    JsonNode strict = STRICT.readTree(r.text());
    assertThat(strict.path("status").asInt()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    List<String> asked = (List<String>) body.getOrDefault("fields", NAMES);
    ObjectNode expected = STRICT.createObjectNode();
    for (String name : NAMES) {
      if (asked.contains(name)) {
        expected.set(name, full.get(name));
      }
    }
    assertThat(r.text())
        .as("%s", body)
        .isEqualTo("{\"status\":200,\"body\":" + STRICT.writeValueAsString(expected) + "}");
  }

  private static void everySubset(String path, Auth auth, String permission) throws Exception {
    Response fullAnswer = server.http.post(path, auth, Map.of());
    assertThat(fullAnswer.status()).as("%s", fullAnswer).isEqualTo(200);
    JsonNode full = STRICT.readTree(fullAnswer.text()).path("body");
    assertThat(full.size()).isEqualTo(6);
    for (int mask = 0; mask < 64; mask++) {
      List<String> fields = new ArrayList<>();
      // Asked in reverse order: the answer keeps its own.
      for (int i = NAMES.size() - 1; i >= 0; i--) {
        if ((mask & (1 << i)) != 0) {
          fields.add(NAMES.get(i));
        }
      }
      Map<String, Object> body = new HashMap<>();
      body.put("fields", fields);
      if (permission != null) {
        body.put("permission", permission);
      }
      exact(path, auth, body, full);
    }
  }

  @Test
  void checkWhenPersonalTokenWithExpiryThenEverySubsetExactOnHotLaneAndRouter() throws Exception {
    Issued t =
        fixtures.expiringToken(
            admin.session(),
            List.of("analytic"),
            IsoTime.format(server.clock.instant().plus(Duration.ofDays(3))));
    everySubset("/v2/auth/check", t.auth(), "attacks:view");
    everySubset("/v2/auth/check/", t.auth(), null);
  }

  @Test
  void checkWhenSharedTokenThenEverySubsetExactWithNullUserAndExpiry() throws Exception {
    Issued t = fixtures.sharedToken(admin.session(), List.of("analytic"));
    everySubset("/v2/auth/check", t.auth(), null);
  }

  @Test
  void checkWhenSessionThenEverySubsetExact() throws Exception {
    everySubset("/v2/auth/check", admin.session(), "users:view");
  }

  @Test
  void checkWhenTokenNotCachedThenTheAnswerFromTheWorkerIsStrictJsonToo() throws Exception {
    for (int i = 0; i < 5; i++) {
      Issued t = fixtures.token(admin.session(), List.of("analytic"));
      long loads = server.app.verifier().cacheStats().loads();
      Response r = server.http.post("/v2/auth/check", t.auth(), Map.of());
      assertThat(r.status()).isEqualTo(200);
      assertThat(server.app.verifier().cacheStats().loads())
          .as("cold: loaded on the worker")
          .isGreaterThan(loads);
      JsonNode n = STRICT.readTree(r.text());
      assertThat(n.path("body").path("token_id").asLong()).isEqualTo(t.id());
      Issued s = fixtures.sharedToken(admin.session(), List.of("analytic"));
      Response rs = server.http.post("/v2/auth/check/", s.auth(), Map.of("fields", List.of()));
      assertThat(rs.text()).isEqualTo("{\"status\":200,\"body\":{}}");
    }
    Issued t = fixtures.token(admin.session(), List.of("analytic"));
    Response refused =
        server.http.post("/v2/auth/check", t.auth(), Map.of("permission", "users:view"));
    assertThat(refused.status()).isEqualTo(403);
    STRICT.readTree(refused.text());
  }
}
