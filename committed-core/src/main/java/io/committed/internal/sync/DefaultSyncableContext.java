package io.committed.internal.sync;

import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The {@link SyncableContext} given to factories. */
public record DefaultSyncableContext(
    String syncableId,
    PluginConfig document,
    PluginConfig config,
    Set<String> types,
    Function<String, Optional<PluginConfig>> databases) implements SyncableContext {

  public DefaultSyncableContext {
    types = Set.copyOf(types);
  }

  @Override
  public Optional<PluginConfig> database(String databaseId) {
    return databases.apply(databaseId);
  }
}
