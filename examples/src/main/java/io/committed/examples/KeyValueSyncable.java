package io.committed.examples;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.Syncable;
import java.util.List;
import java.util.Map;

/** Projects entities into a map, key to latest data: upserts put, deletes remove. */
public final class KeyValueSyncable implements Syncable {
  private final Map<String, String> target;

  public KeyValueSyncable(Map<String, String> target) {
    this.target = target;
  }

  @Override
  public void sync(List<LogEntry> batch) {
    for (LogEntry entry : batch) {
      for (Entity e : entry.entities()) {
        if (e.delete()) {
          target.remove(e.keyAsString());
        } else {
          target.put(e.keyAsString(), e.dataAsString()); // an upsert: replaying it is harmless
        }
      }
    }
  }
}
