package io.committed;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A syncable's progress. {@code lastSyncedIndex}, {@code workerState}, {@code stuckSince} and
 * {@code lastError} are known only on the node that runs the worker (the leader); elsewhere the
 * worker state is {@link WorkerState#NOT_RUNNING_HERE} and they reflect the replicated checkpoint.
 *
 * @param syncableId the syncable
 * @param workerState what the worker is doing
 * @param checkpointIndex the replicated checkpoint: entries up to it are synced
 * @param lastSyncedIndex the last index the worker delivered (at least the checkpoint)
 * @param headIndex the last index in the log
 * @param lag {@code headIndex - lastSyncedIndex}
 * @param caughtUp true when nothing is left to deliver
 * @param stuckSince when the current run of transient failures began, if failing
 * @param consecutiveFailures transient failures since the last success
 * @param lastError the last failure's message, if any since the last success
 * @param deadLetters dead letters not yet acknowledged
 * @param acknowledgedDeadLetters dead letters acknowledged
 */
public record SyncableStatus(
    String syncableId,
    WorkerState workerState,
    long checkpointIndex,
    long lastSyncedIndex,
    long headIndex,
    long lag,
    boolean caughtUp,
    Optional<Instant> stuckSince,
    int consecutiveFailures,
    Optional<String> lastError,
    int deadLetters,
    int acknowledgedDeadLetters) {

  /** What a syncable's worker is doing. */
  public enum WorkerState {
    /** Opening the syncable (connecting to its target). */
    STARTING,
    /** Delivering entries. */
    RUNNING,
    /** Caught up, waiting for new entries. */
    IDLE,
    /** Waiting to retry after a transient failure. */
    RETRYING,
    /** Delivering a refused batch one entry at a time, to find the bad entry. */
    ISOLATING,
    /** Stopped (its config changed or was removed, or the log is closing). */
    STOPPED,
    /** The worker runs on the leader, not on this node. */
    NOT_RUNNING_HERE;

    /** The state as the REST API spells it: {@code idle}, {@code not-running-here}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
