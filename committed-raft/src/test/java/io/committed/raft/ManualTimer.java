package io.committed.raft;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A timer whose one-shot tasks run when the test says so: {@link #runDue()}. */
final class ManualTimer {
  record Task(Runnable task, long delayMillis) {}

  private final List<Task> scheduled = new ArrayList<>();
  final ScheduledExecutorService executor = (ScheduledExecutorService) Proxy.newProxyInstance(
      ScheduledExecutorService.class.getClassLoader(), new Class<?>[] {ScheduledExecutorService.class},
      (proxy, method, args) -> {
        if (method.getName().equals("schedule") && args[0] instanceof Runnable r) {
          synchronized (scheduled) {
            scheduled.add(new Task(r, ((TimeUnit) args[2]).toMillis((Long) args[1])));
          }
          return (ScheduledFuture<?>) null;
        }
        throw new UnsupportedOperationException(method.getName());
      });

  /** The tasks scheduled and not run yet. */
  List<Task> scheduled() {
    synchronized (scheduled) {
      return List.copyOf(scheduled);
    }
  }

  /** Runs every task scheduled so far, as if their delays had passed. */
  void runDue() {
    List<Task> due;
    synchronized (scheduled) {
      due = List.copyOf(scheduled);
      scheduled.clear();
    }
    due.forEach(t -> t.task().run());
  }
}
