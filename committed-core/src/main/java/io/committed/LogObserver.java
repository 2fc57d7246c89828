package io.committed;

/**
 * Optional hooks for metrics and tracing: the log calls them as things happen. Register one with
 * {@link CommittedBuilder#observer}. Every method has a no-op default; implement only what you
 * need.
 *
 * <p>Calls come from the log's own threads (the apply thread, callback threads, worker threads),
 * possibly concurrently: implementations must be thread-safe, fast, and must not block or throw
 * (an exception is logged and ignored).
 */
public interface LogObserver {

  /** An observer that does nothing. */
  LogObserver NONE = new LogObserver() {};

  /** How a proposal ended. */
  enum Outcome {
    /** Committed and applied. */
    COMMITTED,
    /** Refused as invalid ({@link io.committed.api.ProposalRejectedException}); nothing written. */
    REJECTED,
    /** Not committed, or unknown: no leader, leadership moved, closed, timed out. */
    FAILED
  }

  /**
   * A {@code propose} call completed.
   *
   * @param nanos from the call to the outcome
   * @param entities the proposal's entity count (0 when it was null)
   */
  default void proposalCompleted(Outcome outcome, long nanos, int entities) {}

  /** Entry {@code index} was applied on this node. Called on the apply thread. */
  default void entryApplied(long index) {}

  /** This node became the leader, or stopped being it. */
  default void leadershipChanged(boolean leader) {}

  /** A syncable wrote {@code entries} entries to its target in one call that took {@code nanos}. */
  default void syncBatchWritten(String syncableId, int entries, long nanos) {}

  /** A syncable's call failed: {@code permanent} for refused data, otherwise transient (it retries). */
  default void syncFailed(String syncableId, boolean permanent) {}

  /** A syncable's entry went to its dead-letter list. */
  default void deadLettered(String syncableId, long index) {}

  /** An ingestable committed a source transaction (or a redelivery was dropped, {@code duplicate}). */
  default void ingestCommitted(String ingestableId, boolean duplicate) {}

  /** An ingestable failed and will be restarted (or parked, {@code parked}). */
  default void ingestFailed(String ingestableId, boolean parked) {}
}
