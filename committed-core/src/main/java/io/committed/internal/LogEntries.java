package io.committed.internal;

import io.committed.api.LogEntry;
import io.committed.engine.EventLog;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.StateView;
import java.util.ArrayList;
import java.util.List;

/** The read path: committed entries from the event log, up to the index applied on this node. */
final class LogEntries {
  private static final int MAX_READ = 100_000;

  private final EventLog events;
  private final StateView state;
  private final LogLifecycle lifecycle;

  LogEntries(EventLog events, StateView state, LogLifecycle lifecycle) {
    this.events = events;
    this.state = state;
    this.lifecycle = lifecycle;
  }

  /** {@link io.committed.CommittedLog#read}. */
  List<LogEntry> read(long fromIndex, int maxEntries) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, was " + fromIndex);
    }
    if (maxEntries < 1 || maxEntries > MAX_READ) {
      throw new IllegalArgumentException("maxEntries must be between 1 and " + MAX_READ + ", was " + maxEntries);
    }
    lifecycle.checkReadable();
    long last = state.lastIndex(); // applied: the event log may run ahead during replay
    if (fromIndex > last) {
      return List.of();
    }
    int n = (int) Math.min(maxEntries, last - fromIndex + 1);
    List<LogEntry> out = new ArrayList<>(n);
    events.read(fromIndex, n, (index, engineIndex, body) -> out.add(EntryCodec.decode(index, body)));
    return out;
  }
}
