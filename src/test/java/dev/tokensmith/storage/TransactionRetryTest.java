package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A transaction the database rolled back over a lock (a deadlock victim) runs again; other failures
 * do not.
 */
class TransactionRetryTest {
  private final Database db =
      new Database(
          "jdbc:h2:mem:retry"
              + UUID.randomUUID().toString().replace("-", "")
              + ";DB_CLOSE_DELAY=-1",
          "",
          "",
          2,
          1000);

  @AfterEach
  void close() {
    db.close();
  }

  private static RuntimeException failure(String sqlState) {
    return new IllegalStateException(new SQLException("rolled back", sqlState));
  }

  @Test
  void inTransactionWhenDeadlockVictimThenRunsAgainAndSucceeds() {
    AtomicInteger runs = new AtomicInteger();
    String result =
        db.inTransaction(
            () -> {
              if (runs.incrementAndGet() == 1) {
                throw failure("40P01");
              }
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(runs).hasValue(2);
  }

  @Test
  void inTransactionWhenAlwaysRolledBackThenGivesUpAfterThreeTries() {
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    () -> {
                      runs.incrementAndGet();
                      throw failure("40001");
                    }))
        .hasRootCauseMessage("rolled back");
    assertThat(runs).hasValue(3);
  }

  @Test
  void inTransactionWhenOtherFailureThenNotRunAgain() {
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(
            () ->
                db.inTransaction(
                    () -> {
                      runs.incrementAndGet();
                      throw failure("23505");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(runs).hasValue(1);
  }
}
