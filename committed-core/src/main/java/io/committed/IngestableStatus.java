package io.committed;

import io.committed.spi.IngestStatus;
import io.committed.spi.SourcePosition;
import java.time.Instant;
import java.util.Optional;

/**
 * An ingestable's progress. The worker fields are known only on the node that runs it (the
 * leader); elsewhere the state is {@code not-running-here}.
 *
 * @param ingestableId the ingestable
 * @param workerState {@code running}, {@code recovering} (restarting after a failure),
 *     {@code parked} (stopped after repeated failures, until its config is posted again),
 *     {@code stopped} or {@code not-running-here}
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
    String workerState,
    Optional<SourcePosition> position,
    long highWaterMark,
    Optional<IngestStatus> reported,
    int consecutiveFailures,
    Optional<String> lastError,
    Optional<Instant> failingSince,
    Optional<String> parkedReason) {}
