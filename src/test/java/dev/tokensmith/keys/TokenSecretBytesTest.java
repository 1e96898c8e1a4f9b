package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The byte form of the checksum check agrees with the character form on every input. */
class TokenSecretBytesTest {
  private final SecureRandom random = new SecureRandom();

  @Property(tries = 300)
  void isWellFormedWhenOneCharacterChangedThenBothFormsAgree(@ForAll @IntRange(min = 0, max = 63) int position,
      @ForAll char replacement) {
    String secret = TokenSecret.generate("tks1", random);
    String changed = secret.substring(0, position) + replacement + secret.substring(position + 1);
    assertThat(TokenSecret.isWellFormedAscii(secret.getBytes(StandardCharsets.ISO_8859_1))).isTrue();
    assertThat(TokenSecret.isWellFormedAscii(changed.getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(TokenSecret.isWellFormed(changed));
  }
}
