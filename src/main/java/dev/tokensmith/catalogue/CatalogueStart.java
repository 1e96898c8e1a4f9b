package dev.tokensmith.catalogue;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.TokenLifecycle;
import dev.tokensmith.users.UserService;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start does about the catalogue it runs with: when the previous start's had permissions
 * this one lacks (the operator removed a resource), every custom user and token list naming them
 * drops them; when the operator took permissions from a role, the personal tokens of the role's
 * holders are narrowed to it for good (verification caps them by the role from the start anyway).
 * Each change is in the activity log. The work goes in batches, each its own transaction, and the
 * new catalogue is recorded last: a start that stops midway leaves the rest to the next start,
 * which finds the same difference and changes only what is still to change.
 */
public final class CatalogueStart {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogueStart.class);

  /** How many holders of a narrowed role one read of the walk takes. */
  private static final int HOLDERS = 500;

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

  /** Narrows what the catalogue no longer grants, then records it; a second call does nothing. */
  public void apply() {
    CatalogueHistory.Comparison compared = history.compare(catalogue);
    if (compared.since() != CatalogueHistory.Since.NONE_REMOVED) {
      if (compared.since() == CatalogueHistory.Since.SOME_REMOVED) {
        LOG.info(
            "Catalogue {}: permissions were removed since the last start; narrowing the users"
                + " and tokens that name them",
            catalogue.source());
      }
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
    for (Role role : compared.narrowed()) {
      LOG.info(
          "Catalogue {}: role {} holds less than at the last start; narrowing its holders' tokens",
          catalogue.source(),
          role.id());
      long began = System.nanoTime();
      int holders = 0;
      int narrowed = 0;
      long after = 0;
      while (true) {
        List<Long> ids = users.idsHolding(role, after, HOLDERS);
        for (long id : ids) {
          narrowed += tokens.narrowToRole(id);
        }
        holders += ids.size();
        if (ids.size() < HOLDERS) {
          break;
        }
        after = ids.get(ids.size() - 1);
      }
      LOG.info(
          "Catalogue {}: role {}: {} tokens of {} holders narrowed in {} ms",
          catalogue.source(),
          role.id(),
          narrowed,
          holders,
          (System.nanoTime() - began) / 1_000_000);
    }
    db.inTransaction(() -> history.save(catalogue));
  }
}
