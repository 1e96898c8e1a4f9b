package dev.tokensmith.storage;

import java.util.Map;
import java.util.Properties;

/**
 * Every bound on a wait for the database, derived from the one database timeout ({@code
 * TOKENSMITH_DB_TIMEOUT_MS}), so that a request needing the database answers — 503 at worst —
 * within about that time, and a database that has gone silent (a network partition that drops
 * packets instead of resetting connections) never holds a thread longer.
 *
 * @param millis the database timeout: a connection from the pool, a new connection, a statement
 *     (including its wait for a row lock) each get this long
 */
record Timeouts(long millis) {
  /**
   * How much longer than a statement a silent connection is waited for, so a live server's own
   * cancel wins.
   */
  private static final long READ_MARGIN_MILLIS = 250;

  /**
   * How long a read may wait for the database's next bytes before the connection is given up as
   * dead: just past the statement timeout, which a server that is still there enforces itself.
   */
  long readMillis() {
    return millis + READ_MARGIN_MILLIS;
  }

  /**
   * How long the pool's check that an idle connection is alive may take: a quarter, 250 ms to 1 s.
   */
  long validationMillis() {
    return Math.max(250, Math.min(1000, millis / 4));
  }

  /**
   * PostgreSQL driver settings for opening a connection: TCP connect and login within the timeout,
   * keep-alive probes.
   */
  Map<String, String> openSettings() {
    return Map.of(
        "connectTimeout",
        Long.toString(wholeSeconds(millis)),
        "loginTimeout",
        Double.toString(millis / 1000.0),
        "tcpKeepAlive",
        "true");
  }

  /**
   * {@link #openSettings()} with reads bounded too, in whole seconds (the driver's unit; {@link
   * Database} narrows it to {@link #readMillis()} for every use).
   */
  Properties connectProperties() {
    Properties properties = new Properties();
    properties.putAll(openSettings());
    properties.setProperty("socketTimeout", Long.toString(wholeSeconds(readMillis())));
    return properties;
  }

  /**
   * Run once on every pooled connection: a statement, or a wait for a lock, ends after the timeout;
   * on PostgreSQL a transaction left idle ends too (see {@link #idleInTransactionMillis()}).
   */
  String sessionSql(Database.Dialect dialect) {
    return dialect == Database.Dialect.POSTGRESQL
        ? "SET statement_timeout = "
            + millis
            + "; SET idle_in_transaction_session_timeout = "
            + idleInTransactionMillis()
        : "SET LOCK_TIMEOUT " + millis;
  }

  /**
   * How long PostgreSQL keeps a transaction that waits for its client's next statement: four times
   * the timeout. Longer than any pause of the server's own between two statements of a transaction;
   * short enough that a server that vanished without closing its connection (a partition, a frozen
   * host) does not hold row locks until TCP keep-alive notices, which takes hours.
   */
  long idleInTransactionMillis() {
    return 4 * millis;
  }

  private static long wholeSeconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
