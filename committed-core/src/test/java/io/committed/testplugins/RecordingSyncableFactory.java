package io.committed.testplugins;

import io.committed.api.LogEntry;
import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A syncable kind found only through META-INF/services: it records what it receives, per syncable
 * id, where tests can look.
 */
public final class RecordingSyncableFactory implements SyncableFactory {
  public static final Map<String, List<LogEntry>> RECEIVED = new ConcurrentHashMap<>();

  @Override
  public String kind() {
    return "recording";
  }

  @Override
  public void validate(SyncableContext context) {
    context.config().string("label").ifPresent(l -> {
      if (l.isBlank()) {
        throw context.config().error("label", "must not be blank");
      }
    });
  }

  @Override
  public Syncable create(SyncableContext context) {
    List<LogEntry> sink = RECEIVED.computeIfAbsent(context.syncableId(), k -> new CopyOnWriteArrayList<>());
    return sink::addAll;
  }
}
