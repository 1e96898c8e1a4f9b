package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A row another connection holds locked ({@code SELECT … FOR UPDATE}) is waited for no longer than
 * the database timeout: the request answers 503 in the envelope, not 500 and not after the lock is
 * released, and the row can be changed again once it is.
 */
@UsesDatabase
class LockWaitIT {
  private static final int TIMEOUT_MILLIS = 1000;

  @AutoClose
  static final TestServer server =
      TestServer.start(Map.of("TOKENSMITH_DB_TIMEOUT_MS", Integer.toString(TIMEOUT_MILLIS)));

  @Test
  void updateWhenRowLockedElsewhereThenAnswers503WithinTimeout() throws Exception {
    Fixtures fixtures = new Fixtures(server);
    TestUser admin = fixtures.user(fixtures.tenant("Locks"), "admin");
    Issued token = fixtures.token(admin.session(), List.of("admin"));
    Map<String, Object> rename = Map.of("realname", "renamed");
    long took;
    Response answer;
    try (Connection holder =
        DriverManager.getConnection(server.database.url(), server.database.user(), "")) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement("SELECT id FROM api_tokens WHERE id = ? FOR UPDATE")) {
        lock.setLong(1, token.id());
        lock.executeQuery().close();
      }
      long start = System.nanoTime();
      CompletableFuture<Response> update =
          CompletableFuture.supplyAsync(
              () -> server.http.put("/v2/api_tokens/" + token.id(), admin.session(), rename));
      try {
        update.get(TIMEOUT_MILLIS + 4000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // still waiting for the lock: released below, and the duration tells
      }
      holder.rollback();
      answer = update.get(30, TimeUnit.SECONDS);
      took = (System.nanoTime() - start) / 1_000_000;
    }

    assertThat(answer.status()).as("%s after %d ms", answer, took).isEqualTo(503);
    assertThat(answer.json().path("status").asInt()).isEqualTo(503);
    assertThat(took).as("answered after %d ms", took).isLessThanOrEqualTo(TIMEOUT_MILLIS + 1000);
    assertThat(server.http.put("/v2/api_tokens/" + token.id(), admin.session(), rename).status())
        .isEqualTo(200);
  }
}
