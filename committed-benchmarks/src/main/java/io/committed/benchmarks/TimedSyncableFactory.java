package io.committed.benchmarks;

import io.committed.api.LogEntry;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * A resumable syncable factory's syncables under another kind, noting when each entry's
 * {@code sync} call returned (the broker acknowledged it) and freeing the live writer's window.
 */
final class TimedSyncableFactory implements SyncableFactory {
  private final String kind;
  private final SyncableFactory inner;
  private final Map<Long, Long> acked;
  private final Map<Long, Long> committed;
  private final Semaphore window;

  /**
   * @param acked log index → when its sync call returned (nanoTime), filled here
   * @param committed log index → when its proposal committed, filled by the writer
   * @param window the writer's permits, one released per entry acknowledged
   */
  TimedSyncableFactory(String kind, SyncableFactory inner, Map<Long, Long> acked, Map<Long, Long> committed,
      Semaphore window) {
    this.kind = kind;
    this.inner = inner;
    this.acked = acked;
    this.committed = committed;
    this.window = window;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Syncable create(SyncableContext context) throws Exception {
    ResumableSyncable wrapped = (ResumableSyncable) inner.create(context);
    return new ResumableSyncable() {
      @Override
      public long lastSyncedIndex() throws Exception {
        // after a failure, entries the target already has are not delivered again: count them as
        // acknowledged now (a few latencies are overstated) so that the writer's window does not leak
        long last = wrapped.lastSyncedIndex();
        long now = System.nanoTime();
        int fresh = 0;
        for (Long index : committed.keySet()) {
          if (index <= last && acked.putIfAbsent(index, now) == null) {
            fresh++;
          }
        }
        window.release(fresh);
        return last;
      }

      @Override
      public void sync(List<LogEntry> entries) throws Exception {
        wrapped.sync(entries);
        long now = System.nanoTime();
        int fresh = 0;
        for (LogEntry e : entries) {
          if (acked.putIfAbsent(e.index(), now) == null) {
            fresh++;
          }
        }
        window.release(fresh);
      }

      @Override
      public void close() throws Exception {
        wrapped.close();
      }
    };
  }
}
