package io.committed.internal.sync;

import io.committed.api.LogClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Futures for "syncable {@code id} has delivered up to {@code index}", completed when told that
 * its progress moved ({@link #changed}): by its worker when it delivers, by the state machine
 * when a checkpoint is applied, by the manager when a worker starts or stops. No polling: a waiter
 * is checked only when something changed, and once more when its timeout (run by the injected
 * {@link Timer}) expires.
 */
public final class SyncProgress {

  /** Runs a task after a delay; production uses the JDK's shared delay thread, tests a fake clock. */
  @FunctionalInterface
  public interface Timer {
    void schedule(Runnable task, Duration delay);
  }

  /** The JDK's shared delay scheduler (the one behind {@link CompletableFuture#orTimeout}). */
  public static final Timer JDK_TIMER = (task, delay) ->
      CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(task);

  /** The longest timeout honoured as given; longer ones wait this long (about 292 years fit a long). */
  private static final Duration MAX_TIMEOUT = Duration.ofDays(365L * 200);

  private record Waiter(long index, ToLongFunction<String> synced, CompletableFuture<Boolean> done) {}

  private final Timer timer;
  private final Map<String, Set<Waiter>> waiters = new HashMap<>();
  private boolean closed;

  public SyncProgress(Timer timer) {
    this.timer = timer;
  }

  /**
   * Completes with true once {@code synced.applyAsLong(id) >= index}, with false when
   * {@code timeout} passes first, exceptionally with what {@code synced} throws (e.g. the syncable
   * was removed) or with {@link LogClosedException} on {@link #close}. Cancelling it drops it.
   */
  public CompletableFuture<Boolean> await(String id, long index, Duration timeout, ToLongFunction<String> synced) {
    Waiter w = new Waiter(index, synced, new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new LogClosedException("the log is closed"));
      }
      waiters.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(w);
    }
    w.done.whenComplete((r, e) -> remove(id, w));
    check(id, List.of(w)); // registered first: progress from here on is seen by changed()
    if (!w.done.isDone()) {
      if (timeout.isNegative() || timeout.isZero()) {
        w.done.complete(false);
      } else {
        timer.schedule(() -> {
          check(id, List.of(w));
          w.done.complete(false);
        }, timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout);
      }
    }
    return w.done;
  }

  /** The progress of syncable {@code id} may have moved: completes the waiters it satisfies. Any thread. */
  public void changed(String id) {
    List<Waiter> toCheck;
    synchronized (this) {
      Set<Waiter> of = waiters.get(id);
      if (of == null) {
        return;
      }
      toCheck = new ArrayList<>(of);
    }
    check(id, toCheck);
  }

  /** Every syncable's progress may have moved (a snapshot was restored). */
  public void changedAll() {
    List<String> ids;
    synchronized (this) {
      ids = new ArrayList<>(waiters.keySet());
    }
    ids.forEach(this::changed);
  }

  /** Fails every waiter with {@link LogClosedException}; later waits fail at once. Idempotent. */
  public void close() {
    List<Waiter> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      waiters.values().forEach(all::addAll);
      waiters.clear();
    }
    all.forEach(w -> w.done.completeExceptionally(new LogClosedException("the log was closed while waiting")));
  }

  /** How many waits are pending (for tests). */
  synchronized int pending() {
    return waiters.values().stream().mapToInt(Set::size).sum();
  }

  private void check(String id, List<Waiter> toCheck) {
    for (Waiter w : toCheck) {
      if (w.done.isDone()) {
        continue;
      }
      try {
        if (w.synced.applyAsLong(id) >= w.index) {
          w.done.complete(true);
        }
      } catch (RuntimeException e) {
        w.done.completeExceptionally(e);
      }
    }
  }

  private synchronized void remove(String id, Waiter w) {
    Set<Waiter> of = waiters.get(id);
    if (of != null && of.remove(w) && of.isEmpty()) {
      waiters.remove(id);
    }
  }
}
