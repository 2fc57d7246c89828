package io.committed.internal;

import io.committed.LogReader;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.OperationInterruptedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link LogReader} over the log's read path and its head signal. */
final class DefaultLogReader implements LogReader {
  private final DefaultCommittedLog log;
  private final HeadSignal signal;
  private long position;
  private volatile boolean closed;

  DefaultLogReader(DefaultCommittedLog log, HeadSignal signal, long fromIndex) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, was " + fromIndex);
    }
    this.log = log;
    this.signal = signal;
    this.position = fromIndex;
  }

  @Override
  public List<LogEntry> poll(int maxEntries, Duration timeout) {
    checkOpen();
    List<LogEntry> entries = log.read(position, maxEntries);
    if (entries.isEmpty() && !timeout.isZero() && !timeout.isNegative()) {
      try {
        signal.await(position, timeout.toNanos(), TimeUnit.NANOSECONDS, () -> closed);
      } catch (InterruptedException e) {
        throw OperationInterruptedException.interrupted("interrupted while waiting for entry " + position, false, e);
      }
      checkOpen();
      entries = log.read(position, maxEntries);
    }
    if (!entries.isEmpty()) {
      position = entries.get(entries.size() - 1).index() + 1;
    }
    return entries;
  }

  private void checkOpen() {
    if (closed || signal.closed()) {
      throw new LogClosedException(closed ? "reader is closed" : "log is closed");
    }
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() {
    closed = true;
    signal.wakeAll();
  }
}
