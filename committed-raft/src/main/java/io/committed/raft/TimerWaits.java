package io.committed.raft;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Blocking waits made of a timer's tasks: the caller blocks on a future the timer completes, with
 * its deadline, instead of sleeping in a loop. For waits on something that reports no event.
 * {@link #close} ends the waits under way (a timer shut down would never complete them).
 */
final class TimerWaits implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** @param timer runs the short tasks that complete the waits; owned by the caller */
  TimerWaits(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * Returns after {@code millis}, once the timer says so.
   *
   * @return false, at once or early, when the waits are closed or the timer refuses tasks (closing)
   */
  boolean delay(long millis) throws InterruptedException {
    CompletableFuture<Void> due = register();
    try {
      if (due.isDone()) {
        return false;
      }
      try {
        timer.schedule(() -> due.complete(null), millis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        return false;
      }
      due.get();
      return true;
    } catch (ExecutionException | CancellationException e) {
      return false;
    } finally {
      pending.remove(due);
    }
  }

  /**
   * Waits until {@code condition} holds, checking it now and then every {@code everyMillis} on the
   * timer.
   *
   * @return false when it still did not hold after {@code timeoutMillis} or when the waits closed
   * @throws RuntimeException what the condition threw
   */
  boolean until(BooleanSupplier condition, long everyMillis, long timeoutMillis) throws InterruptedException {
    if (condition.getAsBoolean()) {
      return true;
    }
    CompletableFuture<Void> met = register();
    ScheduledFuture<?> check = null;
    try {
      if (met.isDone()) {
        return condition.getAsBoolean();
      }
      check = timer.scheduleWithFixedDelay(() -> {
        try {
          if (condition.getAsBoolean()) {
            met.complete(null);
          }
        } catch (RuntimeException e) {
          met.completeExceptionally(e);
        }
      }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
      met.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException | TimeoutException | CancellationException e) {
      return condition.getAsBoolean();
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } finally {
      pending.remove(met);
      if (check != null) {
        check.cancel(false);
      }
    }
  }

  private CompletableFuture<Void> register() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pending.add(f);
    if (closed) {
      f.cancel(false);
    }
    return f;
  }

  /** Ends every wait under way (they return false) and every later one at once. */
  @Override
  public void close() {
    closed = true;
    pending.forEach(f -> f.cancel(false));
  }
}
