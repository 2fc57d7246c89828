package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the leader's wait for a joining voter to catch up. In JRaft 1.3.15 a leader adds a voter
 * ({@code addPeer}) only once the voter's replicator reports it caught up, and the replicator reports
 * that only when an append to the voter succeeds after the leader began to wait. The replicator sends
 * its first append (a probe) before the leader begins to wait: when the voter answers first and no
 * proposal follows, nothing is appended, the wait is renewed every election timeout for as long as the
 * voter answers heartbeats, and the change never finishes while the leader refuses every other one.
 *
 * <p>JRaft starts a replicator to a node outside the configuration only for a change under way. While
 * one runs on the leader, this appends an entry of no proposals every half election timeout (the state
 * machine applies it as nothing); its successful append to the voter ends the wait.
 */
final class CatchUpNudge implements Replicator.ReplicatorStateListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUpNudge.class);

  private final Node node;
  private final Supplier<Configuration> configuration;
  private final long periodMillis;
  private final ScheduledThreadPoolExecutor timer;
  /**
   * Per peer, replicators started minus replicators stopped. JRaft reports both on a thread pool, so a
   * stop may be reported before its start; a count does not mind the order.
   */
  private final Map<PeerId, Integer> running = new HashMap<>();
  private final Map<PeerId, ScheduledFuture<?>> nudging = new HashMap<>();

  /**
   * @param configuration the group's newest configuration on this node, learners included
   * @param periodMillis how often to append while a node catches up to join
   */
  CatchUpNudge(Node node, Supplier<Configuration> configuration, long periodMillis, String threadName) {
    this.node = node;
    this.configuration = configuration;
    this.periodMillis = periodMillis;
    this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Called by JRaft, on one of its threads, when this node starts replicating to {@code peer}. */
  @Override
  public synchronized void onCreated(PeerId peer) {
    int count = running.merge(peer, 1, Integer::sum);
    if (count == 0) {
      running.remove(peer); // its stop was reported first
    }
    if (count <= 0 || nudging.containsKey(peer) || !joining(peer)) {
      return; // or a replicator to a member: after an election, or restarted after a failure
    }
    try {
      nudging.put(peer, timer.scheduleWithFixedDelay(() -> nudge(peer), periodMillis, periodMillis,
          TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException closed) {
      // the log is closing
    }
  }

  /** Called by JRaft when the replicator stops: the change finished or failed, or leadership moved. */
  @Override
  public synchronized void onDestroyed(PeerId peer) {
    if (running.merge(peer, -1, Integer::sum) == 0) {
      running.remove(peer);
      stop(peer);
    }
  }

  @Override
  public void onError(PeerId peer, Status status) {
    // the replicator retries by itself; the wait it serves ends or fails inside JRaft
  }

  private synchronized void nudge(PeerId peer) {
    if (running.getOrDefault(peer, 0) <= 0 || !joining(peer)) {
      stop(peer); // caught up (the new configuration names it), or no longer this leader's business
      return;
    }
    LOG.debug("node {} catches up to join: appending an empty entry", peer.getIdx());
    // with no closure, the state machine has nothing to complete
    node.apply(new Task(RaftEntries.empty(), null));
  }

  /** Whether this node leads and {@code peer} is not (yet) in the configuration: a change adds it. */
  private boolean joining(PeerId peer) {
    if (!node.isLeader()) {
      return false;
    }
    Configuration c = configuration.get();
    return !c.contains(peer) && !c.getLearners().contains(peer);
  }

  private void stop(PeerId peer) {
    ScheduledFuture<?> f = nudging.remove(peer);
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
    nudging.clear();
  }
}
