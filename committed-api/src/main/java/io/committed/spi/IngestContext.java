package io.committed.spi;

import io.committed.api.Proposal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
   * The scan of the keys that are live in this context's log, when the context can read its log
   * (Committed's own contexts can; a hand-made context for a unit test may not). An ingestable that
   * needs it and finds it empty should fail with a {@link PermanentIngestException} that says so.
   * The default: empty.
   */
  default Optional<LiveKeyScan> liveKeys() {
    return Optional.empty();
  }

  /**
   * The snapshot requests recorded for this ingestable (the most recent {@value
   * #MAX_SNAPSHOT_REQUESTS}), oldest first; see {@link SnapshotRequest}. Cheap: an ingestable that
   * supports them may call it between source transactions. The default: none.
   */
  default List<SnapshotRequest> snapshotRequests() {
    return List.of();
  }

  /**
   * Publishes {@code jsonSchema} (a JSON Schema of the entities this ingestable writes to {@code
   * typeId}: its source tables' columns) as the type's schema, and waits until it is applied: a type
   * that does not exist is defined with it; a type this ingestable defined gets a new version when
   * the schema differs (so entities proposed from now on carry the new version); a type defined any
   * other way is left as it is. The schema is informational: entities are not validated against it.
   * Call it between source transactions, before proposing entities of the new shape.
   *
   * @return the type's version entities proposed from now on are written with; empty when the type
   *     is defined by hand, or the context cannot publish (the default)
   * @throws io.committed.api.CommittedException when the change could not be committed
   */
  default java.util.OptionalInt publishSchema(String typeId, String jsonSchema) {
    return java.util.OptionalInt.empty();
  }

  /** How many snapshot requests the log keeps per ingestable; older ones are dropped. */
  int MAX_SNAPSHOT_REQUESTS = 1000;

  /** True once the supervisor wants {@link Ingestable#run} to return (stop, leadership moved). */
  boolean stopRequested();

  /** Publishes the ingestable's progress for its status; cheap, call as often as useful. */
  void reportStatus(IngestStatus status);
}
