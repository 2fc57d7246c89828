package io.committed.spi;

/**
 * Creates {@link Ingestable}s of one kind. Found through {@link java.util.ServiceLoader}: list the
 * implementation class in {@code META-INF/services/io.committed.spi.IngestableFactory}. It needs a
 * public no-argument constructor.
 *
 * <p>An ingestable config names its kind in {@code [ingestable] type}. A factory that serves one
 * dialect of a kind declares {@code kind:dialect} (e.g. {@code sql:postgres}) and is chosen when
 * the kind's section has that {@code dialect}. No factory, or two with the same kind, is an error
 * that lists the kinds found.
 *
 * <p>A factory whose ingestables copy tables again on request also implements {@link
 * SnapshottingIngestableFactory}.
 *
 * <p>Methods may be called from any thread, concurrently; factories should hold no mutable state.
 */
public interface IngestableFactory {

  /** The kind this factory creates, e.g. {@code sql:postgres}. */
  String kind();

  /**
   * Checks a config document before it is written to the log; throw a
   * {@link io.committed.api.ConfigException} naming the bad field. Called on the node where the
   * config is posted. The default accepts everything.
   */
  default void validate(PluginConfig document, PluginConfig section) {}

  /**
   * Creates the ingestable. Called by the supervisor on the leader each time ingestion (re)starts.
   *
   * @throws Exception treated like a failure of {@link Ingestable#run}
   */
  Ingestable create(IngestContext context) throws Exception;

  /**
   * Releases what an ingestable holds in its source after its config was removed from the log, for
   * example a PostgreSQL replication slot that would otherwise keep WAL forever. Called on the
   * leader that ran it, on the supervisor's control thread, once its last run has returned; not
   * called when the ingestable never ran on the leader of the moment. Best effort: an exception is
   * logged and otherwise ignored. The default does nothing.
   *
   * @param ingestableId the removed ingestable's id
   * @param document its last config document
   * @param section the section of that document named after its kind
   */
  default void removed(String ingestableId, PluginConfig document, PluginConfig section) throws Exception {}
}
