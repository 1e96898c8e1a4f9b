package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenSecrets}: the secret format and checksum, the hint, the digest, sealing, session
 * values.
 */
class TokenSecretTest {

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TokenSecrets secrets = secrets("tks1");

  @Test
  void generateWhenPrefixValidThenWellFormedAndMatchesClientRegex() {
    for (int i = 0; i < 1000; i++) {
      String secret = secrets.generate();
      assertThat(secret)
          .hasSize(64)
          .startsWith("tks1")
          .matches("^[A-Za-z0-9+/]{64}$")
          .matches(TokenSecrets.PATTERN)
          .matches(secrets.pattern());
      assertThat(secrets.isWellFormed(secret)).isTrue();
      assertThat(secrets.isWellFormed(secret.getBytes(StandardCharsets.US_ASCII))).isTrue();
    }
  }

  @Test
  void generateWhenCheckedWithJdkCrc32ThenLastSixCharsEncodeIt() {
    String secret = secrets("AB12").generate();
    CRC32 crc = new CRC32();
    crc.update(secret.substring(0, 58).getBytes(StandardCharsets.US_ASCII));
    assertThat(secret.substring(58)).isEqualTo(base62Fixed6(crc.getValue()));
  }

  @Test
  void isWellFormedWhenChecksumComputedIndependentlyThenTrue() {
    String body = "tks1" + "a".repeat(54);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    assertThat(secrets.isWellFormed(body + base62Fixed6(crc.getValue()))).isTrue();
    assertThat(secrets.isWellFormed(new StringBuilder(body + base62Fixed6(crc.getValue()))))
        .isTrue();
  }

  // Computed by the first implementation (its own CRC table) and kept verbatim: secrets issued by
  // any earlier release must keep their checksum, so existing tokens keep verifying.
  private static final String[] ISSUED_BEFORE = {
    "tks1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1LfRAs",
    "tks100000000000000000000000000000000000000000000000000000021v3Ue",
    "AB12ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ2sP2P3",
    "00000000000000000000000000000000000000000000000000000000003KXZrt",
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz3Saj7j",
    "tks10123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr1sbrPj",
    "tks17U3c51TguAPELuJ3y17Mr9Msx4IeKfYpzuxWRF09UJ0wHzt3Sjvfpt4Sc7LJ",
    "tks1qnnVziqDQGGGMvNqfdoUyGckXi0tj7vQRDcoYtbBke5Yg9ShW95QkV3gBXxg",
    "AB12JtMSrFTaquDAWY9tyz0O1NkwTHk3mQlmAJjSweJZg4pHgMRLGcjeo81cYmG3",
    "x9YzLC5wVQIf88GqE6dCw7n3sxyuQUTS5muhccSezaBhoAoP2lqmUzjXWu1fxvpO",
  };

  @Test
  void isWellFormedWhenIssuedByEarlierReleaseThenStillTrueAndChecksumUnchanged() {
    for (String issued : ISSUED_BEFORE) {
      assertThat(secrets.isWellFormed(issued)).as(issued).isTrue();
      assertThat(secrets.isWellFormed(issued.getBytes(StandardCharsets.US_ASCII)))
          .as(issued)
          .isTrue();
      // Every other value of the last checksum character is refused: the checksum is pinned, not
      // just valid.
      for (char c : BASE62.toCharArray()) {
        String other = issued.substring(0, 63) + c;
        assertThat(secrets.isWellFormed(other)).as(other).isEqualTo(c == issued.charAt(63));
        assertThat(secrets.isWellFormed(other.getBytes(StandardCharsets.US_ASCII)))
            .as(other)
            .isEqualTo(c == issued.charAt(63));
      }
    }
    assertThat(checksumOf(ISSUED_BEFORE[0])).isEqualTo(1236311798L);
    assertThat(checksumOf(ISSUED_BEFORE[4])).isEqualTo(3170889171L);
  }

