package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The eraser's steps against a fake node and storage: snapshots until the raft log starts past the
 * scrub, a command that changes nothing when no newer entry exists, then the storage's erase; a
 * failing snapshot is retried after a growing wait and never turns into a stream of commands.
 */
class RaftLogEraserTest {
  private final AtomicLong applied = new AtomicLong(10);
  private final AtomicLong firstIndex = new AtomicLong(1);
  private final List<Long> snapshots = new CopyOnWriteArrayList<>();
  private final List<Long> erased = new CopyOnWriteArrayList<>();
  private final List<byte[]> submitted = new CopyOnWriteArrayList<>();

  /** JRaft's rule: a snapshot trims the log up to the snapshot before it. */
  private Node node() {
    return FakeNode.answering(Map.of(
        "getLastAppliedLogIndex", a -> applied.get(),
        "snapshot", a -> {
          if (!snapshots.isEmpty()) {
            firstIndex.set(snapshots.get(snapshots.size() - 1) + 1);
          }
          snapshots.add(applied.get());
          ((Closure) a[0]).run(Status.OK());
          return null;
        }));
  }

  private RaftLogEraser eraser(Node n) {
    RaftLogEraser.Storage storage = new RaftLogEraser.Storage() {
      @Override
      public long getFirstLogIndex() {
        return firstIndex.get();
      }

      @Override
      public boolean eraseBefore(long firstKept) {
        erased.add(firstKept);
        return true;
      }
    };
    return new RaftLogEraser(1, () -> n, () -> storage, command -> {
      submitted.add(command);
      applied.incrementAndGet(); // committed and applied at once
      return CompletableFuture.completedFuture(null);
    }, () -> new byte[] {12}, "eraser-test");
  }

  @Test
  void itSnapshotsTwicePastTheIndexSubmittingANoOpBetweenThenErasesOnce() {
    try (RaftLogEraser e = eraser(node())) {
      e.eraseThrough(10);
      await().atMost(Duration.ofSeconds(10)).until(e::done);

      assertThat(snapshots).containsExactly(10L, 11L);
      assertThat(submitted).hasSize(1);
      assertThat(firstIndex.get()).isEqualTo(11);
      assertThat(erased).containsExactly(11L);
      e.eraseThrough(5); // already erased past it: nothing to do
      assertThat(e.done()).isTrue();
    }
  }

  @Test
  void aFailingSnapshotIsRetriedLessAndLessOftenAndNeverSubmitsCommands() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    Node failing = FakeNode.answering(Map.of(
        "getLastAppliedLogIndex", a -> applied.get(),
        "snapshot", a -> {
          attempts.add(System.nanoTime());
          ((Closure) a[0]).run(new Status(RaftError.EIO, "disk full"));
          return null;
        }));
    try (RaftLogEraser e = eraser(failing)) {
      e.eraseThrough(10);
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 4);

      assertThat(submitted).isEmpty();
      long first = attempts.get(1) - attempts.get(0);
      long third = attempts.get(3) - attempts.get(2);
      assertThat(third).isGreaterThan(first * 3 / 2); // the wait grows
      assertThat(e.done()).isFalse();
      assertThat(erased).isEmpty();
    }
  }
}
