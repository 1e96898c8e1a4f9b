package dev.tokensmith.access;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import java.util.List;

/**
 * Reads permissions as a request writes them — one role ({@code ["admin"]}) or permission ids —
 * into a {@link Grant}: the one place where the texts a request sends meet the permission
 * catalogue. The web layer hands the texts over raw; the {@code *Api} classes ask here.
 */
public final class Grants {
  /** The most entries a written grant may have: every id of the largest catalogue there may be. */
  public static final int MAX_ENTRIES = Catalogue.MAX_IDS;

  /** The longest a written role or permission id may be (a catalogue has none longer). */
  public static final int MAX_ENTRY_LENGTH = Catalogue.MAX_ID_LENGTH;

  private final Catalogue catalogue;

  public Grants(Catalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** The grant written in {@code field}; 400 {@code invalid}, echoing the list, when it is none. */
  public Grant read(String field, List<String> written) {
    return catalogue
        .parse(written)
        .orElseThrow(() -> ValidationException.of(field, INVALID, written));
  }
}
