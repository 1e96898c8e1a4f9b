package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Every pooled connection carries the bounds derived from the database timeout: a statement (and
 * its wait for a lock) ends after it, and on PostgreSQL a transaction its client left idle — a
 * server partitioned away mid-transaction — ends after four times it, releasing its row locks.
 */
@UsesDatabase
class SessionSettingsIT {
  @AutoClose static final TestDatabase database = TestDatabase.create();

  @AutoClose static final Database db = new Database(database.url(), database.user(), "", 2, 1500);

  @Test
  void connectionWhenPooledThenStatementAndIdleTransactionAreBounded() {
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      assertThat(show("statement_timeout")).isEqualTo("1500ms");
      assertThat(show("idle_in_transaction_session_timeout")).isEqualTo("6s");
    } else {
      String lockTimeout =
          db.withHandle(h -> h.createQuery("SELECT LOCK_TIMEOUT()").mapTo(String.class).one());
      assertThat(lockTimeout).isEqualTo("1500");
    }
  }

  private static String show(String setting) {
    String value = db.withHandle(h -> h.createQuery("SHOW " + setting).mapTo(String.class).one());
    return value;
  }
}
