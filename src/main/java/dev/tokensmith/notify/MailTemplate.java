package dev.tokensmith.notify;

import java.util.Locale;

/**
 * The e-mails Tokensmith sends, each from {@code mail/<id>.txt} (its first line {@code Subject: …})
 * and {@code mail/<id>.html} in the jar.
 */
public enum MailTemplate {
  /** An invitation or reset: a one-time link to set a password (sealed parameter {@code link}). */
  PASSWORD_LINK,
  /** A token expires in three days or less. */
  TOKEN_EXPIRING,
  /** A token was disabled because its secret was reported as leaked. */
  TOKEN_LEAKED;

  /** The name of its files and of the notice's topic. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static MailTemplate of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
