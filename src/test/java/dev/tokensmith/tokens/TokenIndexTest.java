package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Token id → cached digests: one or two per token, removed with the token or one by one. */
class TokenIndexTest {

  private static TokenDigest digest(long seed) {
    byte[] bytes = new byte[TokenDigest.LENGTH];
    new Random(seed).nextBytes(bytes);
    return new TokenDigest(bytes);
  }

  @Test
  void holdsARenewedTokensTwoDigestsOnce() {
    TokenIndex index = new TokenIndex();
    index.add(7, digest(1));
    index.add(7, digest(2));
    index.add(7, digest(1));
    assertThat(index.get(7)).containsExactly(digest(1), digest(2));
    assertThat(index.size()).isEqualTo(1);
    assertThat(index.remove(7)).containsExactly(digest(1), digest(2));
    assertThat(index.get(7)).isEmpty();
    assertThat(index.remove(7)).isEmpty();
    assertThat(index.size()).isZero();
  }

  @Test
  void anEvictedDigestLeavesUnlessCachedAgain() {
    TokenIndex index = new TokenIndex();
    index.add(7, digest(1));
    index.add(7, digest(2));
    index.remove(7, digest(1), d -> true);
    assertThat(index.get(7)).containsExactly(digest(1), digest(2));
    index.remove(7, digest(1), d -> false);
    assertThat(index.get(7)).containsExactly(digest(2));
    index.remove(7, digest(2), d -> false);
    assertThat(index.get(7)).isEmpty();
    assertThat(index.size()).isZero();
    index.remove(8, digest(3), d -> false);
    assertThat(index.size()).isZero();
  }

  @Test
  void agreesWithAMapThroughGrowthAndRemovals() {
    TokenIndex index = new TokenIndex();
    Map<Long, TokenDigest> expected = new HashMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 200_000; step++) {
      // Ids in a small range collide and cluster; some are negative or zero.
      long id = random.nextInt(5_000) - 100;
      if (random.nextInt(3) == 0) {
        TokenDigest[] held = index.remove(id);
        TokenDigest was = expected.remove(id);
        assertThat(held).isEqualTo(was == null ? new TokenDigest[0] : new TokenDigest[] {was});
      } else if (!expected.containsKey(id)) {
        TokenDigest d = digest(step);
        index.add(id, d);
        expected.put(id, d);
      }
    }
    assertThat(index.size()).isEqualTo(expected.size());
    for (long id = -100; id < 4_900; id++) {
      TokenDigest was = expected.get(id);
      assertThat(index.get(id))
          .isEqualTo(was == null ? new TokenDigest[0] : new TokenDigest[] {was});
    }
    for (long id : expected.keySet().toArray(Long[]::new)) {
      index.remove(id);
    }
    assertThat(index.size()).isZero();
    index.add(1, digest(1));
    assertThat(index.get(1)).containsExactly(digest(1));
    index.clear();
    assertThat(index.get(1)).isEmpty();
  }
}
