package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Last-used times are written in batches; a batch the database refused is written by the next
 * flush.
 */
class UsageRecorderTest {
  private final MutableClock clock = new MutableClock();
  private final AtomicBoolean down = new AtomicBoolean();
  private final List<UsageRecorder.Use> written = new ArrayList<>();
  // Each token's mark, as its verification cache entry would hold it.
  private final Map<Long, UsageRecorder.Mark> marks = new HashMap<>();

  // A store whose only working call is recordUses, failing while the database is "down".
  @SuppressWarnings("unchecked")
  private final TokenStore store =
      (TokenStore)
          Proxy.newProxyInstance(
              TokenStore.class.getClassLoader(),
              new Class<?>[] {TokenStore.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("recordUses")) {
                  throw new UnsupportedOperationException(method.getName());
                }
                if (down.get()) {
                  throw new IllegalStateException("database unreachable");
                }
                written.addAll((List<UsageRecorder.Use>) args[0]);
                return null;
              });

  @Test
  void flushWhenTheDatabaseRefusesThenTheNextFlushWritesTheUses() {
    UsageRecorder usage = new UsageRecorder(store, clock);
    used(usage, 7, "10.0.0.1");
    used(usage, 3, "10.0.0.2");
    down.set(true);
    assertThatThrownBy(usage::flush).isInstanceOf(IllegalStateException.class);
    down.set(false);
    assertThat(usage.flush()).isEqualTo(2);
    assertThat(written).extracting(UsageRecorder.Use::tokenId).containsExactly(3L, 7L);
  }

  @Test
  void flushWhenAUseCameWhileTheBatchFailedThenTheNewerUseIsWritten() {
    UsageRecorder usage = new UsageRecorder(store, clock);
    used(usage, 7, "10.0.0.1");
    down.set(true);
    assertThatThrownBy(usage::flush).isInstanceOf(IllegalStateException.class);
    clock.advance(Duration.ofSeconds(5));
    used(usage, 7, "10.0.0.9");
    down.set(false);
    assertThat(usage.flush()).isEqualTo(1);
    assertThat(written).singleElement().extracting(UsageRecorder.Use::ip).isEqualTo("10.0.0.9");
  }

  @Test
  void flushWhenUsedAgainWithinAMinuteThenWrittenOnce() {
    UsageRecorder usage = new UsageRecorder(store, clock);
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isZero();
    clock.advance(Duration.ofSeconds(31));
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isEqualTo(1);
  }

  @Test
  void flushWhenTheTokenWasReadAgainIntoTheCacheThenTheMinuteCountsFromTheUseItsRowHolds() {
    UsageRecorder usage = new UsageRecorder(store, clock);
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    // Evicted and read again: the new entry's mark starts from the row's last_used_at.
    marks.put(7L, new UsageRecorder.Mark(clock.instant().minusSeconds(30)));
    used(usage, 7, "10.0.0.2");
    assertThat(usage.flush()).isZero();
    clock.advance(Duration.ofSeconds(30));
    used(usage, 7, "10.0.0.2");
    assertThat(usage.flush()).isEqualTo(1);
    assertThat(written).extracting(UsageRecorder.Use::ip).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void flushWhenUsedAgainExactlyAMinuteAfterTheWrittenUseThenWrittenAgain() {
    UsageRecorder usage = new UsageRecorder(store, clock);
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(59));
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isZero();
    clock.advance(Duration.ofSeconds(1));
    used(usage, 7, "10.0.0.1");
    assertThat(usage.flush()).isEqualTo(1);
    assertThat(written).hasSize(2);
  }

  private void used(UsageRecorder usage, long tokenId, String ip) {
    usage.used(marks.computeIfAbsent(tokenId, id -> new UsageRecorder.Mark(null)), tokenId, ip);
  }
}
