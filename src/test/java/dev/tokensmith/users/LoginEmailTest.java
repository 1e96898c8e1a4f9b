package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed login records of the typed e-mail: a well-formed address, or nothing of it. */
class LoginEmailTest {

  @Test
  void recordedEmailWhenWellFormedThenKeptAsTyped() {
    for (String email :
        new String[] {
          "user@example.com",
          "First.Last+tag@mail.example.co.uk",
          "admin@localhost",
          "josé@exämple.de",
          "a@b",
          "o'brien@example.com"
        }) {
      assertThat(SessionService.recordedEmail(email)).as(email).isEqualTo(email);
    }
  }

  @Test
  void recordedEmailWhenNotAnAddressThenInvalid() {
    String[] notEmails = {
      "tks1" + "A".repeat(60),
      "correct horse battery staple",
      "",
      "@example.com",
      "user@",
      "user@@example.com",
      "user@exa mple.com",
      "user@-example.com",
      "user@example-.com",
      "user@example..com",
      ".user@example.com",
      "us..er@example.com",
      "user@example.com\n",
      "<user@example.com>",
      "x".repeat(65) + "@example.com",
      "user@" + "a".repeat(64) + ".com",
      "user@" + ("a".repeat(60) + ".").repeat(5) + "com"
    };
    for (String typed : notEmails) {
      assertThat(SessionService.recordedEmail(typed)).as(typed).isEqualTo("(invalid)");
    }
  }
}