  @Test
  void generateWhenManyThenAllDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(secrets.generate());
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void generateWhenManyThenRandomPartUsesWholeAlphabetRoughlyEvenly() {
    int[] counts = new int[128];
    int samples = 2000;
    for (int i = 0; i < samples; i++) {
      String secret = secrets.generate();
      for (int j = 4; j < 58; j++) {
        counts[secret.charAt(j)]++;
      }
    }
    double expected = samples * 54 / 62.0;
    for (char c : BASE62.toCharArray()) {
      assertThat((double) counts[c]).as("count of %s", c).isBetween(expected * 0.8, expected * 1.2);
    }
  }

  @Test
  void constructorWhenPrefixInvalidThenIllegalArgument() {
    for (String prefix : new String[] {null, "", "tks", "tks12", "tk-1", "tks_", "tksé"}) {
      assertThatThrownBy(() -> secrets(prefix))
          .as(String.valueOf(prefix))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void patternWhenPrefixGivenThenPrefixPlusSixtyChars() {
    assertThat(TokenSecrets.PATTERN).isEqualTo("[A-Za-z0-9]{64}");
    assertThat(secrets.pattern()).isEqualTo("tks1[A-Za-z0-9]{60}");
    assertThat(secrets("AB12").pattern()).isEqualTo("AB12[A-Za-z0-9]{60}");
  }

  @Test
  void isWellFormedWhenNullWrongLengthOrCharsThenFalse() {
    String good = secrets.generate();
    assertThat(secrets.isWellFormed((CharSequence) null)).isFalse();
    assertThat(secrets.isWellFormed((byte[]) null)).isFalse();
    for (String bad :
        new String[] {
          "",
          good.substring(1),
          good + "0",
          " " + good.substring(1),
          good.substring(0, 63) + "+",
          "a".repeat(64),
          good.substring(0, 63) + "é"
        }) {
      assertThat(secrets.isWellFormed(bad)).as(bad).isFalse();
      assertThat(secrets.isWellFormed(bad.getBytes(StandardCharsets.ISO_8859_1))).as(bad).isFalse();
    }
  }

  @Test
  void isWellFormedWhenCalledRepeatedlyThenAllocatesNothing() {
    String good = secrets.generate();
    byte[] ascii = good.getBytes(StandardCharsets.US_ASCII);
    assertThat(allocatedBy(() -> secrets.isWellFormed(good))).isLessThan(10_000);
    assertThat(allocatedBy(() -> secrets.isWellFormed(ascii))).isLessThan(10_000);
    // The measure itself: a check that allocated even one small object per call would be caught.
    assertThat(allocatedBy(() -> secrets.isWellFormed(good.getBytes(StandardCharsets.US_ASCII))))
        .isGreaterThan(1_000_000);
  }

  // Bytes allocated by this thread over 100 000 calls of a well-formedness check, after a warm-up
  // long enough for the JIT to compile it.
  private static long allocatedBy(java.util.function.BooleanSupplier check) {
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int ok = 0;
    for (int i = 0; i < 20_000; i++) {
      ok += check.getAsBoolean() ? 1 : 0;
    }
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      ok += check.getAsBoolean() ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(before).isNotNegative();
    assertThat(ok).isEqualTo(120_000);
    return allocated;
  }

  @Test
  void hintWhenSecretThenFirstFourDotsLastFour() {
    String secret = secrets.generate();
    assertThat(secrets.hint(secret)).isEqualTo("tks1..." + secret.substring(60)).hasSize(11);
    assertThatThrownBy(() -> secrets.hint("short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsSecretWhenWellFormedSecretInsideTextThenTrue() {
    String secret = secrets("AB12").generate();
    assertThat(TokenSecrets.containsSecret("pasted: " + secret + " by mistake")).isTrue();
    assertThat(TokenSecrets.containsSecret("x" + secret)).isTrue();
    assertThat(TokenSecrets.containsSecret(secret.substring(0, 63) + " " + secret.substring(63)))
        .isFalse();
    assertThat(TokenSecrets.containsSecret("a".repeat(200))).isFalse();
    assertThat(TokenSecrets.containsSecret("")).isFalse();
  }

  @Test
  void digestWhenSameValueThenSameHexDigestAndOtherKeysDiffer() {
    String secret = secrets.generate();
    assertThat(secrets.digest(secret))
        .matches("[0-9a-f]{64}")
        .isEqualTo(secrets.digest(secret))
        .isNotEqualTo(secrets("tks1").digest(secret))
        .isEqualTo(
            HexFormat.of().formatHex(secrets.digest(secret.getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void matchesDigestWhenValueGivenThenTrueOnlyForItsOwnDigest() {
    String value = secrets.generateSessionValue();
    String stored = secrets.digest(value);
    assertThat(secrets.matchesDigest(value, stored)).isTrue();
    assertThat(secrets.matchesDigest(value + "x", stored)).isFalse();
    assertThat(secrets.matchesDigest(null, stored)).isFalse();
  }

  @Test
  void openWhenSealedForSameTokenThenSecretElseIllegalState() {
    String secret = secrets.generate();
    String sealed = secrets.seal(secret, 42);
    assertThat(sealed).startsWith("v1:").doesNotContain(secret);
    assertThat(secrets.open(sealed, 42)).isEqualTo(secret);
    assertThatThrownBy(() -> secrets.open(sealed, 43)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> secrets("tks1").open(sealed, 42))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void openWhenSealedByEarlierReleaseThenSecret() {
    SortedMap<Integer, byte[]> keys = new TreeMap<>();
    keys.put(1, randomBytes());
    Keyring keyring = new Keyring(keys, randomBytes());
    // What token rows hold: the token id as 8 big-endian bytes of associated data.
    String sealed = keyring.seal("the-secret", new byte[] {0, 0, 0, 0, 0, 0, 1, 2});
    assertThat(new TokenSecrets(keyring, RANDOM, "tks1").open(sealed, 258)).isEqualTo("the-secret");
  }

  @Test
  void generateSessionValueWhenCalledThenDistinct256BitBase64Url() {
    String value = secrets.generateSessionValue();
    assertThat(value).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(secrets.generateSessionValue());
  }

  @Property(tries = 2000)
  void isWellFormedWhenOneCharacterChangedThenFalse(
      @ForAll("secrets") String secret,
      @ForAll @IntRange(min = 0, max = 63) int position,
      @ForAll @CharRange(from = 0, to = 0x2FF) char replacement) {
    if (secret.charAt(position) == replacement) {
      replacement = replacement == 'a' ? 'b' : 'a';
    }
    char[] chars = secret.toCharArray();
    chars[position] = replacement;
    assertThat(secrets.isWellFormed(new String(chars))).isFalse();
  }

  @Property(tries = 2000)
  void isWellFormedWhenOneAlphanumericCharacterChangedThenFalse(
      @ForAll("secrets") String secret,
      @ForAll @IntRange(min = 0, max = 63) int position,
      @ForAll @IntRange(min = 1, max = 61) int shift) {
    char[] chars = secret.toCharArray();
    chars[position] = BASE62.charAt((BASE62.indexOf(chars[position]) + shift) % 62);
    assertThat(secrets.isWellFormed(new String(chars))).isFalse();
    assertThat(secrets.isWellFormed(new String(chars).getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
  }

  @Provide
  Arbitrary<String> secrets() {
    Arbitrary<String> prefixes = Arbitraries.strings().withChars(BASE62.toCharArray()).ofLength(4);
    return prefixes.map(prefix -> secrets(prefix).generate());
  }

  static TokenSecrets secrets(String prefix) {
    SortedMap<Integer, byte[]> keys = new TreeMap<>();
    keys.put(1, randomBytes());
    return new TokenSecrets(new Keyring(keys, randomBytes()), RANDOM, prefix);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  // The CRC32 that a secret's last six characters encode, read back from them.
  private static long checksumOf(String secret) {
    long value = 0;
    for (int i = 58; i < 64; i++) {
      value = value * 62 + BASE62.indexOf(secret.charAt(i));
    }
    return value;
  }

  private static String base62Fixed6(long value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      out.insert(0, BASE62.charAt((int) (value % 62)));
      value /= 62;
    }
    return out.toString();
  }
}
