package dev.tokensmith.storage;

import java.sql.SQLException;

/**
 * What an error from the database says, for the two places that decide on it: a retry and the
 * answer.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** The first {@link SQLException} among the error and its causes, or null. */
  public static SQLException cause(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /**
   * True when the database rolled the transaction back over a lock (SQLState class 40: PostgreSQL's
   * 40P01 deadlock, H2's 40001): it changed nothing, and running it again may pass.
   */
  public static boolean rolledBackOverLock(Throwable error) {
    SQLException sql = cause(error);
    return sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("40");
  }
}
