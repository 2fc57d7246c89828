package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every syncable must do. Users extend it for their own syncables:
 *
 * <pre>{@code
 * class MySyncableContractTest extends SyncableContract {
 *   protected Syncable newSyncable() { return new MySyncable(target); }
 *   protected Map<String, String> targetState() { return target.rowsAsKeyToJson(); }
 * }
 * }</pre>
 *
 * <p>The suite sends entries of type {@value #TYPE} whose keys are UTF-8 strings and whose data is
 * a JSON object {@code {"id": <key>, "n": <number>, "name": <string>}}; configure the syncable
 * under test to follow that type and map those fields.
 */
public abstract class SyncableContract {
  /** The type of the entries the suite sends. */
  protected static final String TYPE = "contract";

  /**
   * A new syncable over the same target as every other one this test creates (as the worker
   * creates a new one after a failure or a leader change). Called at least once per test; the
   * suite closes what it creates.
   */
  protected abstract Syncable newSyncable() throws Exception;

  /**
   * The target's current content for the suite's type, as key → a text rendering of the row that
   * changes whenever the row's data changes (e.g. its JSON). Deleted keys must be absent.
   */
  protected abstract Map<String, String> targetState() throws Exception;

  /**
   * An entry the target refuses permanently (e.g. data that violates a constraint), if the
   * syncable can get one. Empty skips the classification test.
   */
  protected Optional<LogEntry> permanentlyBadEntry(long index) {
    return Optional.empty();
  }

  /** Makes the target unreachable (stop it, cut its connection), if the test can. */
  protected boolean breakTarget() throws Exception {
    return false;
  }

  /** Undoes {@link #breakTarget}. */
  protected void repairTarget() throws Exception {}

  /** An upsert entry at {@code index} for {@code key} with number {@code n}. */
  protected static LogEntry upsert(long index, String key, int n) {
    String json = "{\"id\":\"" + key + "\",\"n\":" + n + ",\"name\":\"name-" + key + "-" + n + "\"}";
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(index),
        Proposal.of(Entity.upsert(TYPE, key, json)), Map.of(TYPE, 1));
  }

  /** A delete entry at {@code index} for {@code key}. */
  protected static LogEntry delete(long index, String key) {
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(index),
        Proposal.of(Entity.delete(TYPE, key)), Map.of(TYPE, 1));
  }

  private void syncWithNew(List<LogEntry> batch) throws Exception {
    try (Syncable s = newSyncable()) {
      s.sync(batch);
    }
  }

  @Test
  void upsertsAndDeletesAreAppliedInLogOrder() throws Exception {
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "b", 1), upsert(3, "a", 2)));
    syncWithNew(List.of(delete(4, "b"), upsert(5, "c", 1), upsert(6, "c", 2), delete(7, "c"), upsert(8, "c", 3)));
    Map<String, String> state = targetState();
    assertThat(state).containsOnlyKeys("a", "c");
    assertThat(state.get("a")).contains("2").doesNotContain("name-a-1");
    assertThat(state.get("c")).contains("name-c-3");
  }

  @Test
  void replayingAnAlreadySyncedBatchChangesNothing() throws Exception {
    List<LogEntry> batch = List.of(upsert(1, "a", 1), upsert(2, "b", 1), delete(3, "a"), upsert(4, "b", 7));
    syncWithNew(batch);
    Map<String, String> once = targetState();
    syncWithNew(batch);
    // after a failure or a leader change, delivery resumes from a checkpoint up to the head
    syncWithNew(batch.subList(1, batch.size()));
    assertThat(targetState()).isEqualTo(once);
  }

  @Test
  void aReplayedPrefixAfterNewerEntriesDoesNotGoBackInTime() throws Exception {
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "a", 2)));
    Map<String, String> latest = targetState();
    // a new leader re-delivers from an older checkpoint: the same entries, in order, again
    syncWithNew(List.of(upsert(1, "a", 1), upsert(2, "a", 2)));
    assertThat(targetState()).isEqualTo(latest);
  }

  @Test
  void aResumableSyncableReportsTheLastIndexItApplied() throws Exception {
    try (Syncable s = newSyncable()) {
      Assumptions.assumeTrue(s instanceof ResumableSyncable, "the syncable is not a ResumableSyncable");
      s.sync(List.of(upsert(1, "a", 1), upsert(2, "b", 1)));
    }
    try (Syncable s = newSyncable()) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).isEqualTo(2);
    }
  }

  @Test
  void dataTheTargetCanNeverAcceptIsAPermanentFailure() throws Exception {
    Optional<LogEntry> bad = permanentlyBadEntry(2);
    Assumptions.assumeTrue(bad.isPresent(), "no permanently bad entry for this syncable");
    try (Syncable s = newSyncable()) {
      assertThatThrownBy(() -> s.sync(List.of(upsert(1, "a", 1), bad.get())))
          .isInstanceOf(PermanentSyncException.class);
    }
    try (Syncable s = newSyncable()) {
      s.sync(List.of(upsert(1, "a", 1)));
    }
    assertThat(targetState()).containsKey("a");
  }

  @Test
  void anUnreachableTargetIsATransientFailure() throws Exception {
    Assumptions.assumeTrue(breakTarget(), "this test cannot make the target unreachable");
    List<Throwable> failures = new ArrayList<>();
    try {
      try (Syncable s = newSyncable()) {
        s.sync(List.of(upsert(1, "a", 1)));
      } catch (Exception e) {
        failures.add(e);
      }
    } finally {
      repairTarget();
    }
    assertThat(failures).singleElement().isNotInstanceOf(PermanentSyncException.class);
    syncWithNew(List.of(upsert(1, "a", 1)));
    assertThat(targetState()).containsKey("a");
  }
}
