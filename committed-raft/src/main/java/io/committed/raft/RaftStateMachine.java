package io.committed.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import io.committed.api.LogClosedException;
import io.committed.engine.ApplyResult;
import io.committed.engine.ReplicatedStateMachine;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JRaft's view of core's state machine: applies committed entries command by command, completes the
 * proposals of this node's entries, takes and loads snapshots, and follows leadership and the
 * committed configuration. JRaft calls every callback on its one FSM thread.
 */
final class RaftStateMachine extends StateMachineAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RaftStateMachine.class);

  private final NodeContext node;
  private final AppliedWaiters applied;
  private final SnapshotStore snapshots;
  private final Runnable leaderKnown;
  private volatile ReplicatedStateMachine stateMachine;
  private volatile Configuration committed;
  private volatile long term;
  private volatile boolean leader;

  /** @param leaderKnown told, on the FSM thread, when this node learns who leads: must not block */
  RaftStateMachine(NodeContext node, AppliedWaiters applied, SnapshotStore snapshots, Runnable leaderKnown) {
    this.node = node;
    this.applied = applied;
    this.snapshots = snapshots;
    this.leaderKnown = leaderKnown;
  }

  /** Before the raft node starts: what to apply to, and the configuration to report until one is committed. */
  void attach(ReplicatedStateMachine sm, Configuration initial) {
    this.stateMachine = sm;
    this.committed = initial.copy();
  }

  @Override
  public void onApply(Iterator iter) {
    while (iter.hasNext()) {
      long raftIndex = iter.getIndex();
      ProposalDispatcher.BatchClosure done = (ProposalDispatcher.BatchClosure) iter.done();
      try {
        RaftEntries.decode(iter.getData(), (position, command) -> {
          long engineIndex = RaftEntries.engineIndex(raftIndex, position);
          if (engineIndex <= stateMachine.lastAppliedEngineIndex()) {
            return; // restored from a snapshot that already covers it
          }
          ApplyResult result = stateMachine.apply(engineIndex, command);
          if (done != null) {
            done.applied(position, new PendingCommand.Applied(result, engineIndex));
          }
        });
      } catch (RuntimeException | Error e) {
        String fatal = "raft node " + node.nodeId() + " stopped applying at raft index " + raftIndex + ": "
            + (e instanceof InternalError // a full disk faults a memory-mapped file, maybe after the write returned
                ? "a memory-mapped file of its data directory faulted: the disk is full or failing (" + e.getMessage() + ")"
                : e.getMessage());
        node.failure().fail(fatal);
        LOG.error(fatal, e);
        iter.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, fatal));
        applied.failAll(new LogClosedException(fatal));
        return;
      }
      applied.advance(RaftEntries.lastEngineIndex(raftIndex));
      if (done != null) {
        done.run(Status.OK());
      }
      iter.next();
    }
  }

  /** The state machine's command that changes nothing. */
  byte[] noOpCommand() {
    return stateMachine.noOpCommand();
  }

  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    snapshots.save(stateMachine, writer, done);
  }

  @Override
  public boolean onSnapshotLoad(SnapshotReader reader) {
    try {
      long raftIndex = snapshots.load(stateMachine, reader);
      applied.advance(RaftEntries.lastEngineIndex(raftIndex));
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.error("raft node {} cannot load the snapshot in {}", node.nodeId(), reader.getPath(), e);
      return false;
    }
  }

  @Override
  public void onLeaderStart(long t) {
    term = t;
    setLeader(true);
    stateMachine.leadershipChanged(true);
    leaderKnown.run();
  }

  @Override
  public void onLeaderStop(Status status) {
    setLeader(false);
    stateMachine.leadershipChanged(false);
  }

  @Override
  public void onStartFollowing(LeaderChangeContext ctx) {
    term = ctx.getTerm();
    leaderKnown.run();
  }

  @Override
  public void onConfigurationCommitted(Configuration c) {
    committed = c.copy();
  }

  @Override
  public void onError(RaftException e) {
    String fatal = "raft node " + node.nodeId() + " stopped: " + e.getStatus();
    node.failure().fail(fatal);
    LOG.error(fatal, e);
  }

  private synchronized void setLeader(boolean now) {
    leader = now;
    notifyAll();
  }

  /** True from {@code onLeaderStart} to {@code onLeaderStop}: this node's workers run. */
  boolean isLeader() {
    return leader;
  }

  /**
   * Waits until {@code onLeaderStop} has run (JRaft runs it as soon as a leadership transfer starts,
   * once the FSM thread gets to it).
   *
   * @return false when this node still led after {@code timeout}
   */
  synchronized boolean awaitNotLeader(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (leader) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  long term() {
    return term;
  }

  /** The voters of the last configuration committed (JRaft reports no learners here), or the initial one. */
  Configuration committedConfiguration() {
    return committed;
  }
}
