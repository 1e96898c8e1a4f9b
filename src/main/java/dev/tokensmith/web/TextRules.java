package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.TOO_LONG;

import dev.tokensmith.errors.ValidationException;

/** What every text read from a request must be, wherever it came from. */
final class TextRules {
  private TextRules() {}

  /**
   * {@code text} if at most {@code max} characters, with no U+0000 and no lone surrogate; else 400
   * echoing it.
   */
  static String checked(String field, String text, int max) {
    if (text.length() > max) {
      throw ValidationException.of(field, TOO_LONG, text);
    }
    // PostgreSQL cannot store U+0000 in a text column; no name or e-mail needs one.
    if (text.indexOf('\0') >= 0 || !wellFormed(text)) {
      throw ValidationException.of(field, INVALID, text);
    }
    return text;
  }

  /** A secret's text: at most {@code max} characters, else 400 without echoing it. */
  static String checkedSecret(String field, String text, int max) {
    if (text.length() > max) {
      throw ValidationException.of(field, TOO_LONG, null);
    }
    return text;
  }

  /**
   * False when {@code text} holds half of a surrogate pair alone (a JSON escape can write one):
   * that is no character, and UTF-8 storage would turn it into {@code ?}.
   */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
