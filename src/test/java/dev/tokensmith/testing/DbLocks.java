package dev.tokensmith.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A plain connection to a test server's database that takes row locks by hand, to put concurrent
 * requests in a known order, and tells which database session waits for which (H2 and PostgreSQL).
 */
public final class DbLocks implements AutoCloseable {
  private final TestDatabase database;
  private final Connection holder;
  private final Connection probe;

  public DbLocks(TestServer server) throws SQLException {
    this(server.database);
  }

  public DbLocks(TestDatabase database) throws SQLException {
    this.database = database;
    this.holder = DriverManager.getConnection(database.url(), database.user(), "");
    this.probe = DriverManager.getConnection(database.url(), database.user(), "");
    holder.setAutoCommit(false);
  }

  /** The connection that holds the locks (in a transaction until {@link #commit()}). */
  public Connection holder() {
    return holder;
  }

  /** The database session id of {@link #holder()}. */
  public long holderSession() throws SQLException {
    String sql = database.postgresql() ? "SELECT pg_backend_pid()" : "SELECT SESSION_ID()";
    try (ResultSet rs = holder.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Locks one row of {@code table} by id until {@link #commit()}. */
  public void lockRow(String table, long id) throws SQLException {
    try (PreparedStatement s =
        holder.prepareStatement("SELECT id FROM " + table + " WHERE id = ? FOR UPDATE")) {
      s.setLong(1, id);
      s.executeQuery().close();
    }
  }

  public void commit() throws SQLException {
    holder.commit();
  }

  /** The database session that waits for a lock {@code blocker} holds; polls until there is one. */
  public long awaitBlockedBy(long blocker) throws InterruptedException, SQLException {
    String sql =
        database.postgresql()
            ? "SELECT pid FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))"
            : "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID = ?";
    for (int i = 0; i < 500; i++) {
      try (PreparedStatement s = probe.prepareStatement(sql)) {
        s.setLong(1, blocker);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            return rs.getLong(1);
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("nothing waited for database session " + blocker);
  }

  @Override
  public void close() throws SQLException {
    try {
      holder.rollback();
      holder.close();
    } finally {
      probe.close();
    }
  }
}
