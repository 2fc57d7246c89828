package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppliedWaitersTest {
  private final RaftEngine.AppliedWaiters waiters = new RaftEngine.AppliedWaiters();
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
  void reportsAWaiterOlderThanAnInstant() throws Exception {
    long before = System.nanoTime();
    assertThat(waiters.waitingSince(before)).isFalse();
    wait("a", 10, Long.MAX_VALUE);
    assertThat(waiters.waitingSince(before)).isFalse();
    assertThat(waiters.waitingSince(System.nanoTime() + 1)).isTrue();
    waiters.advance(10);
    assertThat(waiters.waitingSince(System.nanoTime() + 1)).isFalse();
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
}
