package io.committed.spi;

import io.committed.api.LogEntry;
import java.util.List;

/**
 * Projects log entries out of the log into a target system (a database, an HTTP endpoint, a
 * cache). Users implement it and a {@link SyncableFactory}.
 *
 * <p>Lifecycle, driven by the sync worker that Committed runs for each configured syncable on the
 * leader node only:
 *
 * <ol>
 *   <li>The worker calls {@link SyncableFactory#create} when the syncable's config takes effect or
 *       the node becomes leader.
 *   <li>If the syncable implements {@link ResumableSyncable}, the worker asks where the target
 *       stands and starts after it (or after the replicated checkpoint, whichever is later).
 *   <li>The worker calls {@link #sync} repeatedly with batches of entries in increasing log index
 *       order. Each entry holds only the entities of the types this syncable follows; entries with
 *       none are not delivered.
 *   <li>The worker calls {@link #close} when it stops: the config was replaced or removed,
 *       leadership moved, or the log is closing. No call follows {@code close}.
 * </ol>
 *
 * <p>All calls for one syncable instance come from one worker thread, one at a time, so an
 * implementation needs no locking of its own.
 *
 * <p>Delivery is at least once: after a failure, a restart or a leader change, entries that were
 * already synced may be delivered again (at most those after the last checkpoint). Applying an
 * entry twice must therefore be harmless, for example an upsert by key, or skipping entries whose
 * index the target already recorded.
 */
public interface Syncable extends AutoCloseable {

  /**
   * Writes a batch of entries to the target. Returning normally means the whole batch is durable
   * in the target; the worker may then checkpoint past it.
   *
   * <p>Failures are classified by what is thrown:
   *
   * <ul>
   *   <li>{@link PermanentSyncException}: the data can never be written (a constraint violation,
   *       a value the target rejects). The worker isolates the failing entry, records it in the
   *       replicated dead-letter list, and moves on.
   *   <li>Any other exception, including unchecked ones: transient (connection lost, timeout). The
   *       worker retries from the first entry of the batch after a capped exponential backoff and
   *       never skips an entry. The retried batch may be larger or smaller.
   * </ul>
   *
   * @param batch one or more entries, in increasing index order, never null or empty; the list
   *     is not modified by the caller afterwards and may be kept
   * @throws Exception to signal failure; see above for how it is classified
   */
  void sync(List<LogEntry> batch) throws Exception;

  /** Releases the target's resources. Called once, by the worker thread. The default does nothing. */
  @Override
  default void close() throws Exception {}
}
