package io.committed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogClosedException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EngineLifecycleTest {
  private final EngineLifecycle lifecycle = new EngineLifecycle("orders", "test-callbacks");

  @Test
  void startsOnceAndClosesOnce() {
    assertThat(lifecycle.state()).isEqualTo(EngineLifecycle.State.NEW);
    assertThat(lifecycle.isRunning()).isFalse();
    lifecycle.start();
    assertThat(lifecycle.isRunning()).isTrue();
    assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("engine already started");
    assertThat(lifecycle.close()).isTrue();
    assertThat(lifecycle.close()).isFalse();
    assertThat(lifecycle.isClosed()).isTrue();
    assertThat(lifecycle.isRunning()).isFalse();
    assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class).hasMessage("engine is closed");
  }

  @Test
  void closesWithoutHavingStarted() {
    assertThat(lifecycle.close()).isTrue();
    assertThat(lifecycle.state()).isEqualTo(EngineLifecycle.State.CLOSED);
  }

  @Test
  void namesTheLogInTheClosedError() {
    assertThat(lifecycle.closedException()).isInstanceOf(LogClosedException.class)
        .hasMessage("log 'orders' is closed");
  }

  @Test
  void runsQueuedCallbacksOnItsThreadBeforeItStopsAndLateOnesOnTheCallersThread() {
    CompletableFuture<String> ran = new CompletableFuture<>();
    lifecycle.callbacks().execute(() -> ran.complete(Thread.currentThread().getName()));
    lifecycle.shutdownCallbacks();
    assertThat(ran).isCompletedWithValue("test-callbacks");
    // a completion that arrives after the shutdown is not dropped: it runs where it is given
    CompletableFuture<String> late = new CompletableFuture<>();
    lifecycle.callbacks().execute(() -> late.complete(Thread.currentThread().getName()));
    assertThat(late).isCompletedWithValue(Thread.currentThread().getName());
  }
}
