package io.committed.spi;

/**
 * Optional capability of a {@link Syncable} that can empty its target, so that a rebuild (replay
 * of the whole log) starts from a clean slate: rows that no longer exist in the log disappear.
 *
 * <p>The worker calls {@link #resetTarget} after a rebuild was requested, before delivering entry
 * 1 again. It may be called more than once for one rebuild (if leadership moves before the first
 * checkpoint), so it must be idempotent. A syncable without this capability simply receives the
 * whole log again.
 */
public interface RebuildableSyncable extends Syncable {

  /**
   * Empties the target (drop and recreate, or truncate) and forgets any position it recorded.
   * Called on the worker thread.
   *
   * @throws Exception treated as a transient failure: the worker backs off and tries again
   */
  void resetTarget() throws Exception;
}
