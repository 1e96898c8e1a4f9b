package dev.tokensmith.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchSizeTest {
  private static final long SLOW = TimeUnit.MILLISECONDS.toNanos(BatchSize.TARGET_MILLIS + 1);
  private static final long FAST = TimeUnit.MILLISECONDS.toNanos(BatchSize.TARGET_MILLIS / 3 - 1);
  private static final long ON_TARGET = TimeUnit.MILLISECONDS.toNanos(BatchSize.TARGET_MILLIS);

  @Test
  void nextWhenNothingTakenYetThenTheMost() {
    assertThat(new BatchSize(200).next()).isEqualTo(200);
  }

  @Test
  void tookWhenBatchesAreSlowThenHalvedDownToTheLeast() {
    BatchSize size = new BatchSize(200);
    size.took(SLOW);
    assertThat(size.next()).isEqualTo(100);
    for (int i = 0; i < 20; i++) {
      size.took(SLOW);
    }
    assertThat(size.next()).isEqualTo(BatchSize.LEAST);
  }

  @Test
  void tookWhenBatchesAreQuickAgainThenGrownBackUpToTheMost() {
    BatchSize size = new BatchSize(200);
    for (int i = 0; i < 20; i++) {
      size.took(SLOW);
    }
    size.took(FAST);
    assertThat(size.next()).isEqualTo(15);
    for (int i = 0; i < 20; i++) {
      size.took(FAST);
    }
    assertThat(size.next()).isEqualTo(200);
  }

  @Test
  void tookWhenNearTheTargetThenKept() {
    BatchSize size = new BatchSize(200);
    size.took(SLOW);
    size.took(ON_TARGET);
    assertThat(size.next()).isEqualTo(100);
  }

  @Test
  void constructWhenTheMostIsBelowTheLeastThenRefused() {
    assertThatThrownBy(() -> new BatchSize(BatchSize.LEAST - 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
