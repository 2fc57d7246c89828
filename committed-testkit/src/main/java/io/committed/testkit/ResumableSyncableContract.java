package io.committed.testkit;

import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Opt-in suite for a syncable that implements {@link ResumableSyncable}: it records in its target
 * the last index it applied, and every syncable it creates reports it.
 */
public interface ResumableSyncableContract extends SyncableContract {

  @Test
  default void everySyncableItCreatesIsResumable() throws Exception {
    try (Syncable s = newSyncable()) {
      assertThat(s).as("the syncable under test").isInstanceOf(ResumableSyncable.class);
    }
  }

  @Test
  default void aNewSyncableReportsTheLastIndexTheTargetApplied() throws Exception {
    try (Syncable s = newSyncable()) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).as("an empty target's last index").isZero();
    }
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "b", 1)));
    try (Syncable s = newSyncable()) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).isEqualTo(2);
    }
    syncWithNew(List.of(upsert(1, "a", 1))); // a replay of older entries does not move it back
    try (Syncable s = newSyncable()) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).isEqualTo(2);
    }
  }
}
