package io.committed.testkit;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract run against a tiny key-value syncable, which is also the shape the README's
 * "write your own Syncable" example takes.
 */
class MapSyncableContractTest
    implements ResumableSyncableContract, BadDataSyncableContract, UnreachableTargetSyncableContract {
  private final Map<String, String> rows = new TreeMap<>();
  private long lastIndex;
  private boolean down;

  @Override
  public Syncable newSyncable() {
    return new ResumableSyncable() {
      @Override
      public long lastSyncedIndex() {
        return lastIndex;
      }

      @Override
      public void sync(List<LogEntry> batch) throws IOException {
        if (down) {
          throw new IOException("target unreachable");
        }
        for (LogEntry e : batch) {
          for (Entity en : e.entities()) {
            if (en.dataAsString().contains("\"n\":-1")) {
              throw new PermanentSyncException("n must not be negative", e.index(), null);
            }
          }
        }
        for (LogEntry e : batch) {
          if (e.index() <= lastIndex) {
            continue; // already applied: effectively once
          }
          for (Entity en : e.entities()) {
            if (en.delete()) {
              rows.remove(en.keyAsString());
            } else {
              rows.put(en.keyAsString(), en.dataAsString());
            }
          }
          lastIndex = e.index();
        }
      }
    };
  }

  @Override
  public Map<String, String> targetState() {
    return Map.copyOf(rows);
  }

  @Override
  public LogEntry permanentlyBadEntry(long index) {
    return new LogEntry(index, java.time.Instant.EPOCH,
        Proposal.of(Entity.upsert(ContractEntries.TYPE, "bad", "{\"id\":\"bad\",\"n\":-1}")), Map.of());
  }

  @Override
  public void breakTarget() {
    down = true;
  }

  @Override
  public void repairTarget() {
    down = false;
  }
}
