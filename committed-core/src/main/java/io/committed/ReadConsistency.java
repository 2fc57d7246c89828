package io.committed;

/** How current a read must be. */
public enum ReadConsistency {
  /**
   * The read reflects every write acknowledged before it started, on any node: the node confirms
   * with the leader how far the log is committed (a read-index round, also from a follower) and
   * waits until it has applied that far.
   */
  LINEARIZABLE,
  /** The node's own state as it is now, without asking the leader: fast, possibly behind. */
  STALE
}
