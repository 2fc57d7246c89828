package io.committed.internal.sync;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link TaskScheduler} that runs tasks only when the test says so, on the test's thread,
 * moving a {@link FakeClock} forward to the next delayed task when nothing else is due.
 */
public final class ManualScheduler implements TaskScheduler {
  private record Task(long due, long seq, Runnable run) {}

  private final FakeClock clock;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
      a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long seq;
  private boolean shutdown;
  private Duration totalDelay = Duration.ZERO;

  public ManualScheduler(FakeClock clock) {
    this.clock = clock;
  }

  private long now() {
    Duration d = Duration.between(java.time.Instant.EPOCH, clock.instant());
    return d.toNanos();
  }

  @Override
  public void execute(Runnable task) {
    if (!shutdown) {
      tasks.add(new Task(now(), seq++, task));
    }
  }

  @Override
  public void schedule(Runnable task, Duration delay) {
    if (!shutdown) {
      tasks.add(new Task(now() + delay.toNanos(), seq++, task));
    }
  }

  @Override
  public boolean shutdown(Duration grace) {
    // run what is queued for now (e.g. the close task), drop the delayed ones
    long now = now();
    while (!tasks.isEmpty() && tasks.peek().due <= now) {
      tasks.poll().run.run();
    }
    tasks.clear();
    shutdown = true;
    return true;
  }

  @Override
  public boolean shutdownNow(Duration grace) {
    tasks.clear();
    shutdown = true;
    return true;
  }

  /**
   * Runs tasks, advancing the clock to each delayed one, until none is left or {@code maxTasks}
   * ran.
   *
   * @return how many tasks ran
   */
  public int runUntilIdle(int maxTasks) {
    int ran = 0;
    while (!tasks.isEmpty() && ran < maxTasks) {
      Task t = tasks.poll();
      long now = now();
      if (t.due > now) {
        Duration d = Duration.ofNanos(t.due - now);
        totalDelay = totalDelay.plus(d);
        clock.advance(d);
      }
      t.run.run();
      ran++;
    }
    return ran;
  }

  public boolean idle() {
    return tasks.isEmpty();
  }

  /** The time the clock was moved forward to reach delayed tasks. */
  Duration totalDelay() {
    return totalDelay;
  }
}
