package io.committed.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogClosedException;
import io.committed.api.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** Waits for a syncable's progress, on a fake clock: nothing here waits for real. */
class SyncProgressTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler timer = new ManualScheduler(clock);
  private final SyncProgress progress = new SyncProgress(timer::schedule);
  private final AtomicLong synced = new AtomicLong();
  private final ToLongFunction<String> reported = id -> synced.get();

  @Test
  void aWaiterIsWokenWhenTheProgressItWaitsForIsReported() {
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), reported);
    assertThat(reached).isNotDone();

    synced.set(5);
    progress.changed("s");
    assertThat(reached).as("entry 5 is not entry 7").isNotDone();
    synced.set(9);
    progress.changed("other");
    assertThat(reached).as("another syncable's progress is not checked").isNotDone();
    progress.changed("s");

    assertThat(reached).isCompletedWithValue(true);
    assertThat(clock.instant()).as("woken, not timed out").isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(progress.pending()).isZero();
  }

  @Test
  void aWaiterTimesOutWhenTheInjectedClockPassesItsTimeout() {
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), reported);
    synced.set(6);
    progress.changed("s");

    timer.runUntilIdle(10);

    assertThat(reached).isCompletedWithValue(false);
    assertThat(timer.totalDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(progress.pending()).isZero();
  }

  @Test
  void progressMadeBeforeTheTimeoutRunsCountsEvenWithoutASignal() {
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), reported);
    synced.set(7); // nobody called changed()
    timer.runUntilIdle(10);
    assertThat(reached).isCompletedWithValue(true);
  }

  @Test
  void aWaitAlreadySatisfiedOrWithoutTimeoutAnswersAtOnce() {
    synced.set(3);
    assertThat(progress.await("s", 3, Duration.ofSeconds(10), reported)).isCompletedWithValue(true);
    assertThat(progress.await("s", 4, Duration.ZERO, reported)).isCompletedWithValue(false);
    assertThat(progress.pending()).isZero();
  }

  @Test
  void whatTheProgressCheckThrowsFailsTheWaiter() {
    AtomicLong calls = new AtomicLong();
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), id -> {
      if (calls.incrementAndGet() > 1) {
        throw new NotFoundException("syncable 's' is not defined");
      }
      return 0;
    });
    progress.changed("s"); // e.g. the syncable was removed
    assertThatThrownBy(reached::join).isInstanceOf(CompletionException.class).cause()
        .isInstanceOf(NotFoundException.class);
    assertThat(progress.pending()).isZero();
  }

  @Test
  void closingFailsWaitersAndLaterWaits() {
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), reported);
    progress.close();
    assertThatThrownBy(reached::join).cause().isInstanceOf(LogClosedException.class);
    assertThat(progress.await("s", 1, Duration.ofSeconds(1), reported)).isCompletedExceptionally();
  }

  @Test
  void aCancelledWaitIsDropped() {
    CompletableFuture<Boolean> reached = progress.await("s", 7, Duration.ofSeconds(10), reported);
    assertThat(progress.pending()).isOne();
    reached.cancel(false);
    assertThat(progress.pending()).isZero();
  }
}
