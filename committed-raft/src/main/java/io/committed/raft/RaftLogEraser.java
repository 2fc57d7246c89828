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
  /** The longest wait after a failed snapshot or submit before the next try. */
  private static final long MAX_BACKOFF_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private final int nodeId;
  private final Supplier<Node> node;
  private final Supplier<? extends Storage> storage;
  private final Function<byte[], CompletableFuture<?>> submit;
  private final Supplier<byte[]> noOp;
  private final ScheduledThreadPoolExecutor thread;
  private long target;
  private long snapshotAskedAt = -1;
  private boolean snapshotting;
  private boolean submitting;
  /** After a failure: no try before this time (nanos), and the wait doubles with each failure in a row. */
  private long notBefore;
  private long backoffNanos;
  private ScheduledFuture<?> task;

  /**
   * @param submit submits a command through the engine (forwarded to the leader from a follower)
   * @param noOp the command that changes nothing
   */
  RaftLogEraser(int nodeId, Supplier<Node> node, Supplier<? extends Storage> storage,
      Function<byte[], CompletableFuture<?>> submit, Supplier<byte[]> noOp, String threadName) {
    this.nodeId = nodeId;
    this.node = node;
    this.storage = storage;
    this.submit = submit;
    this.noOp = noOp;
    this.thread = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
  }

  /** The raft log's storage, as this needs it ({@link ErasableLogStorage}). */
  interface Storage {
    /** The index of the first entry the raft log keeps. */
    long getFirstLogIndex();

    /** Makes the storage drop the bytes of every entry before {@code firstKept}; false when it is not open. */
    boolean eraseBefore(long firstKept) throws Exception;
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
    Storage s = storage.get();
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
    if (snapshotting || submitting || System.nanoTime() - notBefore < 0) {
      return;
    }
    long applied = n.getLastAppliedLogIndex();
    if (applied > snapshotAskedAt) {
      snapshotting = true;
      snapshotAskedAt = applied;
      n.snapshot(status -> {
        synchronized (this) {
          snapshotting = false;
          if (status.isOk()) {
            backoffNanos = 0;
          } else {
            // asked again only after a wait: a failing snapshot (a full disk) must not turn into a stream of no-ops
            snapshotAskedAt = -1;
            failed("a snapshot failed: " + status);
          }
        }
      });
    } else {
      submitting = true;
      submit.apply(noOp.get()).whenComplete((r, e) -> {
        synchronized (this) {
          submitting = false;
          if (e != null) {
            failed("a command that changes nothing was not committed: " + e);
          }
        }
      });
    }
  }

  /** Waits longer before the next try, up to {@link #MAX_BACKOFF_NANOS}. */
  private void failed(String why) {
    backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(TimeUnit.MILLISECONDS.toNanos(STEP_MILLIS), backoffNanos * 2));
    notBefore = System.nanoTime() + backoffNanos;
    LOG.warn("raft node {}: erasing its raft log up to raft index {} waits {} ms: {}", nodeId, target,
        TimeUnit.NANOSECONDS.toMillis(backoffNanos), why);
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
