package io.committed;

import java.util.List;

/**
 * Sync progress and failure handling of the syncables, from {@link CommittedLog#sync()}.
 * Operations that change state are committed through the log and wait for it, like
 * {@link ConfigRegistry} changes, with the same exceptions.
 */
public interface SyncControl {

  /**
   * The syncable's progress.
   *
   * @throws io.committed.api.NotFoundException when no syncable has that id
   */
  SyncableStatus status(String syncableId);

  /**
   * Waits until the syncable has delivered every entry up to {@code index} (skipping those not of
   * its types, and dead letters): read-your-writes for a projection. On the leader this follows the
   * worker; elsewhere, the replicated checkpoint. The caller is woken when the syncable gets there,
   * not by polling.
   *
   * @return true when it got there, false when {@code timeout} passed first
   * @throws io.committed.api.NotFoundException when no syncable has that id, or it is removed while
   *     waiting
   * @throws io.committed.api.LogClosedException when the log is closed while waiting
   * @throws io.committed.api.OperationInterruptedException when the thread is interrupted while
   *     waiting (its interrupt status is set again)
   */
  boolean awaitSynced(String syncableId, long index, java.time.Duration timeout);

  /**
   * The syncable's dead letters (entries the target refused), oldest first.
   *
   * @throws io.committed.api.NotFoundException when no syncable has that id
   */
  List<DeadLetter> deadLetters(String syncableId);

  /**
   * Marks a dead letter as seen by an operator; it stays listed, acknowledged.
   *
   * @throws io.committed.api.NotFoundException when there is no such dead letter
   */
  void acknowledge(String syncableId, long index);

  /**
   * Delivers a dead letter's entry to the syncable again, on the leader. When it succeeds the dead
   * letter is removed.
   *
   * @throws io.committed.api.NotFoundException when there is no such dead letter
   * @throws io.committed.api.NotLeaderException when this node does not run the syncable
   * @throws io.committed.api.CommittedException with the target's error when it fails again
   */
  void replay(String syncableId, long index);

  /**
   * Restarts the syncable from the first entry of the log: its checkpoint goes back to 0 and its
   * dead letters are cleared. A syncable that can reset its target (e.g. drop its table) does so
   * first. Progress shows in {@link #status}.
   *
   * @throws io.committed.api.NotFoundException when no syncable has that id
   */
  void rebuild(String syncableId);
}
