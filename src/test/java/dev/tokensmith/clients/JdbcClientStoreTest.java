package dev.tokensmith.clients;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.UsesDatabase;

/** The client store contract on the JDBC store: on H2, and again on PostgreSQL in that run. */
@UsesDatabase
class JdbcClientStoreTest extends ClientStoreContract {
  @Override
  ClientStore store(Database db) {
    return new JdbcClientStore(db);
  }
}
