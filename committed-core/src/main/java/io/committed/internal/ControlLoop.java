package io.committed.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * One thread that runs a manager's reactions (to config changes, leadership) in order, so the
 * apply thread only enqueues. Tasks submitted after {@link #close} are dropped.
 */
public final class ControlLoop {
  private final ExecutorService executor;
  private final Logger log;
  private volatile boolean closed;

  public ControlLoop(String threadName, Logger log) {
    this.executor = Executors.newSingleThreadExecutor(Threads.daemonFactory(threadName));
    this.log = log;
  }

  public boolean closed() {
    return closed;
  }

  /** Runs {@code task} after those already queued; its failure is logged. */
  public void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("control task failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: dropped on purpose
    }
  }

  /** Completes once every task queued before it has run (at once when closed). */
  public CompletableFuture<Void> barrier() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(() -> done.complete(null));
    if (closed) {
      done.complete(null);
    }
    return done;
  }

  /** Stops taking tasks and waits for the queued ones. Idempotent. */
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
