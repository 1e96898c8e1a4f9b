package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.auth.MatrixRequests.Sent;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The authorization matrix: every role (plus a custom user and no credential) × every endpoint of
 * spec 4.1–4.4 and 4.8 and every node endpoint × own / another user's / shared / another client's
 * object, one request per case, against the expectations written by hand in {@link ExpectedMatrix}.
 */
@UsesDatabase
@WithServer
class AuthorizationMatrixIT {
  static TestServer server;
  static MatrixWorld world;
  static MatrixRequests requests;

  @BeforeAll
  static void seed() {
    world = new MatrixWorld(server);
    requests = new MatrixRequests(world);
  }

  @Test
  void tableWhenReadThenEveryEndpointHasRowsAndNoRowRepeats() {
    assertThat(ExpectedMatrix.TABLE)
        .extracting(ExpectedMatrix.Row::endpoint)
        .containsAll(List.of(MatrixCase.Endpoint.values()));
    assertThat(ExpectedMatrix.TABLE)
        .extracting(row -> row.endpoint() + " " + row.target())
        .doesNotHaveDuplicates();
  }

  /**
   * T1 and T2 together: a 404 for an unknown id beside a 403 for a shared one would show shared
   * tokens exist.
   */
  @Test
  void tokenByIdWhenSectionClosedThenForbiddenWhetherTheIdExistsOrNot() {
    for (MatrixRole role : List.of(MatrixRole.AUDITOR, MatrixRole.PARTNER_AUDITOR)) {
      var auth = world.member(role).auth();
      assertThat(server.http.get("/v2/api_tokens/" + world.sharedToken.id(), auth).status())
          .isEqualTo(403);
      assertThat(server.http.get("/v2/api_tokens/999999999", auth).status()).isEqualTo(403);
      assertThat(server.http.delete("/v2/api_tokens/999999999", auth).status()).isEqualTo(403);
    }
  }

  @TestFactory
  Stream<DynamicNode> matrixWhenRoleCallsEndpointOnObjectThenSpecStatus() {
    return Arrays.stream(MatrixRole.values())
        .map(
            role ->
                DynamicContainer.dynamicContainer(
                    role.id(),
                    ExpectedMatrix.cases(role)
                        .map(c -> DynamicTest.dynamicTest(c.displayName(), () -> check(c)))));
  }

  private static void check(MatrixCase c) {
    Sent sent = requests.send(c);
    if (c.expected() != MatrixCase.LISTED && c.expected() != MatrixCase.HIDDEN) {
      assertThat(sent.response().status()).as("%s: %s", c, sent.response()).isEqualTo(c.expected());
      return;
    }
    assertThat(sent.response().status()).as("%s: %s", c, sent.response()).isEqualTo(200);
    List<Long> listed = new ArrayList<>();
    for (JsonNode element : sent.response().body()) {
      listed.add(element.path(sent.listedField()).asLong());
    }
    if (c.expected() == MatrixCase.LISTED) {
      assertThat(listed).as("%s: %s", c, sent.response()).contains(sent.listedId());
    } else {
      assertThat(listed).as("%s: %s", c, sent.response()).doesNotContain(sent.listedId());
    }
  }
}
