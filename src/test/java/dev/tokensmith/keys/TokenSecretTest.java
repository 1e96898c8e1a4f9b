package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TokenSecretTest {

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private final SecureRandom random = new SecureRandom();

  @Test
  void generateWhenPrefixValidThenWellFormedAndMatchesClientRegex() {
    for (int i = 0; i < 1000; i++) {
      String secret = TokenSecret.generate("tks1", random);
      assertThat(secret).hasSize(64).startsWith("tks1")
          .matches("^[A-Za-z0-9+/]{64}$")
          .matches(TokenSecret.PATTERN)
          .matches(TokenSecret.pattern("tks1"));
      assertThat(TokenSecret.isWellFormed(secret)).isTrue();
    }
  }

  @Test
  void generateWhenCheckedWithJdkCrc32ThenLastSixCharsEncodeIt() {
    String secret = TokenSecret.generate("AB12", random);
    CRC32 crc = new CRC32();
    crc.update(secret.substring(0, 58).getBytes(StandardCharsets.US_ASCII));
    assertThat(secret.substring(58)).isEqualTo(base62Fixed6(crc.getValue()));
  }

  @Test
  void isWellFormedWhenChecksumComputedIndependentlyThenTrue() {
    String body = "tks1" + "a".repeat(54);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    assertThat(TokenSecret.isWellFormed(body + base62Fixed6(crc.getValue()))).isTrue();
    assertThat(TokenSecret.isWellFormed(new StringBuilder(body + base62Fixed6(crc.getValue()))))
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
      assertThat(TokenSecret.isWellFormed(issued)).as(issued).isTrue();
      assertThat(TokenSecret.isWellFormedAscii(issued.getBytes(StandardCharsets.US_ASCII))).as(issued).isTrue();
      // Every other value of the last checksum character is refused: the checksum is pinned, not just valid.
      for (char c : BASE62.toCharArray()) {
        String other = issued.substring(0, 63) + c;
        assertThat(TokenSecret.isWellFormed(other)).as(other).isEqualTo(c == issued.charAt(63));
      }
    }
    assertThat(checksumOf(ISSUED_BEFORE[0])).isEqualTo(1236311798L);
    assertThat(checksumOf(ISSUED_BEFORE[4])).isEqualTo(3170889171L);
  }

  @Test
  void generateWhenManyThenAllDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(TokenSecret.generate("tks1", random));
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void generateWhenManyThenRandomPartUsesWholeAlphabetRoughlyEvenly() {
    int[] counts = new int[128];
    int samples = 2000;
    for (int i = 0; i < samples; i++) {
      String secret = TokenSecret.generate("tks1", random);
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
  void generateWhenPrefixInvalidThenIllegalArgument() {
    for (String prefix : new String[] {null, "", "tks", "tks12", "tk-1", "tks_", "tksé"}) {
      assertThatThrownBy(() -> TokenSecret.generate(prefix, random))
          .as(String.valueOf(prefix)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void patternWhenPrefixGivenThenPrefixPlusSixtyChars() {
    assertThat(TokenSecret.PATTERN).isEqualTo("[A-Za-z0-9]{64}");
    assertThat(TokenSecret.pattern("tks1")).isEqualTo("tks1[A-Za-z0-9]{60}");
    assertThatThrownBy(() -> TokenSecret.pattern("a.b*")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isWellFormedWhenNullWrongLengthOrCharsThenFalse() {
    String good = TokenSecret.generate("tks1", random);
    assertThat(TokenSecret.isWellFormed(null)).isFalse();
    assertThat(TokenSecret.isWellFormed("")).isFalse();
    assertThat(TokenSecret.isWellFormed(good.substring(1))).isFalse();
    assertThat(TokenSecret.isWellFormed(good + "0")).isFalse();
    assertThat(TokenSecret.isWellFormed(" " + good.substring(1))).isFalse();
    assertThat(TokenSecret.isWellFormed(good.substring(0, 63) + "+")).isFalse();
    assertThat(TokenSecret.isWellFormed("a".repeat(64))).isFalse();
  }

  @Test
  void isWellFormedWhenCalledRepeatedlyThenAllocatesNothing() {
    String good = TokenSecret.generate("tks1", random);
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int ok = 0;
    for (int i = 0; i < 20_000; i++) {
      ok += TokenSecret.isWellFormed(good) ? 1 : 0;
    }
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      ok += TokenSecret.isWellFormed(good) ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(ok).isEqualTo(120_000);
    assertThat(allocated).isLessThan(10_000);
  }

  @Test
  void hintWhenSecretThenFirstFourDotsLastFour() {
    String secret = TokenSecret.generate("tks1", random);
    assertThat(TokenSecret.hint(secret))
        .isEqualTo("tks1..." + secret.substring(60))
        .hasSize(11);
    assertThatThrownBy(() -> TokenSecret.hint("short")).isInstanceOf(IllegalArgumentException.class);
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
    assertThat(TokenSecret.isWellFormed(new String(chars))).isFalse();
  }

  @Property(tries = 2000)
  void isWellFormedWhenOneAlphanumericCharacterChangedThenFalse(
      @ForAll("secrets") String secret,
      @ForAll @IntRange(min = 0, max = 63) int position,
      @ForAll @IntRange(min = 1, max = 61) int shift) {
    char[] chars = secret.toCharArray();
    chars[position] = BASE62.charAt((BASE62.indexOf(chars[position]) + shift) % 62);
    assertThat(TokenSecret.isWellFormed(new String(chars))).isFalse();
  }

  @Provide
  Arbitrary<String> secrets() {
    Arbitrary<String> prefixes = Arbitraries.strings().withChars(BASE62.toCharArray()).ofLength(4);
    return prefixes.map(prefix -> TokenSecret.generate(prefix, random));
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
