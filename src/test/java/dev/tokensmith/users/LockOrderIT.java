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
    long tenant = fixtures.tenant("Lock order");
    TestUser caller = fixtures.user(tenant, "admin");
    TestUser demoted = fixtures.user(tenant, "admin");
    TestUser deleted = fixtures.user(tenant, "admin");
    Issued lower = fixtures.token(demoted.session(), List.of("analytic"));
    Issued higher = fixtures.token(deleted.session(), List.of("analytic"));
    assertThat(lower.id()).isLessThan(higher.id());

    try (DbLocks locks = new DbLocks(server)) {
      Connection flush = locks.holder();
      long flushSession = locks.holderSession();
      recordUse(flush, lower.id());
      // The demotion locks its user and the client (last-admin count), then waits for the lower
      // token.
      CompletableFuture<Response> demotion =
          async(
              () ->
                  server.http.post(
                      "/v1/objects/user/update",
                      caller.session(),
                      Map.of(
                          "filter",
                          Map.of("id", demoted.id()),
                          "fields",
                          Map.of("permissions", List.of("analytic")))));
      long demotionSession = locks.awaitBlockedBy(flushSession);
      // The deletion locks its user and tokens, and must not then wait for the client behind them.
      CompletableFuture<Response> deletion =
          async(
              () ->
                  server.http.post(
                      "/v1/objects/user/delete",
                      caller.session(),
                      Map.of("filter", Map.of("id", deleted.id()))));
      locks.awaitBlockedBy(demotionSession);
      SQLException flushError = null;
      try {
        recordUse(flush, higher.id());
        flush.commit();
      } catch (SQLException e) {
        flushError = e;
        flush.rollback();
      }
      Response demoted1 = demotion.get();
      Response deleted1 = deletion.get();
      assertThat(flushError == null ? null : flushError.getSQLState())
          .as("the usage flush failed: SQLState")
          .isNull();
      assertThat(demoted1.status()).as("demotion: %s", demoted1).isEqualTo(200);
      assertThat(deleted1.status()).as("deletion: %s", deleted1).isEqualTo(200);
    }
  }

  @Test
  void renameWhenRacingADeletionAndTheUsageFlushThenNoDeadlock() throws Exception {
    // A rename writes the user's token rows too (the name the list orders by): after the client.
    long tenant = fixtures.tenant("Rename lock order");
    TestUser caller = fixtures.user(tenant, "admin");
    TestUser deleted = fixtures.user(tenant, "admin");
    TestUser renamed = fixtures.user(tenant, "admin");
    Issued lower = fixtures.token(deleted.session(), List.of("analytic"));
    Issued higher = fixtures.token(renamed.session(), List.of("analytic"));
    assertThat(lower.id()).isLessThan(higher.id());

    try (DbLocks locks = new DbLocks(server)) {
      Connection flush = locks.holder();
      long flushSession = locks.holderSession();
      recordUse(flush, lower.id());
      // The deletion locks its user and the client, then waits for its token (the flush has it).
      CompletableFuture<Response> deletion =
          async(
              () ->
                  server.http.post(
                      "/v1/objects/user/delete",
                      caller.session(),
                      Map.of("filter", Map.of("id", deleted.id()))));
      long deletionSession = locks.awaitBlockedBy(flushSession);
      // The rename and demotion locks its user, then waits for the client: not yet the tokens.
      CompletableFuture<Response> renaming =
          async(
              () ->
                  fixtures.updateUser(
                      caller.session(),
                      renamed.id(),
                      Map.of("realname", "Renamed", "permissions", List.of("analytic"))));
      locks.awaitBlockedBy(deletionSession);
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
      Response renamed1 = renaming.get();
      Response deleted1 = deletion.get();
      assertThat(flushError == null ? null : flushError.getSQLState())
          .as("the usage flush failed: SQLState")
          .isNull();
      assertThat(renamed1.status()).as("rename: %s", renamed1).isEqualTo(200);
      assertThat(deleted1.status()).as("deletion: %s", deleted1).isEqualTo(200);
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
