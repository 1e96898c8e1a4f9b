package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private static final PasswordHasher.Cost CHEAP = new PasswordHasher.Cost(64, 1, 1);

  /** The cost of the hasher the work-counting tests check; {@link #hasher}'s hashes are cheaper. */
  private static final PasswordHasher.Cost CONFIGURED = new PasswordHasher.Cost(256, 2, 1);

  private final SecureRandom random = new SecureRandom();
  private final PasswordHasher hasher = new PasswordHasher(CHEAP, random);

  @Test
  void costWhenOutOfRangeThenIllegalArgument() {
    assertThatThrownBy(() -> new PasswordHasher.Cost(7, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost(15, 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost(64, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost(64, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher.Cost((1 << 20) + 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hashWhenPasswordGivenThenArgon2idInPhcFormat() {
    String encoded = hasher.hash("correct horse");

    assertThat(encoded).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
    String[] parts = encoded.split("\\$");
    assertThat(parts).hasSize(6);
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
    assertThat(encoded).doesNotContain("correct horse").doesNotContain("=$").doesNotEndWith("=");
  }

  @Test
  void hashWhenSamePasswordTwiceThenDifferentSalts() {
    assertThat(hasher.hash("pw")).isNotEqualTo(hasher.hash("pw"));
  }

  @Test
  void verifyWhenReferenceImplementationsTestVectorThenTrue() {
    // The Argon2 reference implementation's test vector (argon2id, v=19, 64 MiB, 2 passes).
    String reference =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

    assertThat(hasher.verify("password", reference)).isTrue();
    assertThat(hasher.verify("passwore", reference)).isFalse();
  }

  @Test
  void hashWhenCheckedAgainstArgon2idOfItsSaltThenSameHash() {
    String[] parts = hasher.hash("pässwörd").split("\\$");
    byte[] salt = Base64.getDecoder().decode(parts[4]);
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(64)
            .withIterations(1)
            .withParallelism(1)
            .withSalt(salt)
            .build());
    byte[] expected = new byte[32];
    generator.generateBytes("pässwörd".getBytes(java.nio.charset.StandardCharsets.UTF_8), expected);

    assertThat(Base64.getDecoder().decode(parts[5])).isEqualTo(expected);
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
  void verifyWhenStoredWithAnotherCostThenUsesTheStoredCost() {
    String encoded = new PasswordHasher(new PasswordHasher.Cost(128, 2, 2), random).hash("pw");
    assertThat(hasher.verify("pw", encoded)).isTrue();
    assertThat(new PasswordHasher(CONFIGURED, random).verify("pw", encoded)).isTrue();
  }

  @Test
  void verifyWhenPbkdf2HashOfAnEarlierVersionThenStillVerifies() {
    String legacy = pbkdf2("the-old-password", 1000);

    assertThat(hasher.verify("the-old-password", legacy)).isTrue();
    assertThat(hasher.verify("the-old-passworD", legacy)).isFalse();
    assertThat(hasher.needsRehash(legacy)).isTrue();
  }

  @Test
  void verifyWhenNullOrMalformedThenFalseWithoutException() {
    String good = hasher.hash("pw");
    String[] parts = good.split("\\$");
    String salt = parts[4];
    String hash = parts[5];
    String[] legacy = pbkdf2("pw", 1000).split("\\$");
    String[] bad = {
      null,
      "",
      "pw",
      "$$$",
      "$argon2id$v=19$m=64,t=1,p=1$" + salt,
      "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + hash,
      "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash.substring(4),
      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash + "=",
      "$argon2id$v=19$m=64,t=1,p=1$!!!$" + hash,
      good + "$extra",
      "pbkdf2-sha256$1000$" + legacy[2],
      "pbkdf2-sha1$1000$" + legacy[2] + "$" + legacy[3],
      "pbkdf2-sha256$abc$" + legacy[2] + "$" + legacy[3],
      "pbkdf2-sha256$0$" + legacy[2] + "$" + legacy[3],
      "pbkdf2-sha256$2000000000$" + legacy[2] + "$" + legacy[3],
      "pbkdf2-sha256$1000$!!!$" + legacy[3],
      "pbkdf2-sha256$1000$" + legacy[2] + "$" + legacy[3].substring(4),
    };
    for (String encoded : bad) {
      assertThat(hasher.verify("pw", encoded)).as(String.valueOf(encoded)).isFalse();
      assertThat(hasher.needsRehash(encoded)).as(String.valueOf(encoded)).isTrue();
    }
    assertThat(hasher.verify(null, good)).isFalse();
  }

  @Test
  void verifyDummyWhenNullPasswordThenNoException() {
    hasher.verifyDummy(null);
  }

  @Test
  void needsRehashWhenNotArgon2idAtTheConfiguredCostThenTrue() {
    PasswordHasher configured = new PasswordHasher(CONFIGURED, random);

    assertThat(configured.needsRehash(hasher.hash("pw"))).isTrue();
    assertThat(configured.needsRehash(pbkdf2("pw", 600_000))).isTrue();
    assertThat(configured.needsRehash(configured.hash("pw"))).isFalse();
    assertThat(hasher.needsRehash(configured.hash("pw"))).as("a lowered cost too").isTrue();
  }

  @Test
  void verifyDummyWhenUnknownEmailThenOneDerivationAtTheConfiguredCost() {
    Counting counting = new Counting();
    PasswordHasher configured = counting.hasher();

    configured.verifyDummy("a-wrong-password");

    assertThat(counting.argon2).containsExactly(CONFIGURED);
    assertThat(counting.pbkdf2Iterations).isZero();
  }

  @Test
  void verifyWhenHashAtTheConfiguredCostThenExactlyOneDerivation() {
    Counting counting = new Counting();
    PasswordHasher configured = counting.hasher();
    String current = configured.hash("the-right-password");
    counting.argon2.clear();

    assertThat(configured.verify("a-wrong-password", current)).isFalse();
    assertThat(configured.verify("the-right-password", current)).isTrue();

    assertThat(counting.argon2).containsExactly(CONFIGURED, CONFIGURED);
  }

  @Test
  void verifyWhenCheaperArgon2idHashThenItsOwnDerivationAndOneAtTheConfiguredCost() {
    String old = hasher.hash("the-right-password");
    Counting counting = new Counting();
    PasswordHasher configured = counting.hasher();

    assertThat(configured.verify("a-wrong-password", old)).isFalse();
    assertThat(counting.argon2).as("never less than an unknown e-mail").contains(CONFIGURED);
    counting.argon2.clear();
    assertThat(configured.verify("the-right-password", old)).isTrue();

    assertThat(counting.argon2).containsExactly(CHEAP, CONFIGURED);
    assertThat(configured.needsRehash(old)).isTrue();
  }

  @Test
  void verifyWhenPbkdf2HashThenItsIterationsAndOneArgon2idDerivationAtTheConfiguredCost() {
    String legacy = pbkdf2("the-right-password", 1000);
    Counting counting = new Counting();
    PasswordHasher configured = counting.hasher();

    assertThat(configured.verify("the-right-password", legacy)).isTrue();
    assertThat(configured.verify("a-wrong-password", legacy)).isFalse();

    assertThat(counting.pbkdf2Iterations).isEqualTo(2000);
    assertThat(counting.argon2).containsExactly(CONFIGURED, CONFIGURED);
  }

  @Test
  void verifyWhenStoredValueMalformedOrPasswordNullThenOneDerivationAtTheConfiguredCost() {
    Counting counting = new Counting();
    PasswordHasher configured = counting.hasher();

    assertThat(configured.verify("pw", "not-a-hash")).isFalse();
    assertThat(configured.verify(null, hasher.hash("pw"))).isFalse();

    assertThat(counting.argon2).containsExactly(CONFIGURED, CONFIGURED);
  }

  private static String pbkdf2(String password, int iterations) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    byte[] hash = jdkPbkdf2(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder();
    return "pbkdf2-sha256$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  private static byte[] jdkPbkdf2(String password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Real derivations, each one noted: the Argon2id costs asked for and the PBKDF2 iterations. */
  private final class Counting {
    final List<PasswordHasher.Cost> argon2 = new ArrayList<>();
    long pbkdf2Iterations;

    PasswordHasher hasher() {
      return new PasswordHasher(
          CONFIGURED,
          random,
          (password, salt, cost, bytes) -> {
            argon2.add(cost);
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(cost.memoryKib())
                    .withIterations(cost.passes())
                    .withParallelism(cost.parallelism())
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[bytes];
            generator.generateBytes(password, out);
            return out;
          },
          (password, salt, iterations, bytes) -> {
            pbkdf2Iterations += iterations;
            return jdkPbkdf2(password, salt, iterations);
          });
    }
  }
}
