package io.committed.sync.kafka;

import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import io.committed.sync.kafka.internal.KafkaSyncable;
import io.committed.sync.kafka.internal.KafkaSyncableConfig;

/**
 * The syncable of kind {@code kafka}: publishes the entities of its topics to Kafka topics, one
 * record per entity keyed by the entity key, in log order. Registered in
 * {@code META-INF/services/io.committed.spi.SyncableFactory}.
 *
 * <pre>
 * [syncable]
 * type = "kafka"
 * [kafka]
 * topic = "order"
 * bootstrapServers = ["127.0.0.1:9092"]
 * destination = "orders.${type}"
 * </pre>
 *
 * <p>What it guarantees: records reach each partition in log order (so per key); in the default
 * transactional mode each batch and the position it completes are one Kafka transaction, so after
 * a crash or a leader change a {@code read_committed} consumer sees every entity exactly once; a
 * record Kafka can never take (too large, an invalid or forbidden topic) dead-letters only its
 * entry; an unreachable broker or a timeout is retried. The full reference is
 * {@code docs/broker-sync.md}.
 */
public final class KafkaSyncableFactory implements SyncableFactory {

  /** Public for {@link java.util.ServiceLoader}. */
  public KafkaSyncableFactory() {}

  @Override
  public String kind() {
    return "kafka";
  }

  /**
   * Checks the {@code [kafka]} section: servers, routing templates and their fields, mode,
   * transactional id, position topic, timeouts and producer settings. Each problem is a
   * {@link io.committed.api.ConfigException} naming the field. Does not connect.
   */
  @Override
  public void validate(SyncableContext context) {
    KafkaSyncableConfig.parse(context);
  }

  /** Creates the syncable; it connects on first use. */
  @Override
  public Syncable create(SyncableContext context) {
    return new KafkaSyncable(KafkaSyncableConfig.parse(context));
  }
}
