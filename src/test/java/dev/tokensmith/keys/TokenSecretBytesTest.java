package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The byte form of the checksum check agrees with the character form on every input. */
class TokenSecretBytesTest {
  private final TokenSecrets secrets = TokenSecretTest.secrets("tks1");

  @Property(tries = 300)
  void isWellFormedWhenOneCharacterChangedThenBothFormsAgree(
      @ForAll @IntRange(min = 0, max = 63) int position, @ForAll char replacement) {
    String secret = secrets.generate();
    String changed = secret.substring(0, position) + replacement + secret.substring(position + 1);
    assertThat(secrets.isWellFormed(secret.getBytes(StandardCharsets.ISO_8859_1))).isTrue();
    assertThat(secrets.isWellFormed(changed.getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo(secrets.isWellFormed(changed));
  }
}
