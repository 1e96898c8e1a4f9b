package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /**
   * The iterations of the hasher the work-counting tests check; {@link #hasher}'s hashes have
   * fewer.
   */
  private static final int CONFIGURED = 5000;

  private final SecureRandom random = new SecureRandom();
  private final PasswordHasher hasher = new PasswordHasher(1000, random);

  @Test
  void constructorWhenIterationsBelow1000ThenIllegalArgument() {
    assertThatThrownBy(() -> new PasswordHasher(999, random))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1000");
  }

  @Test
  void hashWhenPasswordGivenThenEncodedFormat() {
    String encoded = hasher.hash("correct horse");
    String[] parts = encoded.split("\\$");
    assertThat(parts).hasSize(4);
    assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
    assertThat(parts[1]).isEqualTo("1000");
    assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
    assertThat(encoded).doesNotContain("correct horse");
  }

  @Test
  void hashWhenSamePasswordTwiceThenDifferentSalts() {
    assertThat(hasher.hash("pw")).isNotEqualTo(hasher.hash("pw"));
  }

  @Test
  void hashWhenCheckedAgainstJdkPbkdf2ThenSameHash() throws Exception {
    String[] parts = hasher.hash("pässwörd").split("\\$");
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec("pässwörd".toCharArray(), salt, 1000, 256))
            .getEncoded();
    assertThat(Base64.getDecoder().decode(parts[3])).isEqualTo(expected);
  }

  @Test
  void verifyWhenRightPasswordThenTrueElseFalse() {
    String encoded = hasher.hash("s3cret!");
    assertThat(hasher.verify("s3cret!", encoded)).isTrue();
    assertThat(hasher.verify("s3cret", encoded)).isFalse();
    assertThat(hasher.verify("S3cret!", encoded)).isFalse();
    assertThat(hasher.verify("", encoded)).isFalse();
  }

  @Test
  void verifyWhenStoredWithOtherIterationsThenUsesStoredIterations() {
    String encoded = new PasswordHasher(1500, random).hash("pw");
    assertThat(hasher.verify("pw", encoded)).isTrue();
    assertThat(new PasswordHasher(5000, random).verify("pw", encoded)).isTrue();
  }

  @Test
  void verifyWhenNullOrMalformedThenFalseWithoutException() {
    String good = hasher.hash("pw");
    String[] parts = good.split("\\$");
    String[] bad = {
      null,
      "",
      "pw",
      "$$$",
      "pbkdf2-sha256$1000$" + parts[2],
      "pbkdf2-sha1$1000$" + parts[2] + "$" + parts[3],
      "pbkdf2-sha256$abc$" + parts[2] + "$" + parts[3],
      "pbkdf2-sha256$0$" + parts[2] + "$" + parts[3],
      "pbkdf2-sha256$-5$" + parts[2] + "$" + parts[3],
      "pbkdf2-sha256$2000000000$" + parts[2] + "$" + parts[3],
      "pbkdf2-sha256$1000$!!!$" + parts[3],
      "pbkdf2-sha256$1000$$" + parts[3],
      "pbkdf2-sha256$1000$" + parts[2] + "$" + parts[3].substring(4),
      good + "$extra",
      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    };
    for (String encoded : bad) {
      assertThat(hasher.verify("pw", encoded)).as(String.valueOf(encoded)).isFalse();
    }
    assertThat(hasher.verify(null, good)).isFalse();
  }

  @Test
  void verifyDummyWhenNullPasswordThenNoException() {
    hasher.verifyDummy(null);
  }

  @Test
  void needsRehashWhenIterationsBelowConfiguredThenTrue() {
    String old = new PasswordHasher(1000, random).hash("pw");
    String current = new PasswordHasher(2000, random).hash("pw");
    PasswordHasher configured = new PasswordHasher(2000, random);
    assertThat(configured.needsRehash(old)).isTrue();
    assertThat(configured.needsRehash(current)).isFalse();
    assertThat(hasher.needsRehash(current)).isFalse();
  }

  @Test
  void verifyDummyWhenUnknownEmailThenSpendsTheConfiguredIterations() {
    Counting counting = new Counting();
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random, counting);

    configured.verifyDummy("a-wrong-password");

    assertThat(counting.iterations).isEqualTo(CONFIGURED);
  }

  @Test
  void verifyWhenWrongPasswordAgainstHashWithFewerIterationsThenSpendsTheConfiguredIterations() {
    String old = hasher.hash("the-right-password");
    Counting counting = new Counting();
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random, counting);

    assertThat(configured.verify("a-wrong-password", old)).isFalse();

    assertThat(counting.iterations).as("as much as an unknown e-mail").isEqualTo(CONFIGURED);
  }

  @Test
  void verifyWhenRightPasswordAgainstHashWithFewerIterationsThenTrueSameWorkAndNeedsRehash() {
    String old = hasher.hash("the-right-password");
    Counting counting = new Counting();
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random, counting);

    assertThat(configured.verify("the-right-password", old)).isTrue();

    assertThat(counting.iterations).isEqualTo(CONFIGURED);
    assertThat(configured.needsRehash(old)).isTrue();
  }

  @Test
  void verifyWhenHashWithConfiguredIterationsThenSpendsExactlyThem() {
    Counting counting = new Counting();
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random, counting);
    String current = configured.hash("the-right-password");
    counting.iterations = 0;

    assertThat(configured.verify("a-wrong-password", current)).isFalse();
    assertThat(counting.iterations).isEqualTo(CONFIGURED);
    counting.iterations = 0;
    assertThat(configured.verify("the-right-password", current)).isTrue();
    assertThat(counting.iterations).isEqualTo(CONFIGURED);
  }

  @Test
  void verifyWhenStoredValueMalformedOrPasswordNullThenSpendsTheConfiguredIterations() {
    Counting counting = new Counting();
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random, counting);

    assertThat(configured.verify("pw", "not-a-hash")).isFalse();
    assertThat(configured.verify(null, hasher.hash("pw"))).isFalse();

    assertThat(counting.iterations).isEqualTo(2L * CONFIGURED);
  }

  @Test
  void needsRehashWhenNotThisFormatThenTrue() {
    assertThat(hasher.needsRehash(null)).isTrue();
    assertThat(hasher.needsRehash("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")).isTrue();
  }

  /** The JDK's PBKDF2, adding up the iterations it is asked for. */
  private static final class Counting implements PasswordHasher.Pbkdf2 {
    long iterations;

    @Override
    public byte[] derive(String password, byte[] salt, int iterations, int bytes) {
      this.iterations += iterations;
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8))
            .getEncoded();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
