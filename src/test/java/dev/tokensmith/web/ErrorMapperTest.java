package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A transaction the database rolled back because of a lock (a deadlock victim, a lock wait that
 * timed out) is a passing conflict, not a bug: it answers 503 with Retry-After, never 500.
 */
class ErrorMapperTest {
  // As JDBI hands it on: the driver's exception as the cause.
  private static Reply mapped(String sqlState) {
    return ErrorMapper.toReply(new IllegalStateException(new SQLException("conflict", sqlState)));
  }

  @Test
  void lockConflictWhenPostgresqlDeadlockThenRetryable503() {
    assertThat(mapped("40P01").status).isEqualTo(503);
    assertThat(mapped("40P01").headers).containsKey("Retry-After");
  }

  @Test
  void lockConflictWhenH2DeadlockOrSerializationFailureThenRetryable503() {
    assertThat(mapped("40001").status).isEqualTo(503);
  }

  @Test
  void lockConflictWhenLockWaitTimesOutThenRetryable503() {
    assertThat(mapped("HYT00").status).as("H2 lock timeout").isEqualTo(503);
    assertThat(mapped("55P03").status).as("PostgreSQL lock_timeout").isEqualTo(503);
  }

  @Test
  void otherSqlErrorWhenUnexpectedThen500() {
    assertThat(mapped("42601").status).isEqualTo(500);
    assertThat(mapped("23505").status).isEqualTo(409);
  }
}
