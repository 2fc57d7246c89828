package io.committed.spi;

/**
 * Brings changes from a source (a database's change stream, a queue, a file) into the log. Users
 * implement it and an {@link IngestableFactory}.
 *
 * <p>Lifecycle, driven by the ingest supervisor that Committed runs for each configured
 * ingestable on the leader node only:
 *
 * <ol>
 *   <li>The supervisor calls {@link IngestableFactory#create} when the config takes effect, the
 *       node becomes leader, or after a failure (with capped exponential backoff).
 *   <li>It calls {@link #run} once, on a thread of its own. {@code run} resumes from
 *       {@link IngestContext#position()}, reads the source, and hands each source transaction to
 *       {@link IngestContext#propose} together with the source position it reaches.
 *   <li>When a proposal's future completes, the proposal is committed (or was a redelivery of one
 *       already committed): only then may the ingestable acknowledge the source up to that
 *       position.
 *   <li>{@code run} returns when {@link IngestContext#stopRequested()} becomes true (the thread is
 *       also interrupted), or throws on failure. A failure restarts the cycle from the last
 *       committed position; after many consecutive failures the ingestable is parked until its
 *       config is posted again.
 *   <li>The supervisor calls {@link #close} after {@code run} has returned or thrown.
 * </ol>
 *
 * <p>Proposals of one run are committed in the order they are made. If one fails, every later one
 * of the same run fails too (the log fences the run), so a position can never be committed past
 * data that was not: on any failed future, stop proposing and throw from {@code run}.
 */
public interface Ingestable extends AutoCloseable {

  /**
   * Reads the source and proposes its changes until asked to stop. Called once per instance, on a
   * thread owned by the supervisor.
   *
   * @throws Exception on failure; the supervisor restarts ingestion from the last committed
   *     position after a backoff
   */
  void run(IngestContext context) throws Exception;

  /** Releases the source's resources. Called once, after {@link #run} ends. Default: nothing. */
  @Override
  default void close() throws Exception {}
}
