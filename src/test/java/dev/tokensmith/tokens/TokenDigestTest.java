package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A digest as a cache key: equal exactly when all 32 bytes are. */
class TokenDigestTest {

  private static byte[] bytes() {
    byte[] digest = new byte[TokenDigest.LENGTH];
    for (int i = 0; i < digest.length; i++) {
      digest[i] = (byte) (i * 37 + 11);
    }
    return digest;
  }

  @Test
  void equalBytesAreOneKey() {
    TokenDigest one = new TokenDigest(bytes());
    TokenDigest other = new TokenDigest(bytes());
    assertThat(one).isEqualTo(other).hasSameHashCodeAs(other);
    Map<TokenDigest, String> map = new HashMap<>();
    map.put(one, "cached");
    assertThat(map.get(other)).isEqualTo("cached");
  }

  @Test
  void everyByteCounts() {
    TokenDigest original = new TokenDigest(bytes());
    for (int i = 0; i < TokenDigest.LENGTH; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] changed = bytes();
        changed[i] ^= (byte) (1 << bit);
        assertThat(new TokenDigest(changed)).as("byte %d bit %d", i, bit).isNotEqualTo(original);
      }
    }
  }

  @Test
  void digestsDifferingOnlyInTheLastByteAreDifferentKeys() {
    byte[] last = bytes();
    last[TokenDigest.LENGTH - 1]++;
    Map<TokenDigest, String> map = new HashMap<>();
    map.put(new TokenDigest(bytes()), "first");
    map.put(new TokenDigest(last), "second");
    assertThat(map).hasSize(2);
    assertThat(map.get(new TokenDigest(bytes()))).isEqualTo("first");
    assertThat(map.get(new TokenDigest(last))).isEqualTo("second");
  }

  @Test
  void theHashIsTheFirstFourBytes() {
    byte[] digest = bytes();
    int expected =
        (digest[0] & 0xff) << 24
            | (digest[1] & 0xff) << 16
            | (digest[2] & 0xff) << 8
            | (digest[3] & 0xff);
    assertThat(new TokenDigest(digest).hashCode()).isEqualTo(expected);
  }

  @Test
  void onlyThirtyTwoBytesMakeADigest() {
    assertThatThrownBy(() -> new TokenDigest(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenDigest(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isNeverEqualToAnotherType() {
    assertThat(new TokenDigest(bytes())).isNotEqualTo(bytes()).isNotEqualTo(null);
  }
}
