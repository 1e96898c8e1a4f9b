package dev.tokensmith.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the schema migrations and the transactions. A service opens a transaction
 * with {@link #inTransaction}; every store call made on that thread until it ends joins it, so a
 * change that touches several features (a user disabled and their tokens) commits or rolls back as
 * one.
 *
 * <p>Every wait for the database is bounded by one timeout (see {@link Timeouts}): a request that
 * cannot get a connection, whose statement or lock wait runs too long, or whose database has gone
 * silent, fails with an {@link SQLException} the web layer answers 503, instead of hanging.
 */
public final class Database implements AutoCloseable {

  /**
   * The embedded database's file is open in another process (a running server holds it): an H2 file
   * database has one owner at a time.
   */
  public static final class InUse extends IllegalStateException {
    InUse(Throwable cause) {
      super("the embedded database is open in another process", cause);
    }
  }

  // H2's error code for a database file locked by another process.
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  /** Which SQL dialect the migrations and the few dialect-specific statements use. */
  public enum Dialect {
    H2,
    POSTGRESQL
  }

  /** How often a transaction the database rolled back over a lock is run in all. */
  private static final int TRIES = 3;

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;
  private final String url;
  private final String user;
  private final String password;
  private final Timeouts timeouts;
  private final ThreadLocal<Handle> current = new ThreadLocal<>();
  private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();
  private volatile BooleanSupplier nonBlockingThread = () -> false;

  public Database(String url, String user, String password, int poolSize) {
    this(url, user, password, poolSize, 5_000);
  }

  /**
   * @param timeoutMillis how long a request waits for a connection, a statement or a lock, or for a
   *     silent database (a little longer), before giving up (then 503)
   */
  public Database(String url, String user, String password, int poolSize, long timeoutMillis) {
    // An embedded H2 database: the settings the server needs, and its files owner-only before it
    // opens.
    url = H2Url.complete(url);
    H2Url.databasePath(url).ifPresent(path -> OwnerOnly.databaseFiles(path, H2Url.DATA_FILE));

    this.dialect = url.startsWith("jdbc:postgresql:") ? Dialect.POSTGRESQL : Dialect.H2;
    this.url = url;
    this.user = user;
    this.password = password;
    this.timeouts = new Timeouts(timeoutMillis);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("tokensmith");
    if (dialect == Dialect.POSTGRESQL) {
      config.setDataSourceProperties(timeouts.connectProperties());
    }
    config.setConnectionInitSql(timeouts.sessionSql(dialect));
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setConnectionTimeout(timeoutMillis);
    config.setValidationTimeout(timeouts.validationMillis());
    // Idle connections are checked this often, so one that died in silence is rarely handed out.
    config.setKeepaliveTime(30_000);
    config.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(config);
    this.jdbi = Jdbi.create(dataSource);
  }

  /**
   * Tells the database which threads must never block (the event loops): from those, every access
   * throws {@link BlockingNotAllowed} at once instead of waiting for a connection or a query.
   */
  public void refuseBlockingWhen(BooleanSupplier nonBlocking) {
    this.nonBlockingThread = nonBlocking;
  }

  /**
   * Throws {@link BlockingNotAllowed} on a thread that must never block (an event loop), as any
   * database access would there: for callers about to wait for another thread's database work.
   */
  public void requireBlockingAllowed() {
    if (nonBlockingThread.getAsBoolean()) {
      throw new BlockingNotAllowed();
    }
  }

  /**
   * Brings the schema up to date; safe to run from several instances at once. Migrations use
   * connections of their own, with no statement or read timeout: rebuilding an index on a large
   * table may rightly take minutes.
   */
  public void migrate() {
    if (upToDate()) {
      return;
    }
    Flyway flyway =
        Flyway.configure()
            .jdbcProperties(dialect == Dialect.POSTGRESQL ? timeouts.openSettings() : Map.of())
            .dataSource(url, user, password)
            .locations("classpath:db/migration")
            // What H2 (in PostgreSQL mode) and PostgreSQL spell differently; H2 caps long_text.
            .placeholders(
                Map.of(
                    "long_text",
                    dialect == Dialect.POSTGRESQL ? "TEXT" : "CHARACTER VARYING(1000000)",
                    "api_token_ids_continue",
                    dialect == Dialect.POSTGRESQL
                        ? POSTGRESQL_TOKEN_IDS_CONTINUE
                        : H2_TOKEN_IDS_CONTINUE,
                    "token_order_indexes",
                    dialect == Dialect.POSTGRESQL ? POSTGRESQL_TOKEN_ORDER_INDEXES : "",
                    "token_owner_index",
                    dialect == Dialect.POSTGRESQL ? POSTGRESQL_TOKEN_OWNER_INDEX : ""))
            .load();
    try {
      acceptReleasedCoreChecksum(flyway);
      flyway.migrate();
    } catch (RuntimeException e) {
      throw lockedByAnotherProcess(e) ? new InUse(e) : e;
    }
  }

  /** The newest migration in db/migration (MigrationFilesTest holds it to the files). */
  static final int LATEST_MIGRATION = 21;

  /**
   * Whether the schema history holds exactly the migrations 1 to {@link #LATEST_MIGRATION}, each
   * applied with success: then a start has nothing to migrate, and it need not load Flyway at all
   * (about half a second of a restart). Flyway validates the applied migrations' checksums whenever
   * it runs, that is whenever a release brings a migration. Anything else, a database this cannot
   * read included, goes to Flyway, which migrates or says what is wrong.
   */
  private boolean upToDate() {
    Properties settings = new Properties();
    if (dialect == Dialect.POSTGRESQL) {
      settings.putAll(timeouts.openSettings());
    }
    try (Connection connection = openOwn(settings)) {
      // Asked first, so that a new database raises no error (H2 would write it to a trace file).
      try (ResultSet table =
          connection
              .getMetaData()
              .getTables(null, connection.getSchema(), "flyway_schema_history", null)) {
        if (!table.next()) {
          return false;
        }
      }
      return historyComplete(connection);
    } catch (SQLException e) {
      return false;
    }
  }

  private static boolean historyComplete(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet applied =
            statement.executeQuery(
                "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
      int expected = 1;
      while (applied.next()) {
        String version = applied.getString(1);
        if (!applied.getBoolean(2)) {
          return false;
        }
        // A row without a version is Flyway's own (it created the schema).
        if (version != null && !Integer.toString(expected++).equals(version)) {
          return false;
        }
      }
      return expected == LATEST_MIGRATION + 1;
    }
  }

  private static boolean lockedByAnotherProcess(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return true;
      }
    }
    return false;
  }

  // Moves the new api_token_ids sequence past every id the api_tokens identity gave or the table
  // holds. PostgreSQL reads the identity's sequence (taking a value from it) and sets the new one
  // with setval, the table locked until the migration commits; H2 keeps the identity's next value
  // in its information schema and restarts a sequence at a computed value.
  private static final String POSTGRESQL_TOKEN_IDS_CONTINUE =
      "LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE;\n"
          + "SELECT setval('api_token_ids', GREATEST("
          + "nextval(pg_get_serial_sequence('api_tokens', 'id')), "
          + "(SELECT COALESCE(MAX(id), 0) + 1 FROM api_tokens)), false)";
  private static final String H2_TOKEN_IDS_CONTINUE =
      "ALTER SEQUENCE api_token_ids RESTART WITH (SELECT GREATEST("
          + "(SELECT identity_base FROM information_schema.columns "
          + "WHERE table_schema = CURRENT_SCHEMA AND LOWER(table_name) = 'api_tokens' "
          + "AND LOWER(column_name) = 'id'), "
          + "(SELECT COALESCE(MAX(id), 0) + 1 FROM api_tokens)))";

  // The token list's orders by an expression (TokenOrder), each an index of the same expression
  // between the client and the id. H2 indexes only columns.
  private static final String POSTGRESQL_TOKEN_ORDER_INDEXES =
      "CREATE INDEX api_tokens_client_name ON api_tokens (client_id, LOWER(realname), id);\n"
          + "CREATE INDEX api_tokens_client_expiry ON api_tokens"
          + " (client_id, COALESCE(expire_at, 9223372036854775807), id);\n"
          + "CREATE INDEX api_tokens_client_used ON api_tokens"
          + " (client_id, COALESCE(last_used_at, 0), id);";

  private static final String POSTGRESQL_TOKEN_OWNER_INDEX =
      "CREATE INDEX api_tokens_client_owner ON api_tokens (client_id, LOWER(owner_name), id);\n"
          + "DROP INDEX api_tokens_client;\n"
          + "DROP INDEX api_tokens_user;";

  // Flyway's checksums of the released db/migration/{h2,postgresql}/V1__core.sql.
  private static final int RELEASED_CORE_H2 = 1221333312;
  private static final int RELEASED_CORE_POSTGRESQL = -2000853159;

  /**
   * Version 1 was released as one file per dialect (db/migration/h2, db/migration/postgresql),
   * differing in one column type; it is now one file with a placeholder. Flyway checksums a
   * versioned migration's text before placeholders are replaced, so a database migrated by those
   * releases records a checksum the new file no longer has and would fail validation. Only such a
   * database (then at version 1 alone) records this dialect's released checksum: repair realigns
   * that row with the file, once. Any other mismatch still fails validation.
   */
  private void acceptReleasedCoreChecksum(Flyway flyway) {
    Integer released = dialect == Dialect.POSTGRESQL ? RELEASED_CORE_POSTGRESQL : RELEASED_CORE_H2;
    boolean releasedCore =
        Arrays.stream(flyway.info().applied())
            .anyMatch(
                m ->
                    m.isVersioned()
                        && "1".equals(m.getVersion().getVersion())
                        && released.equals(m.getAppliedChecksum()));
    if (releasedCore) {
      flyway.repair();
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction (joining the caller's if there is one). */
  public <T> T inTransaction(Supplier<T> work) {
    if (current.get() != null) {
      return work.get();
    }
    requireBlockingAllowed();
    for (int attempt = 1; ; attempt++) {
      try {
        return runTransaction(work);
      } catch (RuntimeException e) {
        // A deadlock victim (or a serialization failure) was rolled back whole: running it again is
        // safe.
        if (attempt == TRIES || !SqlErrors.rolledBackOverLock(e)) {
          throw e;
        }
      }
    }
  }

  private <T> T runTransaction(Supplier<T> work) {
    List<Runnable> actions = new ArrayList<>();
    T result;
    try (Handle handle = open()) {
      current.set(handle);
      afterCommit.set(actions);
      try {
        // Read committed is the pool's level for every connection (set once when it opens): asking
        // for it here would read and set it again, round trips to the database, each transaction.
        result = handle.inTransaction(h -> work.get());
      } finally {
        current.remove();
        afterCommit.remove();
      }
    }
    actions.forEach(Runnable::run);
    return result;
  }

  /**
   * Runs {@code action} once the thread's transaction has committed (at once when there is none);
   * never when it rolls back.
   */
  public void afterCommit(Runnable action) {
    List<Runnable> actions = afterCommit.get();
    if (actions == null) {
      action.run();
    } else {
      actions.add(action);
    }
  }

  /** Runs {@code work} in one transaction, for changes that return nothing. */
  public void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }

  /** For stores: runs on the thread's transaction, or on a short-lived handle of its own. */
  public <T> T withHandle(Function<Handle, T> work) {
    Handle handle = current.get();
    if (handle != null) {
      return work.apply(handle);
    }
    requireBlockingAllowed();
    try (Handle own = open()) {
      return work.apply(own);
    }
  }

  /** A piece of plain JDBC work on a connection. */
  @FunctionalInterface
  public interface ConnectionWork<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * {@link #withHandle} for plain JDBC: on the thread's transaction, or on a pooled connection of
   * its own, bounded like a handle's. For the few reads on the hot path (a verification's miss),
   * where building a handle and a statement context costs more than the statement itself. An {@link
   * SQLException} comes out wrapped, its cause kept (so a timeout still means 503).
   */
  public <T> T withConnection(ConnectionWork<T> work) {
    Handle handle = current.get();
    try {
      if (handle != null) {
        return work.apply(handle.getConnection());
      }
      requireBlockingAllowed();
      try (Connection own = dataSource.getConnection()) {
        own.setNetworkTimeout(Runnable::run, (int) timeouts.readMillis());
        return work.apply(own);
      }
    } catch (SQLException e) {
      throw new ConnectionException(e);
    }
  }

  /**
   * A handle on a pooled connection whose reads give up after {@link Timeouts#readMillis()}: the
   * driver's own socket timeout counts whole seconds only. The pool restores it on return.
   */
  private Handle open() {
    Handle handle = jdbi.open();
    try {
      handle.getConnection().setNetworkTimeout(Runnable::run, (int) timeouts.readMillis());
    } catch (SQLException e) {
      handle.close();
      throw new ConnectionException(e);
    }
    return handle;
  }

  /**
   * A connection of its own, outside the pool (the change feed's {@code LISTEN}), bounded like the
   * pooled ones: a silent database makes a read fail after {@link Timeouts#readMillis()}.
   */
  Connection connect() throws SQLException {
    Connection connection = openOwn(timeouts.connectProperties());
    try {
      connection.setNetworkTimeout(Runnable::run, (int) timeouts.readMillis());
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  // A connection outside the pool, with the driver settings given and this database's credentials.
  private Connection openOwn(Properties settings) throws SQLException {
    settings.setProperty("user", user);
    settings.setProperty("password", password);
    return DriverManager.getConnection(url, settings);
  }

  /**
   * Publishes the pool's figures ({@code hikaricp_connections_active}, {@code …_pending}, {@code
   * …_acquire_seconds}, …) to {@code registry}. Once, at start.
   */
  public void bindMetrics(MeterRegistry registry) {
    dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
  }

  /**
   * Backs up the open embedded database to {@code zip}, which must not exist (see {@link
   * EmbeddedBackup}): on a connection of its own, outside the pool and with no statement timeout,
   * since a large database takes a while to copy. Changes go on meanwhile.
   *
   * @throws IllegalStateException when the database is not an embedded file database
   */
  public void backupTo(java.nio.file.Path zip) throws java.io.IOException {
    if (EmbeddedBackup.dataFile(url).isEmpty()) {
      throw new IllegalStateException("only an embedded file database is backed up by Tokensmith");
    }
    requireBlockingAllowed();
    try (Connection connection = DriverManager.getConnection(url, user, password)) {
      EmbeddedBackup.write(connection, zip);
    } catch (SQLException e) {
      throw new IllegalStateException("the backup failed: " + e.getMessage(), e);
    }
  }

  /** True when a connection can be had and answers within two seconds. */
  public boolean reachable() {
    requireBlockingAllowed();
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Waits until no pooled connection is in use, that is until every transaction and statement in
   * flight has ended, for at most {@code timeout}; true when that happened.
   */
  public boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
    while (pool != null && pool.getActiveConnections() > 0) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Closes the pool. An embedded H2 database closes with the pool's last connection: its URL says
   * {@code DB_CLOSE_ON_EXIT=FALSE}, so H2's own shutdown hook cannot close it before the server's
   * last write.
   */
  @Override
  public void close() {
    dataSource.close();
  }
}
