package dev.tokensmith.web;

import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.TooManyRequestsException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an error becomes a response in the spec's envelope. A unique-constraint violation
 * (SQLState 23505) is a 409, a lost database a 503, a transaction the database rolled back over a
 * lock (deadlock victim, lock wait timeout) a 503 the client may retry; anything else is a bug,
 * logged (without request data) and answered 500.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {
  }

  static Reply toReply(Throwable error) {
    if (error instanceof TooManyRequestsException limited) {
      return Reply.of(429, limited.body()).header("Retry-After", Long.toString(limited.retryAfterSeconds()));
    }
    if (error instanceof ServiceException e) {
      return Reply.of(e.status(), e.body());
    }
    SQLException sql = sqlCause(error);
    if (sql != null && "23505".equals(sql.getSQLState())) {
      return Reply.of(409, "Conflict");
    }
    if (sql != null && lockConflict(sql.getSQLState())) {
      LOG.warn("transaction rolled back over a lock: SQLState {}", sql.getSQLState());
      return Reply.of(503, "Service unavailable").header("Retry-After", "1");
    }
    if (sql instanceof SQLTransientConnectionException || sql != null && sql.getSQLState() != null
        && sql.getSQLState().startsWith("08")) {
      LOG.warn("database unavailable: {}", sql.getClass().getSimpleName());
      return Reply.of(503, "Service unavailable");
    }
    LOG.error("request failed", error);
    return Reply.of(500, "Internal server error");
  }

  // 40xxx: rolled back (40P01 deadlock, 40001 serialization failure and H2's deadlock); lock wait
  // timeouts: 55P03 (PostgreSQL lock_timeout), HYT00 (H2, two seconds by default).
  private static boolean lockConflict(String state) {
    return state != null && (state.startsWith("40") || state.equals("55P03") || state.equals("HYT00"));
  }

  private static SQLException sqlCause(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
