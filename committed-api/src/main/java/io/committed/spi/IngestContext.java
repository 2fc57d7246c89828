package io.committed.spi;

import io.committed.api.Proposal;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What an {@link Ingestable} is given: its config, where it stands, and the way to commit source
 * transactions. Methods may be called from any thread of the ingestable.
 */
public interface IngestContext {

  /** The ingestable's id. */
  String ingestableId();

  /** The whole config document, e.g. with its {@code [ingestable]} and {@code [sql]} tables. */
  PluginConfig document();

  /** The section of the document named after the ingestable's kind, e.g. {@code [sql]}. */
  PluginConfig config();

  /** The last position committed to the log for this ingestable, or empty before the first one. */
  Optional<SourcePosition> position();

  /**
   * Proposes one source transaction together with the position it reaches, atomically.
   *
   * <p>The future completes with the entry's log index once it is committed, or with 0 when its
   * {@code position.sequence()} was not above the high-water mark (a redelivery: already in the
   * log). Either way the source may now be acknowledged up to {@code position}. It completes
   * exceptionally when the proposal was not committed, or its outcome is unknown; every later
   * proposal of this run then fails too, and the ingestable should throw from {@link
   * Ingestable#run} so the supervisor restarts it from {@link #position()}.
   */
  CompletableFuture<Long> propose(Proposal proposal, SourcePosition position);

  /**
   * Commits a position without data: progress through source transactions that produced no
   * entities, or a heartbeat. Completes like {@link #propose}, with 0.
   */
  CompletableFuture<Long> commitPosition(SourcePosition position);

  /**
   * Calls {@code action} with every key of {@code typeId} that is live in the log: whose last
   * entity in the log is an upsert, not a delete. Lets an ingestable that copies a source again
   * find the keys the source no longer has, and propose their deletes.
   *
   * <ul>
   *   <li><b>Thread:</b> call it from the ingestable's own thread (the one in {@link
   *       Ingestable#run}); it blocks until the scan is complete, then calls {@code action} on
   *       that same thread, once per key, in no particular order. {@code action} may call {@link
   *       #propose}.
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
   * <p>The default throws {@link UnsupportedOperationException}: a context that cannot read its
   * log. Committed's own context implements it.
   *
   * @param typeId the type whose live keys are wanted
   * @param action called once per live key
   * @throws UnsupportedOperationException when this context cannot read the log
   * @throws io.committed.api.CommittedException when the log cannot be read (e.g. it is closed)
   */
  default void forEachLiveKey(String typeId, Consumer<byte[]> action) {
    throw new UnsupportedOperationException("this ingest context cannot list the live keys of the log");
  }

  /** True once the supervisor wants {@link Ingestable#run} to return (stop, leadership moved). */
  boolean stopRequested();

  /** Publishes the ingestable's progress for its status; cheap, call as often as useful. */
  void reportStatus(IngestStatus status);
}
