package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppliedWaitersTest {
  private final AtomicLong clock = new AtomicLong(1_000);
  private final AppliedWaiters waiters = new AppliedWaiters(clock::get);
  private final List<String> events = new ArrayList<>();

  private void wait(String name, long index, long deadline) {
    waiters.whenApplied(index, deadline, () -> events.add(name + " applied"), e -> events.add(name + " failed"),
        () -> events.add(name + " expired"));
  }

  @Test
  void waitersRunInIndexOrderOnceAppliedAndAtOnceWhenAlreadyApplied() {
    wait("b", 20, Long.MAX_VALUE);
    wait("a", 10, Long.MAX_VALUE);
    waiters.advance(9);
    assertThat(events).isEmpty();
    waiters.advance(25);
    assertThat(events).containsExactly("a applied", "b applied");
    wait("c", 5, Long.MAX_VALUE);
    assertThat(events).endsWith("c applied");
  }

  @Test
  void reportsAWaiterOlderThanAnInstant() {
    assertThat(waiters.waitingSince(1_000)).isFalse();
    wait("a", 10, Long.MAX_VALUE);
    assertThat(waiters.waitingSince(1_000)).isFalse();
    assertThat(waiters.waitingSince(1_001)).isTrue();
    waiters.advance(10);
    assertThat(waiters.waitingSince(1_001)).isFalse();
  }

  @Test
  void lateWaitersExpireAndTheRestFailWhenTheNodeStops() {
    wait("late", 10, 100);
    wait("patient", 11, 1_000);
    waiters.expire(500);
    assertThat(events).containsExactly("late expired");
    waiters.failAll(new IllegalStateException("stopped"));
    assertThat(events).containsExactly("late expired", "patient failed");
    waiters.advance(20);
    assertThat(events).hasSize(2); // nothing runs twice
  }

  @Test
  void aReachedFutureCompletesOnceTheIndexIsAppliedAndAtOnceWhenItAlreadyIs() {
    CompletableFuture<Void> later = waiters.reached(30);
    CompletableFuture<Void> sooner = waiters.reached(20);
    waiters.advance(25);
    assertThat(sooner).isCompleted();
    assertThat(later).isNotDone();
    waiters.advance(30);
    assertThat(later).isCompleted();
    assertThat(waiters.reached(7)).isCompleted();
  }

  @Test
  void aReachedFutureIsNoWaiterToHurryForAndFailsWhenTheNodeStops() {
    CompletableFuture<Void> f = waiters.reached(10);
    clock.addAndGet(1_000_000);
    assertThat(waiters.waitingSince(clock.get())).isFalse();
    waiters.expire(Long.MAX_VALUE);
    assertThat(f).isNotDone();
    IllegalStateException stopped = new IllegalStateException("stopped");
    waiters.failAll(stopped);
    assertThat(f).isCompletedExceptionally();
    assertThat(waiters.reached(11)).isCompletedExceptionally(); // asked after the node stopped
    waiters.advance(20);
    assertThat(events).isEmpty();
  }
}
