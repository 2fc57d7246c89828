package io.committed;

import java.time.Instant;

/**
 * A log entry a syncable could not write because the target refused its data permanently. Kept in
 * the replicated state until acknowledged or successfully replayed.
 *
 * @param syncableId the syncable that failed
 * @param index the failed entry's log index
 * @param timestamp when the failure was recorded (the leader's clock)
 * @param message the target's error
 * @param acknowledged true once an operator acknowledged it
 */
public record DeadLetter(String syncableId, long index, Instant timestamp, String message, boolean acknowledged) {}
