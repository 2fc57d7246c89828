package io.committed.spi;

import io.committed.api.LogEntry;
import java.util.List;

/**
 * Optional capability of a {@link Syncable} that records, in the target itself and in the same
 * transaction as the data, the index of the last log entry it applied. The worker then resumes
 * after that index, so entries the target already has are not delivered again
 * (effectively-once).
 */
public interface ResumableSyncable extends Syncable {

  /**
   * The index of the last entry durably applied to the target, or 0 when it has none. Called by
   * the worker thread after {@link SyncableFactory#create} and after every transient failure,
   * before syncing resumes.
   *
   * @throws Exception treated as a transient failure: the worker backs off and asks again
   */
  long lastSyncedIndex() throws Exception;

  /**
   * Applies entries that are deliberately delivered again although the target may have recorded a
   * later index: the replay of a dead letter ({@code log.sync().replay}). Unlike {@link #sync}, it
   * must not skip entries at or below the recorded index (that would drop the replayed entry
   * silently and still clear its dead letter), and it must not move the recorded index back.
   * Called on the worker thread, between batches.
   *
   * <p>The default calls {@link #sync}, which is right for syncables that do not skip recorded
   * entries.
   *
   * @throws Exception classified as for {@link #sync}
   */
  default void syncAgain(List<LogEntry> entries) throws Exception {
    sync(entries);
  }
}
