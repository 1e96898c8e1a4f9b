package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A failed write of last-used times loses nothing: the next flush writes what was collected. */
class UsageRecorderTest {
  private final MutableClock clock = new MutableClock();
  private final List<UsageRecorder.Use> written = new ArrayList<>();
  private final AtomicBoolean failNext = new AtomicBoolean(true);
  private final UsageRecorder usage = new UsageRecorder(store(), clock);

  @SuppressWarnings("unchecked")
  private TokenStore store() {
    return (TokenStore) Proxy.newProxyInstance(TokenStore.class.getClassLoader(), new Class<?>[] {TokenStore.class},
        (proxy, method, args) -> {
          if (!method.getName().equals("recordUses")) {
            throw new UnsupportedOperationException(method.getName());
          }
          if (failNext.getAndSet(false)) {
            throw new IllegalStateException("Database is already closed");
          }
          written.addAll((List<UsageRecorder.Use>) args[0]);
          return null;
        });
  }

  @Test
  void flushWhenWriteFailsThenNextFlushWritesTheUse() {
    usage.used(7, "10.0.0.1");
    long usedAt = clock.millis();

    assertThatThrownBy(usage::flush).hasMessageContaining("closed");
    assertThat(usage.flush()).isEqualTo(1);

    assertThat(written).containsExactly(new UsageRecorder.Use(7, usedAt, "10.0.0.1"));
  }

  @Test
  void flushWhenWriteFailedAndTokenUsedAgainThenNewerUseWritten() {
    usage.used(7, "10.0.0.1");
    assertThatThrownBy(usage::flush).hasMessageContaining("closed");
    clock.advance(Duration.ofSeconds(5));
    usage.used(7, "10.0.0.2");

    assertThat(usage.flush()).isEqualTo(1);

    assertThat(written).containsExactly(new UsageRecorder.Use(7, clock.millis(), "10.0.0.2"));
  }
}
