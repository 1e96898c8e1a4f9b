package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.DbLocks;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request made with a token that waited for its turn behind a change of that very token acts as
 * the token is once its turn comes: a token disabled (200) meanwhile creates nothing more.
 */
@UsesDatabase
@WithServer
class CallerTokenChangedIT {
  static TestServer server;
  static Fixtures fixtures;
  static TestUser admin;

  @BeforeAll
  static void seed() {
    admin = fixtures.user(fixtures.tenant("Caller token"), "admin");
  }

  @Test
  void createWhenTheCallingTokenWasDisabledWhileTheRequestWaitedThenUnauthorized()
      throws Exception {
    Issued caller = fixtures.token(admin.session(), List.of("admin"));
    assertThat(server.http.get("/v1/user", caller.auth()).status()).isEqualTo(200);
    try (DbLocks locks = new DbLocks(server)) {
      // Holds the disable inside its transaction (owner locked, token row awaited) for a moment.
      locks.lockRow("api_tokens", caller.id());
      CompletableFuture<Response> disable =
          CompletableFuture.supplyAsync(
              () ->
                  server.http.put(
                      "/v2/api_tokens/" + caller.id(), admin.session(), Map.of("enabled", false)));
      long disabling = locks.awaitBlockedBy(locks.holderSession());
      // Authenticated while the token is still enabled, then waits for the owner behind the
      // disable.
      CompletableFuture<Response> create =
          CompletableFuture.supplyAsync(
              () ->
                  server.http.post(
                      "/v2/api_tokens",
                      caller.auth(),
                      Map.of("realname", "minted", "permissions", List.of("admin"))));
      locks.awaitBlockedBy(disabling);
      locks.commit();
      assertThat(disable.get().status()).isEqualTo(200);
      Response minted = create.get();
      assertThat(minted.status())
          .as("a create made with a token disabled before its turn: %s", minted)
          .isEqualTo(401);
    }
  }
}
