package io.committed.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Core's deterministic state machine, as an engine sees it. The engine calls these methods from
 * one thread at a time (its apply thread); they never block on the network.
 */
public interface ReplicatedStateMachine {

  /**
   * Applies a committed command. Deterministic: the same commands in the same order give the
   * same state, events and results on every node.
   *
   * @param engineIndex the engine's index of this command (e.g. the raft log index); strictly
   *     increasing across calls, gaps allowed (entries the engine keeps for itself)
   * @param command the bytes given to {@link LogEngine#submit}
   * @return the result for the submitter; a rejection is a normal result, not an exception
   * @throws IllegalStateException when the event log contradicts the state (a gap, or a different
   *     entry at an index): the node must stop, its message says how to repair it
   */
  ApplyResult apply(long engineIndex, byte[] command);

  /** The engine index of the last command applied (or restored), 0 when none. */
  long lastAppliedEngineIndex();

  /**
   * Writes the state (not the events) to {@code out}: byte-identical on every node that applied
   * the same commands. Called on the apply thread, between two applies.
   */
  void snapshot(OutputStream out) throws IOException;

  /**
   * Replaces the state with one written by {@link #snapshot}. The event log must already hold the
   * events the snapshot covers; a snapshot ahead of the event log is refused with an
   * {@link IllegalStateException}.
   */
  void restore(InputStream in) throws IOException;

  /**
   * This node became the leader (true) or stopped being it (false). Called on the apply thread,
   * after every command of the previous leader has been applied when becoming leader.
   */
  void leadershipChanged(boolean leader);

  /**
   * A command that changes nothing when applied, which the engine may submit when it needs a
   * newer entry in its log (to trim the log past a scrub: {@link LogEngine#forgetCommandsThrough}).
   */
  byte[] noOpCommand();
}
