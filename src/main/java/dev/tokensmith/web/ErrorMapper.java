package dev.tokensmith.web;

import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.TooManyRequestsException;
import dev.tokensmith.storage.SqlErrors;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place an error becomes a response in the spec's envelope. A unique-constraint violation
 * (SQLState 23505) is a 409, a lost or too slow database a 503, a transaction the database rolled
 * back over a lock (deadlock victim, lock wait timeout) a 503 the client may retry at once;
 * anything else is a bug, logged (without request data) and answered 500.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static Reply toReply(Throwable error) {
    if (error instanceof TooManyRequestsException limited) {
      return Reply.of(429, limited.body())
          .header("Retry-After", Long.toString(limited.retryAfterSeconds()));
    }
    if (error instanceof ServiceException e) {
      return Reply.of(e.status(), e.body());
    }
    SQLException sql = SqlErrors.cause(error);
    if (sql != null && "23505".equals(sql.getSQLState())) {
      return Reply.of(409, "Conflict");
    }
    if (SqlErrors.rolledBackOverLock(error)) {
      LOG.warn("transaction rolled back over a lock: SQLState {}", sql.getSQLState());
      return Reply.of(503, "Service unavailable").header("Retry-After", "1");
    }
    if (sql != null && unavailable(sql)) {
      LOG.warn(
          "database unavailable: {} (SQLState {})",
          sql.getClass().getSimpleName(),
          sql.getSQLState());
      return Reply.of(503, "Service unavailable");
    }
    LOG.error("request failed", error);
    return Reply.of(500, "Internal server error");
  }

  /**
   * No connection to be had (the pool's wait ran out; SQLState class 08: connection lost or never
   * made, including a read that timed out on a silent database), a statement or lock wait that ran
   * out of time (57014 cancelled, the rest of class 57: the server is shutting down; 55P03 lock not
   * available; HYT00/HYT01 timeouts, H2's lock timeout among them).
   */
  private static boolean unavailable(SQLException sql) {
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    return sql instanceof SQLTransientConnectionException
        || sql instanceof SQLTimeoutException
        || state.startsWith("08")
        || state.startsWith("57")
        || state.equals("55P03")
        || state.startsWith("HYT");
  }
}
