package io.committed.internal.sync;

import java.time.Duration;

/**
 * Runs a worker's tasks one at a time, in submission order for {@link #execute}. Production uses
 * {@link ThreadScheduler}; tests use a manual one driven by a fake clock.
 */
public interface TaskScheduler {

  /** Runs {@code task} as soon as possible, after the tasks already queued. */
  void execute(Runnable task);

  /** Runs {@code task} after {@code delay}. */
  void schedule(Runnable task, Duration delay);

  /**
   * Stops: queued tasks are dropped, a running task is interrupted after {@code grace}.
   *
   * @return true when the running task (if any) finished within the grace period
   */
  boolean shutdown(Duration grace);

  /**
   * Stops at once: queued tasks are dropped, a running task is interrupted now and given
   * {@code grace} to return.
   *
   * @return true when the running task (if any) returned within the grace period
   */
  boolean shutdownNow(Duration grace);
}
