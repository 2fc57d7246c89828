package io.committed.testkit;

import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Opt-in suite for a syncable whose target can refuse data for good (a constraint, a type that
 * does not fit): it must say so with a {@link PermanentSyncException} (naming the entry when it
 * knows it), so that the worker dead-letters that entry and moves on rather than retrying forever.
 */
public interface BadDataSyncableContract extends SyncableContract {

  /**
   * An entry at {@code index} the target refuses permanently (e.g. data that violates a
   * constraint).
   */
  LogEntry permanentlyBadEntry(long index);

  @Test
  default void dataTheTargetCanNeverAcceptIsAPermanentFailure() throws Exception {
    LogEntry bad = permanentlyBadEntry(2);
    try (Syncable s = newSyncable()) {
      assertThatThrownBy(() -> s.sync(List.of(upsert(1, "a", 1), bad)))
          .isInstanceOfSatisfying(PermanentSyncException.class, e -> assertThat(e.entryIndex().orElse(2))
              .as("the entry the exception names, when it names one").isEqualTo(2));
    }
    syncWithNew(List.of(upsert(1, "a", 1)));
    assertThat(targetState()).containsKey("a");
  }
}
