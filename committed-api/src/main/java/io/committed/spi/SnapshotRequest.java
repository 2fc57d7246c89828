package io.committed.spi;

import java.time.Instant;
import java.util.List;

/**
 * A request, recorded in the log, that an ingestable copy some of its source's tables again while
 * it goes on streaming: made with {@code CommittedLog.ingest().requestSnapshot} or
 * {@code POST /v1/ingestable/{id}/snapshot}, and seen by the ingestable through
 * {@link IngestContext#snapshotRequests()} on whichever node leads.
 *
 * <p>Requests of one ingestable are numbered 1, 2, 3... in the order the log committed them. The
 * log does not know which ones an ingestable has acted on: an ingestable that supports requests
 * records the highest number it has taken in its own {@link SourcePosition} state, and takes the
 * requests above it.
 *
 * @param number this request's number, from 1, growing by one per request of the ingestable
 * @param tables the tables to copy again, as the user named them; never empty
 * @param requestedAt when the log recorded it
 */
public record SnapshotRequest(long number, List<String> tables, Instant requestedAt) {

  /**
   * @throws IllegalArgumentException when {@code number} is below 1 or {@code tables} is empty
   */
  public SnapshotRequest {
    if (number < 1) {
      throw new IllegalArgumentException("a snapshot request's number starts at 1, was " + number);
    }
    tables = List.copyOf(tables);
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("a snapshot request names at least one table");
    }
    if (requestedAt == null) {
      throw new NullPointerException("requestedAt");
    }
  }
}
