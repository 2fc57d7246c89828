package io.committed.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Wakes readers waiting for the log to reach an index. The apply thread calls {@link #advanced}
 * after every append; it takes the lock only when someone waits.
 */
final class HeadSignal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moved = lock.newCondition();
  private final LongSupplier head;
  private volatile int waiters;
  private volatile boolean closed;

  HeadSignal(LongSupplier head) {
    this.head = head;
  }

  void advanced() {
    if (waiters > 0) {
      lock.lock();
      try {
        moved.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits until the head reaches {@code index}; true when it did, false on timeout, close, or when
   * {@code cancelled} becomes true (after a {@link #wakeAll}).
   */
  boolean await(long index, long timeout, TimeUnit unit, BooleanSupplier cancelled) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    waiters++;
    try {
      while (head.getAsLong() < index) {
        if (closed || nanos <= 0 || cancelled.getAsBoolean()) {
          return false;
        }
        nanos = moved.awaitNanos(nanos);
      }
      return true;
    } finally {
      waiters--;
      lock.unlock();
    }
  }

  void close() {
    closed = true;
    wakeAll();
  }

  /** Wakes every waiter so that it re-checks its cancellation. */
  void wakeAll() {
    lock.lock();
    try {
      moved.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean closed() {
    return closed;
  }
}
