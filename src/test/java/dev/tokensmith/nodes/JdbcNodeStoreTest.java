package dev.tokensmith.nodes;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.UsesDatabase;

/** The node store contract on the JDBC store: on H2, and again on PostgreSQL in that run. */
@UsesDatabase
class JdbcNodeStoreTest extends NodeStoreContract {
  @Override
  NodeStore store(Database db) {
    return new JdbcNodeStore(db);
  }
}
