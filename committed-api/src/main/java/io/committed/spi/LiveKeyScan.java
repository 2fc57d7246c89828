package io.committed.spi;

import java.util.function.Consumer;

/**
 * An optional capability of an {@link IngestContext}: listing the keys of a type that are live in
 * the log, whose last entity in the log is an upsert, not a delete. Lets an ingestable that copies
 * its source again find the keys the source no longer has, and propose their deletes. Reached
 * through {@link IngestContext#liveKeys()}; Committed's own contexts offer it.
 */
public interface LiveKeyScan {

  /**
   * Calls {@code action} with every live key of {@code typeId}.
   *
   * <ul>
   *   <li><b>Thread:</b> call it from the ingestable's own thread (the one in {@link
   *       Ingestable#run}); it blocks until the scan is complete, then calls {@code action} on
   *       that same thread, once per key, in no particular order. {@code action} may call {@link
   *       IngestContext#propose}.
   *   <li><b>What it sees:</b> the entries applied on this node when the call starts, of every
   *       writer, not only this ingestable; later entries are not seen. This run's own proposals
   *       are included once their futures have completed (wait for them first).
   *   <li><b>Cost:</b> it reads and decodes the whole log, from entry 1, every time it is called,
   *       and holds the live keys of the type in memory (about the number of live keys times
   *       their size plus about 100 bytes each) until it returns. Meant for rare events, such as
   *       a re-snapshot, not for every transaction.
   *   <li>Each key is a fresh array that {@code action} may keep.
   * </ul>
   *
   * @param typeId the type whose live keys are wanted
   * @param action called once per live key
   * @throws io.committed.api.CommittedException when the log cannot be read (e.g. it is closed)
   */
  void forEachLiveKey(String typeId, Consumer<byte[]> action);
}
