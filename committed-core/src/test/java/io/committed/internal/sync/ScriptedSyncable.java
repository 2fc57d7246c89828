package io.committed.internal.sync;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A syncable whose failures follow a script, recording every attempt and every success. Its
 * "target" is shared across instances, as a database would be.
 */
final class ScriptedSyncable implements Syncable {

  /** What a call does; null means succeed. */
  enum Outcome { TRANSIENT, PERMANENT }

  /** Shared between the instances a worker creates, like the target system. */
  static final class Target {
    final List<List<Long>> attempts = new ArrayList<>();
    final List<LogEntry> synced = new ArrayList<>();
    int calls;
    int opened;
    int closed;
  }

  private final Target target;
  private final BiFunction<Integer, List<LogEntry>, Outcome> script;

  ScriptedSyncable(Target target, BiFunction<Integer, List<LogEntry>, Outcome> script) {
    this.target = target;
    this.script = script;
    target.opened++;
  }

  @Override
  public void sync(List<LogEntry> batch) throws Exception {
    int call = ++target.calls;
    target.attempts.add(batch.stream().map(LogEntry::index).toList());
    Outcome o = script.apply(call, batch);
    if (o == Outcome.TRANSIENT) {
      throw new java.io.IOException("connection reset (scripted, call " + call + ")");
    }
    if (o == Outcome.PERMANENT) {
      throw new PermanentSyncException("bad data (scripted, call " + call + ")");
    }
    target.synced.addAll(batch);
  }

  @Override
  public void close() {
    target.closed++;
  }

  List<Long> syncedIndexes() {
    return target.synced.stream().map(LogEntry::index).toList();
  }
}
