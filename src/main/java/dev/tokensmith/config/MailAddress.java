package dev.tokensmith.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Checks a sender address the way the mail library will read it. */
final class MailAddress {
  private MailAddress() {}

  /** True for one address, strictly formed, with or without a display name. */
  static boolean valid(String text) {
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return false;
    }
    try {
      InternetAddress[] parsed = InternetAddress.parse(text, true);
      if (parsed.length != 1) {
        return false;
      }
      parsed[0].validate();
      return parsed[0].getAddress().contains("@");
    } catch (AddressException e) {
      return false;
    }
  }
}
