package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's raft log forget the commands up to a raft index (a scrub erased data they
 * carry), then makes RocksDB drop their bytes ({@link ErasableLogStorage#eraseBefore}).
 *
 * <p>JRaft trims its log after a snapshot only up to the snapshot before it, so two snapshots
 * past the index are needed. Each step, until the log starts after the index: takes a snapshot
 * when something was applied since the last one this asked for, or else submits a command that
 * changes nothing (through the leader, from any node), so that there is something newer to take
 * a snapshot of.
 */
final class RaftLogEraser implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftLogEraser.class);
  private static final long STEP_MILLIS = 200;

  private final int nodeId;
  private final Supplier<Node> node;
  private final Supplier<ErasableLogStorage> storage;
  private final Function<byte[], CompletableFuture<?>> submit;
  private final Supplier<byte[]> noOp;
  private final ScheduledThreadPoolExecutor thread;
  private long target;
  private long snapshotAskedAt = -1;
  private boolean snapshotting;
  private boolean submitting;
  private ScheduledFuture<?> task;

  /**
   * @param submit submits a command through the engine (forwarded to the leader from a follower)
   * @param noOp the command that changes nothing
   */
  RaftLogEraser(int nodeId, Supplier<Node> node, Supplier<ErasableLogStorage> storage,
      Function<byte[], CompletableFuture<?>> submit, Supplier<byte[]> noOp, String threadName) {
    this.nodeId = nodeId;
    this.node = node;
    this.storage = storage;
    this.submit = submit;
    this.noOp = noOp;
    this.thread = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
  }

  /** Erases the raft log up to and including {@code raftIndex}, in the background. */
  synchronized void eraseThrough(long raftIndex) {
    if (raftIndex <= target) {
      return;
    }
    target = raftIndex;
    if (task == null) {
      try {
        task = thread.scheduleWithFixedDelay(this::step, 0, STEP_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // closing: a restart asks again (the state's last scrub)
      }
    }
  }

  /** Whether everything asked for is erased (for tests). */
  synchronized boolean done() {
    return task == null;
  }

  private void step() {
    try {
      stepOnce();
    } catch (Exception e) { // a periodic task that throws is never run again
      LOG.warn("raft node {}: erasing its raft log up to raft index {} failed; it tries again", nodeId, target, e);
    }
  }

  private synchronized void stepOnce() throws Exception {
    Node n = node.get();
    ErasableLogStorage s = storage.get();
    if (n == null || s == null) {
      return; // not started yet
    }
    long first = s.getFirstLogIndex();
    if (first > target) {
      if (s.eraseBefore(first)) {
        LOG.info("raft node {}: its raft log starts at {}, after the last scrub's raft index {}: the commands before"
            + " it are erased from its files", nodeId, first, target);
        task.cancel(false);
        task = null;
      }
      return;
    }
    if (snapshotting || submitting) {
      return;
    }
    long applied = n.getLastAppliedLogIndex();
    if (applied > snapshotAskedAt) {
      snapshotting = true;
      snapshotAskedAt = applied;
      n.snapshot(status -> {
        synchronized (this) {
          snapshotting = false;
        }
      });
    } else {
      submitting = true;
      submit.apply(noOp.get()).whenComplete((r, e) -> {
        synchronized (this) {
          submitting = false;
        }
      });
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS); // an erase under way finishes before the storage closes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
