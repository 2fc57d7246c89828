package io.committed.ingest.sql.internal;

import io.committed.spi.IngestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each topic's JSON Schema from its tables' shapes ({@link TopicSchema},
 * {@link IngestContext#publishSchema}): given every table's shape at the start of a run, then each
 * shape as the source reports it; a topic's schema is published again when a shape of its tables
 * changes. Used on the ingestable's thread only.
 */
public final class SchemaPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaPublisher.class);

  private final IngestContext ctx;
  private final List<TopicSpec> topics;
  private final boolean enabled;
  private final Map<TableName, TopicSchema.Table> shapes = new HashMap<>();
  private final Map<String, String> published = new HashMap<>();

  /** @param enabled false: publishes nothing ({@code publish_schemas = false}) */
  public SchemaPublisher(IngestContext ctx, List<TopicSpec> topics, boolean enabled) {
    this.ctx = ctx;
    this.topics = List.copyOf(topics);
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The start of a run: every captured table's shape; each topic's schema is published. */
  public void publishAll(List<TopicSchema.Table> tables) {
    if (!enabled) {
      return;
    }
    tables.forEach(t -> shapes.put(t.name(), t));
    topics.forEach(this::publish);
  }

  /**
   * A table's shape as the source now reports it: when it differs from the last one, the table's
   * topic's schema is published again (call it before proposing rows of that shape).
   */
  public void shape(TopicSchema.Table table) {
    if (!enabled || table.equals(shapes.get(table.name()))) {
      return;
    }
    shapes.put(table.name(), table);
    TopicSpec.topicOf(topics, table.name()).ifPresent(this::publish);
  }

  private void publish(TopicSpec topic) {
    List<TopicSchema.Table> tables = new ArrayList<>();
    for (TableName t : topic.tables()) {
      TopicSchema.Table shape = shapes.get(t);
      if (shape != null) {
        tables.add(shape);
      }
    }
    if (tables.isEmpty()) {
      return;
    }
    String schema = TopicSchema.of(topic, tables);
    if (schema.equals(published.get(topic.topic()))) {
      return;
    }
    if (ctx.publishSchema(topic.topic(), schema).isEmpty() && !published.containsKey(topic.topic())) {
      LOG.info("ingestable '{}': type '{}' is defined by hand (or by another ingestable): its schema is not"
          + " published from the tables",
          ctx.ingestableId(), topic.topic());
    }
    published.put(topic.topic(), schema);
  }
}
