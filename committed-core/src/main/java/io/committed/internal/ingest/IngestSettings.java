package io.committed.internal.ingest;

import io.committed.internal.sync.Backoff;
import java.time.Duration;

/**
 * How the supervisor restarts failing ingestables.
 *
 * @param backoff delays between restarts
 * @param maxConsecutiveFailures failures in a row after which the ingestable is parked
 * @param stopGrace how long a stopping ingestable may take to return from {@code run}
 */
public record IngestSettings(Backoff backoff, int maxConsecutiveFailures, Duration stopGrace) {

  public IngestSettings {
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("maxConsecutiveFailures must be >= 1");
    }
  }
}
