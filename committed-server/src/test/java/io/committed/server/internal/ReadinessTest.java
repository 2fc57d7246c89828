package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code /ready}'s rules on a fake clock: no test waits for 30 seconds to pass. */
class ReadinessTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final Readiness readiness = new Readiness(Duration.ofSeconds(30), nanos::get);

  private void advance(long seconds) {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void turnsNotReadyWhenApplyingStallsAndReadyAgainWhenItMoves() {
    assertThat(readiness.check(false, true, 10, 10)).isEmpty();
    // committed entries wait and the applied index stands still: ready until the timeout
    assertThat(readiness.check(false, true, 10, 15)).isEmpty();
    advance(29);
    assertThat(readiness.check(false, true, 10, 20)).isEmpty();
    advance(1);
    assertThat(readiness.check(false, true, 10, 20)).singleElement().asString()
        .contains("applying has stalled", "applied 10 of 20", "no progress for 30 s");
    advance(60);
    assertThat(readiness.check(false, true, 10, 20)).singleElement().asString().contains("for 90 s");
    // it moves again: ready at once, though still behind
    assertThat(readiness.check(false, true, 11, 20)).isEmpty();
    advance(29);
    assertThat(readiness.check(false, true, 11, 20)).isEmpty();
  }

  @Test
  void timeSpentCaughtUpDoesNotCountAsAStall() {
    assertThat(readiness.check(false, true, 10, 10)).isEmpty();
    advance(3600);
    assertThat(readiness.check(false, true, 10, 10)).isEmpty();
    assertThat(readiness.check(false, true, 10, 11)).isEmpty();
    advance(30);
    assertThat(readiness.check(false, true, 10, 11)).hasSize(1);
  }

  @Test
  void aNodeThatKeepsApplyingBehindTheCommitIndexStaysReady() {
    readiness.check(false, true, 5, 5);
    for (int i = 0; i < 100; i++) {
      advance(10);
      assertThat(readiness.check(false, true, 10L + i, 20L + i)).isEmpty();
    }
  }

  @Test
  void notReadyUntilTheStartUpReplayCatchesUpOnce() {
    assertThat(readiness.check(false, true, 0, 100)).singleElement().asString()
        .isEqualTo("applying committed entries: 0 of 100");
    advance(1);
    assertThat(readiness.check(false, true, 60, 100)).singleElement().asString().contains("60 of 100");
    assertThat(readiness.check(false, true, 100, 100)).isEmpty();
    assertThat(readiness.check(false, true, 101, 105)).isEmpty();
  }

  @Test
  void noLeaderOrShuttingDownIsNotReady() {
    assertThat(readiness.check(false, false, 3, 3)).containsExactly("no leader is known");
    assertThat(readiness.check(true, true, 3, 3)).containsExactly("the node is shutting down");
  }

  @Test
  void theTimeoutIsConfigurable() {
    Readiness quick = new Readiness(Duration.ofMillis(500), nanos::get);
    quick.check(false, true, 1, 1);
    quick.check(false, true, 1, 2);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(499));
    assertThat(quick.check(false, true, 1, 2)).isEmpty();
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(quick.check(false, true, 1, 2)).hasSize(1);
    assertThatThrownBy(() -> new Readiness(Duration.ZERO, nanos::get)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void samplesTakenWithoutAnyCheckLetTheFirstCheckAfterALongStallSeeIt() {
    readiness.check(false, true, 10, 10);
    readiness.sample(40, 100); // applied moved to 40, then stood still while nobody asked
    for (int i = 0; i < 40; i++) {
      advance(1);
      readiness.sample(40, 100);
    }
    assertThat(readiness.check(false, true, 40, 100)).singleElement().asString()
        .contains("applying has stalled: applied 40 of 100 committed, no progress for 40 s");
  }

  @Test
  void withoutSamplesAStallFirstSeenByACheckCountsFromThatCheck() {
    readiness.check(false, true, 10, 10);
    advance(40);
    // the applied index moved since the last look: counted as progress now (what the samples prevent)
    assertThat(readiness.check(false, true, 40, 100)).isEmpty();
  }
}
