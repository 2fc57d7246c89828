package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationInterruptedExceptionTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void interruptedSetsTheInterruptStatusAgainAndKeepsTheCause() {
    InterruptedException cause = new InterruptedException();
    assertThat(Thread.currentThread().isInterrupted()).isFalse(); // as after catching InterruptedException
    OperationInterruptedException e = OperationInterruptedException.interrupted("waiting", true, cause);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(e).isInstanceOf(CommittedException.class).hasMessage("waiting").hasCause(cause);
    assertThat(e.outcomeUnknown()).isTrue();
  }

  @Test
  void theConstructorLeavesTheThreadAlone() {
    new OperationInterruptedException("waiting", false, new InterruptedException());
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
