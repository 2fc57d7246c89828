package io.committed.testkit;

import static io.committed.testkit.ContractEntries.delete;
import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.LogEntry;
import io.committed.spi.Syncable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every syncable must do. A JUnit 5 test interface: implement it in a test class, and add the
 * opt-in suites for the capabilities the syncable has ({@link ResumableSyncableContract},
 * {@link BadDataSyncableContract}, {@link UnreachableTargetSyncableContract}):
 *
 * <pre>{@code
 * class MySyncableContractTest implements SyncableContract, ResumableSyncableContract {
 *   public Syncable newSyncable() { return new MySyncable(target); }
 *   public Map<String, String> targetState() { return target.rowsAsKeyToJson(); }
 * }
 * }</pre>
 *
 * <p>The suites send the entries of {@link ContractEntries}: configure the syncable under test to
 * follow type {@value ContractEntries#TYPE} and map its fields. Each test starts from an empty
 * target: give each test instance its own target (JUnit makes a new instance per test).
 */
public interface SyncableContract {

  /**
   * A new syncable over the same target as every other one this test creates (as the worker
   * creates a new one after a failure or a leader change). Called at least once per test; the
   * suite closes what it creates.
   */
  Syncable newSyncable() throws Exception;

  /**
   * The target's current content for the suite's type, as key → a text rendering of the row that
   * changes whenever the row's data changes (e.g. its JSON). Deleted keys must be absent.
   */
  Map<String, String> targetState() throws Exception;

  /** Delivers {@code batch} through a new syncable, closed afterwards. */
  default void syncWithNew(List<LogEntry> batch) throws Exception {
    try (Syncable s = newSyncable()) {
      s.sync(batch);
    }
  }

  @Test
  default void upsertsAndDeletesAreAppliedInLogOrder() throws Exception {
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "b", 1), upsert(3, "a", 2)));
    syncWithNew(List.of(delete(4, "b"), upsert(5, "c", 1), upsert(6, "c", 2), delete(7, "c"), upsert(8, "c", 3)));
    Map<String, String> state = targetState();
    assertThat(state).containsOnlyKeys("a", "c");
    assertThat(state.get("a")).contains("2").doesNotContain("name-a-1");
    assertThat(state.get("c")).contains("name-c-3");
  }

  @Test
  default void replayingAnAlreadySyncedBatchChangesNothing() throws Exception {
    List<LogEntry> batch = List.of(upsert(1, "a", 1), upsert(2, "b", 1), delete(3, "a"), upsert(4, "b", 7));
    syncWithNew(batch);
    Map<String, String> once = targetState();
    syncWithNew(batch);
    // after a failure or a leader change, delivery resumes from a checkpoint up to the head
    syncWithNew(batch.subList(1, batch.size()));
    assertThat(targetState()).isEqualTo(once);
  }

  @Test
  default void aReplayedPrefixAfterNewerEntriesDoesNotGoBackInTime() throws Exception {
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "a", 2)));
    Map<String, String> latest = targetState();
    // a new leader re-delivers from an older checkpoint: the same entries, in order, again
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "a", 2)));
    assertThat(targetState()).isEqualTo(latest);
  }
}
