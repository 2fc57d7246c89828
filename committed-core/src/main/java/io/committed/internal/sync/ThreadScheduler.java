package io.committed.internal.sync;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A {@link TaskScheduler} on one daemon thread. */
public final class ThreadScheduler implements TaskScheduler {
  private final ScheduledThreadPoolExecutor executor;

  public ThreadScheduler(String threadName) {
    executor = new ScheduledThreadPoolExecutor(1, io.committed.internal.Threads.daemonFactory(threadName));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // shut down: the task is dropped on purpose
    }
  }

  @Override
  public void schedule(Runnable task, Duration delay) {
    try {
      executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shut down: the task is dropped on purpose
    }
  }

  @Override
  public boolean shutdown(Duration grace) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
      executor.shutdownNow();
      return executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean shutdownNow(Duration grace) {
    executor.shutdownNow();
    try {
      return executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
