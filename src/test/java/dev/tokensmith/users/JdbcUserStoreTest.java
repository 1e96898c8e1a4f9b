package dev.tokensmith.users;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.UsesDatabase;

/** The user store contract on the JDBC store: on H2, and again on PostgreSQL in that run. */
@UsesDatabase
class JdbcUserStoreTest extends UserStoreContract {
  @Override
  UserStore store(Database db) {
    return new JdbcUserStore(db, Records.CATALOGUE);
  }
}
