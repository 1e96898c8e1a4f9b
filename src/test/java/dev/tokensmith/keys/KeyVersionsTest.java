package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several master key and pepper versions: the file forms, digests that name their pepper,
 * agreement.
 */
class KeyVersionsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String k1 = random();
  private final String k2 = random();
  private final String p1 = random();
  private final String p2 = random();

  @Test
  void peppersWhenOneBareLineThenVersionOne() {
    Keyring keys = Keyring.parse("v1:" + k1, p1 + "\n");
    assertThat(keys.pepperVersions()).containsExactly(1);
    assertThat(Keyring.parse("v1:" + k1, p1 + "\nv2:" + p2).pepperVersions()).containsExactly(1, 2);
    assertThat(Keyring.parse("v1:" + k1, "v1:" + p1 + ",v2:" + p2).currentPepper()).isEqualTo(2);
  }

  @Test
  void peppersWhenTooShortOrRepeatedThenRefusedWithoutKeyMaterial() {
    String shortOne = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> Keyring.parse("v1:" + k1, "v1:" + p1 + "\nv2:" + shortOne))
        .hasMessageContaining("shorter than 32 bytes")
        .hasMessageNotContaining(shortOne);
    assertThatThrownBy(() -> Keyring.parse("v1:" + k1, "v1:" + p1 + "\n" + p2))
        .hasMessageContaining("repeats version v1");
  }

  @Test
  void digestWhenPepperTwoThenNamesItAndOnlyItsPepperMatches() {
    TokenSecrets one = secrets(Keyring.parse("v1:" + k1, p1));
    TokenSecrets both = secrets(Keyring.parse("v1:" + k1, "v1:" + p1 + "\nv2:" + p2));
    String value = one.generate();

    String old = one.digest(value);
    String fresh = both.digest(value);
    assertThat(old).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(fresh).hasSize(64).startsWith("p2_");
    assertThat(TokenSecrets.pepperOf(old)).isEqualTo(1);
    assertThat(TokenSecrets.pepperOf(fresh)).isEqualTo(2);
    assertThat(both.lookupDigests(value)).containsExactly(fresh, old);
    assertThat(one.lookupDigests(value)).containsExactly(old);
    assertThat(both.matchesDigest(value, old)).isTrue();
    assertThat(both.matchesDigest(value, fresh)).isTrue();
    assertThat(one.matchesDigest(value, fresh)).as("a pepper it does not hold").isFalse();
  }

  @Test
  void usingWhenNarrowedThenSealsAndDigestsUnderTheAgreedVersions() {
    Keyring all = Keyring.parse("v1:" + k1 + ",v2:" + k2, "v1:" + p1 + ",v2:" + p2);
    ActiveKeys active = new ActiveKeys(all);
    TokenSecrets secrets = secrets(active);
    assertThat(secrets.seal("x", 5)).startsWith("v2:");

    KeyHolders.Holder older =
        new KeyHolders.Holder("other", new TreeSet<>(Set.of(1)), new TreeSet<>(Set.of(1)), 0);
    active.set(KeyHolders.agreed(all, List.of(older)));
    String sealed = secrets.seal("x", 5);
    assertThat(sealed).startsWith("v1:");
    assertThat(secrets.digest("value")).doesNotStartWith("p");
    // Still opens and finds under every version held.
    assertThat(secrets.open(sealed, 5)).isEqualTo("x");
    assertThat(secrets.lookupDigests("value")).hasSize(2);

    KeyHolders.Holder caughtUp =
        new KeyHolders.Holder("other", new TreeSet<>(Set.of(1, 2)), new TreeSet<>(Set.of(1, 2)), 0);
    active.set(KeyHolders.agreed(all, List.of(caughtUp)));
    assertThat(secrets.seal("x", 5)).startsWith("v2:");
    assertThat(secrets.digest("value")).startsWith("p2_");
  }

  @Test
  void resealWhenUnderAnOlderVersionThenUnderTheCurrentOneAndBoundAsBefore() {
    TokenSecrets old = secrets(Keyring.parse("v1:" + k1, p1));
    TokenSecrets both = secrets(Keyring.parse("v1:" + k1 + ",v2:" + k2, p1));
    String sealed = old.seal("secret-value", 9);
    String again = both.reseal(sealed, TokenSecrets.associatedData(9)).orElseThrow();
    assertThat(again).startsWith("v2:");
    assertThat(both.open(again, 9)).isEqualTo("secret-value");
    assertThatThrownBy(() -> both.open(again, 10)).isInstanceOf(IllegalStateException.class);
    assertThat(both.reseal(again, TokenSecrets.associatedData(9))).isEmpty();
  }

  @Test
  void keyFilesWhenVersionsAddedAndRemovedThenOwnerOnlyAndStillValid(@TempDir Path dir)
      throws Exception {
    Path master = dir.resolve("master.key");
    Path pepper = dir.resolve("pepper.key");
    Keyring.create(master, pepper, RANDOM);
    String before = Files.readString(pepper);

    assertThat(Keyring.addMasterKey(master, RANDOM)).isEqualTo(2);
    assertThat(Keyring.addPepper(pepper, RANDOM)).isEqualTo(2);
    assertThat(Files.readString(pepper)).startsWith(before);
    Keyring loaded = Keyring.load(master, pepper);
    assertThat(loaded.versions()).containsExactly(1, 2);
    assertThat(loaded.pepperVersions()).containsExactly(1, 2);
    for (Path file : List.of(master, pepper)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }

    assertThat(Keyring.remove(pepper, false, Set.of(1))).isEqualTo(1);
    assertThat(Keyring.remove(master, true, Set.of(1))).isEqualTo(1);
    Keyring after = Keyring.load(master, pepper);
    assertThat(after.versions()).containsExactly(2);
    assertThat(after.pepperVersions()).containsExactly(2);
    // The last version never goes: the file would hold no key.
    assertThatThrownBy(() -> Keyring.remove(master, true, Set.of(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Keyring.load(master, pepper).versions()).containsExactly(2);
  }

  private static TokenSecrets secrets(Keyring keyring) {
    return new TokenSecrets(keyring, RANDOM, "tks1");
  }

  private static TokenSecrets secrets(ActiveKeys keys) {
    return new TokenSecrets(keys, RANDOM, "tks1");
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
