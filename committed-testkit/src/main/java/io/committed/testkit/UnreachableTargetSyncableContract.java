package io.committed.testkit;

import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Opt-in suite for a syncable whose test can make the target unreachable: an outage is a transient
 * failure (the worker retries with backoff and skips nothing), never a permanent one, and delivery
 * works again once the target is back.
 */
public interface UnreachableTargetSyncableContract extends SyncableContract {

  /** Makes the target unreachable for the syncables created from now on (stop it, cut its connection). */
  void breakTarget() throws Exception;

  /** Undoes {@link #breakTarget}. */
  void repairTarget() throws Exception;

  @Test
  default void anUnreachableTargetIsATransientFailure() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    breakTarget();
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
