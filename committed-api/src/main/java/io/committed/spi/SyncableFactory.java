package io.committed.spi;

/**
 * Creates {@link Syncable}s of one kind. Found through {@link java.util.ServiceLoader}: list the
 * implementation class in {@code META-INF/services/io.committed.spi.SyncableFactory}. It needs a
 * public no-argument constructor.
 *
 * <p>A syncable config names its kind in {@code [syncable] type}, e.g. {@code type = "sql"}. A
 * factory that serves only one dialect of a kind declares {@code kind:dialect} (e.g.
 * {@code sql:postgres}) and is chosen when the kind's section has that {@code dialect}; a factory
 * that declares the bare kind serves every other dialect. No factory, or two with the same kind,
 * is an error that lists the kinds found.
 *
 * <p>Methods may be called from any thread, concurrently; factories should hold no mutable state.
 */
public interface SyncableFactory {

  /** The kind this factory creates, e.g. {@code sql}, {@code http}, or {@code sql:postgres}. */
  String kind();

  /**
   * Checks a config document before it is written to the log. Throw a
   * {@link io.committed.api.ConfigException} naming the bad field (see {@link PluginConfig#error}).
   * Called on the node where the config is posted, with {@code ${VAR}} references unresolved when
   * the variable is unset there. The default accepts everything.
   *
   * @param context the config under validation; {@link SyncableContext#database} sees the
   *     databases defined when validation runs
   */
  default void validate(SyncableContext context) {}

  /**
   * Creates the syncable. Called by the sync worker thread on the leader, each time the worker
   * (re)starts. Connect to the target here or lazily in the first {@link Syncable#sync}.
   *
   * @throws Exception treated as a transient failure: the worker backs off and calls again
   */
  Syncable create(SyncableContext context) throws Exception;
}
