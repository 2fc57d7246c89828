package io.committed.internal;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.internal.config.Documents;
import io.committed.internal.config.EnvResolver;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.DefaultSyncableContext;
import io.committed.internal.sync.SyncSettings;
import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableFactory;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Turns stored config documents into what plug-ins and workers use. Thread-safe. */
public final class ConfigReader {
  private final StateView state;
  private final Plugins plugins;
  private final UnaryOperator<String> environment;

  public ConfigReader(StateView state, Plugins plugins, UnaryOperator<String> environment) {
    this.state = state;
    this.plugins = plugins;
    this.environment = environment;
  }

  public Plugins plugins() {
    return plugins;
  }

  /**
   * The document's root table.
   *
   * @param strict true to fail on unset {@code ${VAR}}s (using the config), false to leave them
   *     as written (validating it)
   */
  public NodeConfig parse(ConfigDocument doc, boolean strict) {
    return NodeConfig.root(Documents.parse(doc.format(), doc.content()), new EnvResolver(environment, strict));
  }

  public EnvResolver env(boolean strict) {
    return new EnvResolver(environment, strict);
  }

  /** The plug-in section of the current database config {@code id} (e.g. its {@code [sql]} table). */
  public Optional<PluginConfig> database(String id, boolean strict) {
    return state.currentConfig(ConfigKind.DATABASE, id)
        .map(doc -> PluginDocument.of(ConfigKind.DATABASE, parse(doc, strict)).section());
  }

  /** A syncable ready to be created: its factory, its context, and its sync settings. */
  public record SyncableSetup(SyncableFactory factory, DefaultSyncableContext context, SyncSettings settings) {}

  public SyncableSetup syncable(String id, NodeConfig root, SyncSettings defaults, boolean strict) {
    PluginDocument doc = PluginDocument.of(ConfigKind.SYNCABLE, root);
    SyncableFactory factory = plugins.syncable(doc.header().path() + ".type", doc.kind(), doc.dialect());
    DefaultSyncableContext ctx = new DefaultSyncableContext(id, root, doc.section(), doc.topics(),
        db -> database(db, strict));
    NodeConfig h = doc.header();
    SyncSettings s = defaults;
    long batch = h.integer("batchSize", s.batchSize());
    if (batch < 1 || batch > 100_000) {
      throw h.error("batchSize", "must be between 1 and 100000, not " + batch);
    }
    long every = h.integer("checkpointEvery", s.checkpointEvery());
    if (every < 1 || every > 1_000_000) {
      throw h.error("checkpointEvery", "must be between 1 and 1000000, not " + every);
    }
    s = s.withBatchSize((int) batch).withCheckpointEvery((int) every);
    Optional<java.time.Duration> delay = h.duration("batchDelay");
    if (delay.isPresent()) {
      if (delay.get().compareTo(java.time.Duration.ofMinutes(1)) > 0) {
        throw h.error("batchDelay", "must be at most one minute, not " + delay.get());
      }
      s = s.withBatchDelay(delay.get());
    }
    Optional<java.time.Duration> age = h.duration("checkpointMaxAge");
    if (age.isPresent()) {
      s = s.withCheckpointMaxAge(age.get());
    }
    return new SyncableSetup(factory, ctx, s);
  }
}
