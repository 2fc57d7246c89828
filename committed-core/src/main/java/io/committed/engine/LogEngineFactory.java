package io.committed.engine;

/**
 * Creates the log engine. Found through {@link java.util.ServiceLoader}: list the implementation
 * in {@code META-INF/services/io.committed.engine.LogEngineFactory}. Adding {@code committed-raft}
 * to the class path registers the replicated engine; {@code Committed.inMemory()} does not use
 * this lookup.
 */
public interface LogEngineFactory {

  /** A short name for messages and {@code Committed.Builder#engine(String)}, e.g. {@code raft}. */
  String name();

  /**
   * Creates an engine for one log (one replication group). Does not start it: core calls
   * {@link LogEngine#start} once it has built the state machine over {@link LogEngine#eventLog()}.
   *
   * @throws io.committed.api.ConfigException when the config is unusable for this engine
   */
  LogEngine create(EngineConfig config);
}
