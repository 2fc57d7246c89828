package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EntriesInFlightTest {
  private final EntriesInFlight inFlight = new EntriesInFlight(2);

  /** Runs {@code task} on a thread of its own and returns once that thread waits. */
  private static <T> CompletableFuture<T> waiting(java.util.concurrent.Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(task.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.WAITING
        || t.getState() == Thread.State.TIMED_WAITING);
    return result;
  }

  @Test
  void aProposalWaitsForAPlaceOnceAllAreTaken() throws Exception {
    assertThat(inFlight.acquire()).isFalse();
    assertThat(inFlight.acquire()).isFalse();
    CompletableFuture<Boolean> third = waiting(inFlight::acquire);
    assertThat(third).isNotDone();
    inFlight.release();
    assertThat(third.get(5, TimeUnit.SECONDS)).isTrue(); // it had to wait
    assertThat(inFlight.count()).isEqualTo(2);
  }

  @Test
  void closeWaitsUntilTheLastEntryIsReleased() throws Exception {
    assertThat(inFlight.awaitNone(0, TimeUnit.SECONDS)).isTrue();
    inFlight.acquire();
    assertThat(inFlight.awaitNone(1, TimeUnit.MILLISECONDS)).isFalse();
    CompletableFuture<Boolean> drained = waiting(() -> inFlight.awaitNone(30, TimeUnit.SECONDS));
    assertThat(drained).isNotDone();
    inFlight.release();
    assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
  }
}
