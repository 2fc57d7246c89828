package io.committed.internal.sync;

import java.time.Duration;

/**
 * How a sync worker batches and checkpoints.
 *
 * @param batchSize the most entries per {@code sync} call
 * @param batchDelay how long a batch smaller than {@code batchSize} may wait for more entries
 *     once the worker has caught up; zero delivers at once
 * @param maxScan the most log entries examined per step when filtering by type
 * @param checkpointEvery checkpoint after this many delivered entries
 * @param checkpointMaxAge checkpoint at least this often while delivering
 * @param backoff delays between retries after transient failures
 * @param stopGrace how long a stopping worker waits for a running {@code sync} before interrupting it
 */
public record SyncSettings(
    int batchSize, Duration batchDelay, int maxScan, int checkpointEvery, Duration checkpointMaxAge, Backoff backoff,
    Duration stopGrace) {

  public SyncSettings {
    if (batchSize < 1 || maxScan < batchSize || checkpointEvery < 1 || batchDelay.isNegative()) {
      throw new IllegalArgumentException("invalid sync settings: batchSize " + batchSize + ", maxScan " + maxScan
          + ", checkpointEvery " + checkpointEvery);
    }
  }

  public SyncSettings withBatchSize(int n) {
    return new SyncSettings(n, batchDelay, Math.max(maxScan, n), checkpointEvery, checkpointMaxAge, backoff, stopGrace);
  }

  public SyncSettings withBatchDelay(Duration d) {
    return new SyncSettings(batchSize, d, maxScan, checkpointEvery, checkpointMaxAge, backoff, stopGrace);
  }

  public SyncSettings withCheckpointEvery(int n) {
    return new SyncSettings(batchSize, batchDelay, maxScan, n, checkpointMaxAge, backoff, stopGrace);
  }

  public SyncSettings withCheckpointMaxAge(Duration d) {
    return new SyncSettings(batchSize, batchDelay, maxScan, checkpointEvery, d, backoff, stopGrace);
  }
}
