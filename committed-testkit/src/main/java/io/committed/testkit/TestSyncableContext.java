package io.committed.testkit;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.internal.config.Documents;
import io.committed.internal.config.EnvResolver;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.sync.DefaultSyncableContext;
import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Builds the {@link SyncableContext} a {@link io.committed.spi.SyncableFactory} is given, from the
 * same documents a log would hold, read the way the log reads them: for unit tests of a factory
 * and of the syncables it creates, without a running log.
 *
 * <pre>{@code
 * SyncableContext ctx = TestSyncableContext.builder()
 *     .document("""
 *         [syncable]
 *         type = "kv"
 *         [kv]
 *         topic = "product"
 *         """)
 *     .build();
 * Syncable s = new KeyValueSyncableFactory().create(ctx);
 * }</pre>
 *
 * <p>{@code ${VAR}} references resolve against {@link Builder#environment}; an unset one fails
 * with a {@link io.committed.api.ConfigException} naming the field when the field is read, as it
 * does in the worker. Not thread-safe; the context
 * built is immutable.
 */
public final class TestSyncableContext {
  private TestSyncableContext() {}

  /** A builder with syncable id {@code test}, no databases and an empty environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the documents of a context. */
  public static final class Builder {
    private String syncableId = "test";
    private byte[] document;
    private final Map<String, byte[]> databases = new LinkedHashMap<>();
    private UnaryOperator<String> environment = name -> null;

    private Builder() {}

    /** The syncable's id (default {@code test}). */
    public Builder syncableId(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("syncableId must not be blank");
      }
      this.syncableId = id;
      return this;
    }

    /** The syncable's config document, TOML or JSON, with its {@code [syncable]} table. Required. */
    public Builder document(String document) {
      this.document = Objects.requireNonNull(document, "document").getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** A database config document (TOML or JSON, with its {@code [database]} table) under {@code id}. */
    public Builder database(String id, String document) {
      Objects.requireNonNull(id, "id");
      databases.put(id, Objects.requireNonNull(document, "document").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Where {@code ${VAR}} references are looked up; null for an unset variable (default: none set). */
    public Builder environment(UnaryOperator<String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Variables for {@code ${VAR}} references, as a map. */
    public Builder environment(Map<String, String> variables) {
      Map<String, String> copy = new HashMap<>(variables);
      return environment(copy::get);
    }

    /**
     * The context, as the log would give it to the factory.
     *
     * @throws IllegalStateException when no document was given
     * @throws io.committed.api.ConfigException when a document is malformed: no {@code [syncable]}
     *     table, no {@code topic}, ...; the message names the field
     */
    public SyncableContext build() {
      if (document == null) {
        throw new IllegalStateException("a syncable document is required: call document(...)");
      }
      EnvResolver env = new EnvResolver(environment, true);
      NodeConfig root = parse(document, env);
      PluginDocument doc = PluginDocument.of(ConfigKind.SYNCABLE, root);
      Map<String, PluginConfig> dbs = new HashMap<>();
      databases.forEach((id, d) -> dbs.put(id, PluginDocument.of(ConfigKind.DATABASE, parse(d, env)).section()));
      return new DefaultSyncableContext(syncableId, root, doc.section(), doc.topics(),
          id -> Optional.ofNullable(dbs.get(id)));
    }

    private static NodeConfig parse(byte[] document, EnvResolver env) {
      return NodeConfig.root(Documents.parse(ConfigFormat.detect(document), document), env);
    }
  }
}
