package dev.tokensmith.tokens;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.UsesDatabase;

/** The token store contract on the JDBC store: on H2, and again on PostgreSQL in that run. */
@UsesDatabase
class JdbcTokenStoreTest extends TokenStoreContract {
  @Override
  TokenStore store(Database db) {
    return new JdbcTokenStore(db, Records.CATALOGUE);
  }
}
