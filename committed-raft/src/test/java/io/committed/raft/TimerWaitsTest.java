package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimerWaitsTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final TimerWaits waits = new TimerWaits(timer);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void returnsOnceTheTimerSeesTheConditionHold() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    assertThat(waits.until(() -> checks.incrementAndGet() >= 3, 1, 30_000)).isTrue();
    assertThat(checks).hasValue(3);
  }

  @Test
  void givesUpAtTheDeadline() throws Exception {
    assertThat(waits.until(() -> false, 1, 20)).isFalse();
  }

  @Test
  void passesOnWhatTheConditionThrows() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(() -> waits.until(() -> {
      if (checks.incrementAndGet() > 1) {
        throw new IllegalStateException("broken");
      }
      return false;
    }, 1, 30_000)).isInstanceOf(IllegalStateException.class).hasMessage("broken");
  }

  @Test
  void aDelayEndsWhenTheTimerRunsIt() throws Exception {
    assertThat(waits.delay(1)).isTrue();
  }

  @Test
  void aShutTimerEndsTheWaitsAtOnce() throws Exception {
    timer.shutdown();
    assertThat(waits.delay(60_000)).isFalse();
    assertThat(waits.until(() -> false, 1, 60_000)).isFalse();
  }

  @Test
  void closeEndsTheWaitsUnderWayAndLaterOnes() throws Exception {
    CompletableFuture<Boolean> delayed = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        delayed.complete(waits.delay(3_600_000));
      } catch (InterruptedException e) {
        delayed.completeExceptionally(e);
      }
    });
    t.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.WAITING);
    waits.close();
    assertThat(delayed.get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(waits.delay(3_600_000)).isFalse();
    assertThat(waits.until(() -> false, 1, 3_600_000)).isFalse();
  }
}
