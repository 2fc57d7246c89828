package io.committed.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Orders and replicates commands and applies them, in order, to the state machine on every node.
 *
 * <p>Lifecycle: created by {@link LogEngineFactory#create}; core reads {@link #eventLog()} to build
 * the state machine, then calls {@link #start} once; {@link #close} once at the end.
 */
public interface LogEngine extends AutoCloseable {

  /** The permanent event log this engine keeps. Available before {@link #start}. */
  EventLog eventLog();

  /**
   * Starts replication. From now on the engine calls {@code stateMachine} from one thread at a
   * time, in commit order: first {@link ReplicatedStateMachine#restore} if it has a snapshot, then
   * {@link ReplicatedStateMachine#apply} for every command after it (on restart, commands already
   * applied before the crash are applied again; the state machine skips their events).
   *
   * @throws io.committed.api.CommittedException when the engine cannot start (files unreadable,
   *     address in use); the message says what to fix
   */
  void start(ReplicatedStateMachine stateMachine);

  /**
   * Submits a command to be committed and applied. May be called from any thread. On a follower
   * the engine forwards it to the leader.
   *
   * <p>The future completes, on an engine thread, with what {@link ReplicatedStateMachine#apply}
   * returned for this command, and only once this node has applied it too (a follower that
   * forwarded the command waits for its own apply), so that the caller reads its own writes on
   * this node. It completes
   * exceptionally with {@link io.committed.api.NotLeaderException} or
   * {@link io.committed.api.RetriableException} when the command was not committed (and with
   * {@code outcomeUnknown} when it may have been), and with
   * {@link io.committed.api.LogClosedException} after {@link #close}.
   */
  CompletableFuture<ApplyResult> submit(byte[] command);

  /**
   * Completes once this node has applied every command that was committed, on any node, before
   * this call: the barrier of a linearizable read. A replicated engine asks the leader how far the
   * log is committed (a read-index round, also from a follower) and completes when this node has
   * applied that far. Completes exceptionally with {@link io.committed.api.RetriableException} when
   * there is no leader to ask, and with {@link io.committed.api.LogClosedException} after
   * {@link #close}.
   */
  CompletableFuture<Void> readBarrier();

  /**
   * Erases this node's copies of the commands up to {@code engineIndex} from the engine's own
   * storage, as soon as it can: a scrub erased data those commands carry, and afterwards only the
   * event log and the state may keep what they did (a replicated engine trims its raft log past
   * them and makes its storage drop the bytes). Called on the apply thread: returns at once and
   * works in the background. Idempotent; an engine that keeps no commands does nothing.
   */
  void forgetCommandsThrough(long engineIndex);

  /** True when this node is the leader (it is the one that runs workers). */
  boolean isLeader();

  /** A snapshot of the engine's view of the group. */
  EngineStatus status();

  /**
   * Stops the engine: fails pending submissions with {@link io.committed.api.LogClosedException},
   * hands leadership over when it can, and leaves the files consistent. Idempotent.
   */
  @Override
  void close();
}
