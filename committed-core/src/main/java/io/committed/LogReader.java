package io.committed;

import io.committed.api.LogEntry;
import java.time.Duration;
import java.util.List;

/**
 * Follows the log from a position: each {@link #poll} returns the next entries, waiting for them
 * when the reader has caught up. Obtained from {@link CommittedLog#reader(long)}. Not
 * thread-safe: use one reader per thread.
 */
public interface LogReader extends AutoCloseable {

  /**
   * The next entries, in order: up to {@code maxEntries}, as soon as at least one is available,
   * or an empty list when {@code timeout} passes first.
   *
   * @throws io.committed.api.LogClosedException when the log or this reader is closed
   * @throws io.committed.api.OperationInterruptedException when the thread is interrupted while
   *     waiting (its interrupt status is set again)
   */
  List<LogEntry> poll(int maxEntries, Duration timeout);

  /** The index the next {@link #poll} starts from. */
  long position();

  /** Stops the reader; a thread blocked in {@link #poll} returns. Idempotent. */
  @Override
  void close();
}
