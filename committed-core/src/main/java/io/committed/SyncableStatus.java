package io.committed;

import java.time.Instant;
import java.util.Optional;

/**
 * A syncable's progress. {@code lastSyncedIndex}, {@code workerState}, {@code stuckSince} and
 * {@code lastError} are known only on the node that runs the worker (the leader); elsewhere the
 * worker state is {@code not-running-here} and they reflect the replicated checkpoint.
 *
 * @param syncableId the syncable
 * @param workerState {@code starting}, {@code running}, {@code idle} (caught up, waiting for
 *     entries), {@code retrying} (after a transient failure), {@code isolating} (finding a bad
 *     entry), {@code stopped} or {@code not-running-here}
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
    String workerState,
    long checkpointIndex,
    long lastSyncedIndex,
    long headIndex,
    long lag,
    boolean caughtUp,
    Optional<Instant> stuckSince,
    int consecutiveFailures,
    Optional<String> lastError,
    int deadLetters,
    int acknowledgedDeadLetters) {}
