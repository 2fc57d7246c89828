package io.committed.spi;

import java.util.Optional;
import java.util.Set;

/**
 * What a {@link SyncableFactory} is given to create a {@link Syncable}: its id, its config, the
 * types it follows, and the other configs it may refer to.
 */
public interface SyncableContext {

  /** The syncable's id (the id its config was defined under). */
  String syncableId();

  /** The syncable's whole config document, e.g. with its {@code [syncable]} and {@code [sql]} tables. */
  PluginConfig document();

  /** The section of the document named after the syncable's kind, e.g. {@code [sql]}. */
  PluginConfig config();

  /**
   * The type ids this syncable follows, from its section's {@code topic} or {@code topics} field.
   * Contains {@code "*"} when the syncable follows every type. Never empty.
   */
  Set<String> types();

  /**
   * The current {@code [sql]}-style section of the database config with this id, with
   * {@code ${VAR}} references resolvable.
   *
   * @return empty when no database with that id is defined
   */
  Optional<PluginConfig> database(String databaseId);
}
