package io.committed.raft;

import java.util.concurrent.TimeUnit;

/**
 * Bounds the raft entries proposed and not yet applied or failed (JRaft refuses proposals with
 * EBUSY when its queue is full), and lets close wait until none is left.
 */
final class EntriesInFlight {
  private final int max;
  private int count;

  EntriesInFlight(int max) {
    this.max = max;
  }

  /**
   * Takes a place, waiting for one if all are taken.
   *
   * @return true when it had to wait
   */
  synchronized boolean acquire() throws InterruptedException {
    boolean waited = false;
    while (count >= max) {
      waited = true;
      wait();
    }
    count++;
    return waited;
  }

  /** Gives a place back (the entry was applied or failed). */
  synchronized void release() {
    count--;
    notifyAll();
  }

  synchronized int count() {
    return count;
  }

  /**
   * Waits until no entry is in flight.
   *
   * @return false when some still were after {@code timeout}
   */
  synchronized boolean awaitNone(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
