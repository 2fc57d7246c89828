package io.committed.raft;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What waits for this node to apply an engine index: forwarded proposals (read-your-writes on the
 * node that took them) and the start-up replay. The apply path calls {@link #advance}; the engine's
 * timer calls {@link #expire}. Thread-safe; the actions run on the thread that makes them due,
 * outside the lock.
 */
final class AppliedWaiters {
  private record Waiter(long sinceNanos, long deadlineNanos, Runnable then, Consumer<RuntimeException> failed,
      Runnable expired) {}

  private final LongSupplier nanoClock;
  private final TreeMap<Long, List<Waiter>> waiting = new TreeMap<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> reached = new TreeMap<>();
  private long applied;
  private RuntimeException failure;

  /** @param nanoClock {@link System#nanoTime()} but in tests: when each waiter started waiting */
  AppliedWaiters(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Runs {@code then} once {@code engineIndex} is applied, {@code failed} if the node stops first,
   * or {@code expired} if {@link #expire} finds it still waiting after {@code deadlineNanos}.
   */
  void whenApplied(long engineIndex, long deadlineNanos, Runnable then, Consumer<RuntimeException> failed,
      Runnable expired) {
    synchronized (this) {
      if (engineIndex > applied) {
        waiting.computeIfAbsent(engineIndex, k -> new ArrayList<>())
            .add(new Waiter(nanoClock.getAsLong(), deadlineNanos, then, failed, expired));
        return;
      }
    }
    then.run();
  }

  /**
   * A future that completes once {@code engineIndex} is applied, or exceptionally when the node
   * stops applying ({@link #failAll}). It has no deadline: the caller waits on it with its own. It
   * does not count as waiting for {@link #waitingSince} (nothing asks the leader to hurry for it).
   */
  CompletableFuture<Void> reached(long engineIndex) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        f.completeExceptionally(failure);
      } else if (engineIndex > applied) {
        reached.computeIfAbsent(engineIndex, k -> new ArrayList<>()).add(f);
        return f;
      }
    }
    f.complete(null);
    return f;
  }

  /** Records that every engine index up to {@code engineIndex} is applied and runs what waited for it. */
  void advance(long engineIndex) {
    List<Waiter> ready = new ArrayList<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    synchronized (this) {
      if (engineIndex <= applied) {
        return;
      }
      applied = engineIndex;
      while (!waiting.isEmpty() && waiting.firstKey() <= applied) {
        ready.addAll(waiting.pollFirstEntry().getValue());
      }
      while (!reached.isEmpty() && reached.firstKey() <= applied) {
        done.addAll(reached.pollFirstEntry().getValue());
      }
    }
    ready.forEach(w -> w.then().run());
    done.forEach(f -> f.complete(null));
  }

  /**
   * True when the waiter for the lowest index was registered before {@code nanos} (it is the oldest
   * one, or close: indexes are assigned in the order proposals reach the leader).
   */
  synchronized boolean waitingSince(long nanos) {
    return !waiting.isEmpty() && waiting.firstEntry().getValue().get(0).sinceNanos() - nanos < 0;
  }

  /** Runs the {@code expired} action of every waiter past its deadline. */
  void expire(long nowNanos) {
    List<Waiter> late = new ArrayList<>();
    synchronized (this) {
      for (Iterator<List<Waiter>> it = waiting.values().iterator(); it.hasNext(); ) {
        List<Waiter> ws = it.next();
        ws.removeIf(w -> nowNanos - w.deadlineNanos() > 0 && late.add(w));
        if (ws.isEmpty()) {
          it.remove();
        }
      }
    }
    late.forEach(w -> w.expired().run());
  }

  /** Fails everything waiting, and every later {@link #reached} future: this node stopped applying. */
  void failAll(RuntimeException e) {
    List<Waiter> fail = new ArrayList<>();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    synchronized (this) {
      if (failure == null) {
        failure = e;
      }
      waiting.values().forEach(fail::addAll);
      waiting.clear();
      reached.values().forEach(futures::addAll);
      reached.clear();
    }
    fail.forEach(w -> w.failed().accept(e));
    futures.forEach(f -> f.completeExceptionally(e));
  }
}
