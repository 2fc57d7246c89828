package io.committed;

import io.committed.spi.IngestStatus;
import io.committed.spi.SourcePosition;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * An ingestable's progress. The worker fields are known only on the node that runs it (the
 * leader); elsewhere the state is {@link WorkerState#NOT_RUNNING_HERE} (or {@link WorkerState#PARKED},
 * which is replicated).
 *
 * @param ingestableId the ingestable
 * @param workerState what the worker is doing
 * @param position the last committed source position, if any
 * @param highWaterMark the highest source sequence committed
 * @param reported what the ingestable last reported (phase, snapshot progress, lag), if anything
 * @param consecutiveFailures failures since the last successful proposal
 * @param lastError the last failure's message, if any
 * @param failingSince when the current run of failures began, if failing
 * @param parkedReason why it is parked, if it is
 */
public record IngestableStatus(
    String ingestableId,
    WorkerState workerState,
    Optional<SourcePosition> position,
    long highWaterMark,
    Optional<IngestStatus> reported,
    int consecutiveFailures,
    Optional<String> lastError,
    Optional<Instant> failingSince,
    Optional<String> parkedReason) {

  /** What an ingestable's worker is doing. */
  public enum WorkerState {
    /** Created, its first run not begun yet. */
    STARTING,
    /** Running and committing what it reads. */
    RUNNING,
    /** Restarting after a failure (backing off, or running again without a commit yet). */
    RECOVERING,
    /** Stopped after a permanent error or repeated failures, until its config is posted again. */
    PARKED,
    /** Stopped (its config changed or was removed, or the log is closing). */
    STOPPED,
    /** The worker runs on the leader, not on this node. */
    NOT_RUNNING_HERE;

    /** The state as the REST API spells it: {@code running}, {@code not-running-here}, ... */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
