package dev.tokensmith.catalogue;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.TokenLifecycle;
import dev.tokensmith.users.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start does about the catalogue it runs with: when the previous start's had permissions
 * this one lacks (the operator removed a resource), every custom user and token list naming them
 * drops them, each change in the activity log, all in one transaction with recording the new
 * catalogue.
 */
public final class CatalogueStart {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogueStart.class);

  private final Database db;
  private final Catalogue catalogue;
  private final UserService users;
  private final TokenLifecycle tokens;
  private final CatalogueHistory history;

  public CatalogueStart(
      Database db, Catalogue catalogue, UserService users, TokenLifecycle tokens) {
    this.db = db;
    this.catalogue = catalogue;
    this.users = users;
    this.tokens = tokens;
    this.history = new CatalogueHistory(db);
  }

  /**
   * Narrows what names removed permissions, then records the catalogue; a second call does nothing.
   */
  public void apply() {
    db.inTransaction(
        () -> {
          CatalogueHistory.Since since = history.compare(catalogue);
          if (since == CatalogueHistory.Since.SOME_REMOVED) {
            LOG.info(
                "Catalogue {}: permissions were removed since the last start; narrowing the users"
                    + " and tokens that name them",
                catalogue.source());
          }
          if (since != CatalogueHistory.Since.NONE_REMOVED) {
            // Not recorded yet: every stored list is checked once (a new database has none).
            // Users before tokens: the lock order of every change.
            int userCount = users.narrowToCatalogue();
            int tokenCount = tokens.narrowToCatalogue();
            if (userCount + tokenCount > 0) {
              LOG.info(
                  "Catalogue {}: removed permissions taken from {} users and {} tokens",
                  catalogue.source(),
                  userCount,
                  tokenCount);
            }
          }
          history.save(catalogue);
        });
  }
}
