package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every change locks a user, then their client, then tokens: changes that also meet the usage flush
 * (which updates the tokens it batches in id order, in one transaction on PostgreSQL) never wait
 * for each other in a circle. Here a plain connection plays that flush, step by step.
 */
@UsesDatabase
@WithServer
class LockOrderIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void deleteAdminWhenRacingAnotherAdminsDemotionAndTheUsageFlushThenNoDeadlock() throws Exception {
    // The demotion locks its user and the client (last-admin count), then waits for its token; the
    // deletion locks its user and tokens, and must not then wait for the client behind them.
    raceWithTheFlush(
        "Lock order",
        "demotion",
        (caller, demoted) ->
            fixtures.updateUser(
                caller.session(), demoted.id(), Map.of("permissions", List.of("analytic"))),
        "deletion",
        LockOrderIT::delete);
  }

  @Test
  void renameWhenRacingADeletionAndTheUsageFlushThenNoDeadlock() throws Exception {
    // The deletion locks its user and the client, then waits for its token; the rename (which
    // writes the user's token rows too, the name the list orders by) locks its user, then waits for
    // the client: not yet the tokens.
    raceWithTheFlush(
        "Rename lock order",
        "deletion",
        LockOrderIT::delete,
        "rename",
        (caller, renamed) ->
            fixtures.updateUser(
                caller.session(),
                renamed.id(),
                Map.of("realname", "Renamed", "permissions", List.of("analytic"))));
  }

  /** A change an administrator makes to a user. */
  private interface Change {
    Response of(TestUser caller, TestUser target);
  }

  private static Response delete(TestUser caller, TestUser deleted) {
    return server.http.post(
        "/v1/objects/user/delete", caller.session(), Map.of("filter", Map.of("id", deleted.id())));
  }

  /**
   * The flush holds the first user's token; the first change waits for it, the second change for
   * the first; then the flush takes the second user's token. Nobody may fail: no circle of waits.
   */
  private static void raceWithTheFlush(
      String tenantName, String firstName, Change first, String secondName, Change second)
      throws Exception {
    long tenant = fixtures.tenant(tenantName);
    TestUser caller = fixtures.user(tenant, "admin");
    TestUser firstUser = fixtures.user(tenant, "admin");
    TestUser secondUser = fixtures.user(tenant, "admin");
    Issued lower = fixtures.token(firstUser.session(), List.of("analytic"));
    Issued higher = fixtures.token(secondUser.session(), List.of("analytic"));
    assertThat(lower.id()).isLessThan(higher.id());

    try (DbLocks locks = new DbLocks(server)) {
      Connection flush = locks.holder();
      long flushSession = locks.holderSession();
      recordUse(flush, lower.id());
      CompletableFuture<Response> firstDone = async(() -> first.of(caller, firstUser));
      long firstSession = locks.awaitBlockedBy(flushSession);
      CompletableFuture<Response> secondDone = async(() -> second.of(caller, secondUser));
      locks.awaitBlockedBy(firstSession);
      // Past the waiters' own deadlock checks, so that a circle would be found by the flush.
      Thread.sleep(1500);
      SQLException flushError = null;
      try {
        recordUse(flush, higher.id());
        flush.commit();
      } catch (SQLException e) {
        flushError = e;
        flush.rollback();
      }
      Response firstAnswer = firstDone.get();
      Response secondAnswer = secondDone.get();
      assertThat(flushError == null ? null : flushError.getSQLState())
          .as("the usage flush failed: SQLState")
          .isNull();
      assertThat(firstAnswer.status()).as("%s: %s", firstName, firstAnswer).isEqualTo(200);
      assertThat(secondAnswer.status()).as("%s: %s", secondName, secondAnswer).isEqualTo(200);
    }
  }

  // What JdbcTokenStore.recordUses writes for one token.
  private static void recordUse(Connection connection, long tokenId) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE api_tokens SET last_used_at = 1, last_used_ip = '127.0.0.1' WHERE id = ?")) {
      s.setLong(1, tokenId);
      s.executeUpdate();
    }
  }

  private static CompletableFuture<Response> async(Supplier<Response> request) {
    return CompletableFuture.supplyAsync(request);
  }
}
