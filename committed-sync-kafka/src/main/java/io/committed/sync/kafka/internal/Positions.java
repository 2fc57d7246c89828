package io.committed.sync.kafka.internal;

import io.committed.sync.routing.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The position topic: one record per published batch, keyed by the syncable's transactional id
 * ({@code committed-<syncable id>} unless configured), whose value is
 * the last log index the batch completes (decimal text). Partition 0 holds every syncable's
 * records; the topic is compacted, so it keeps about one record per syncable.
 *
 * <p>Reading finds this syncable's newest record by scanning back from the end of the partition
 * in growing windows, with {@code read_committed}: a record of an aborted transaction is never
 * seen, so the position is exactly what committed transactions published.
 */
final class Positions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Positions.class);
  private static final int FIRST_WINDOW = 256;

  private final KafkaSyncableConfig config;
  private final TopicPartition partition;
  private final byte[] key;
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean topicChecked;

  Positions(KafkaSyncableConfig config) {
    this.config = config;
    this.partition = new TopicPartition(config.positionTopic(), 0);
    this.key = config.transactionalId().getBytes(StandardCharsets.UTF_8);
  }

  /** Adds this syncable's position record for {@code index} to the producer's current batch. */
  void send(KafkaProducer<byte[], byte[]> producer, long index, Sends sends) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.positionTopic(), 0, key,
        Long.toString(index).getBytes(StandardCharsets.UTF_8),
        List.of(new RecordHeader(Headers.SYNCABLE, config.syncableId().getBytes(StandardCharsets.UTF_8))));
    sends.send(producer, index, -1, record);
  }

  /** The last index this syncable recorded, or 0 when it recorded none. */
  long read() throws Exception {
    ensureTopic();
    KafkaConsumer<byte[], byte[]> c = consumer();
    long deadline = System.nanoTime() + config.connectTimeout().toNanos() * 3;
    long begin;
    long end;
    try {
      begin = c.beginningOffsets(List.of(partition)).get(partition);
      end = c.endOffsets(List.of(partition)).get(partition);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IOException("cannot read position topic " + config.positionTopic() + ": " + Errors.describe(e), e);
    }
    long to = end;
    long window = FIRST_WINDOW;
    while (to > begin) {
      long from = Math.max(begin, to - window);
      Optional<Long> found = newestIn(c, from, to, deadline);
      if (found.isPresent()) {
        return found.get();
      }
      to = from;
      window *= 2;
    }
    return 0;
  }

  /** This syncable's newest position among offsets [from, to), if it has one there. */
  private Optional<Long> newestIn(KafkaConsumer<byte[], byte[]> c, long from, long to, long deadline)
      throws Exception {
    c.seek(partition, from);
    Long newest = null;
    while (c.position(partition) < to) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("reading position topic " + config.positionTopic() + " took longer than "
            + config.connectTimeout().multipliedBy(3));
      }
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(partition)) {
        if (r.offset() < to && Arrays.equals(r.key(), key) && r.value() != null) {
          newest = parse(r);
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  private long parse(ConsumerRecord<byte[], byte[]> r) throws IOException {
    String text = new String(r.value(), StandardCharsets.UTF_8);
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IOException("record " + r.offset() + " of position topic " + config.positionTopic() + " has this"
          + " syncable's key but no index: '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
    }
  }

  /** Makes sure the position topic exists, creating it (compacted, one partition) when allowed. */
  private void ensureTopic() throws Exception {
    if (topicChecked) {
      return;
    }
    try (Admin admin = Admin.create(config.clientProperties())) {
      long timeout = config.connectTimeout().toMillis();
      try {
        admin.describeTopics(List.of(config.positionTopic())).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
        topicChecked = true;
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IOException("cannot look up position topic " + config.positionTopic() + " on Kafka ("
              + String.join(",", config.bootstrapServers()) + "): " + Errors.describe(e.getCause()), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IOException("no answer from Kafka (" + String.join(",", config.bootstrapServers()) + ") within "
            + config.connectTimeout() + " looking up position topic " + config.positionTopic());
      }
      if (!config.createPositionTopic()) {
        throw new IOException("position topic " + config.positionTopic() + " does not exist: create it (one"
            + " partition, cleanup.policy=compact), or set createPositionTopic = true");
      }
      NewTopic topic = new NewTopic(config.positionTopic(), Optional.of(1),
          config.positionTopicReplicas() < 0 ? Optional.empty() : Optional.of((short) config.positionTopicReplicas()))
          .configs(Map.of("cleanup.policy", "compact", "segment.ms", "600000", "min.cleanable.dirty.ratio", "0.1"));
      try {
        admin.createTopics(List.of(topic)).all().get(timeout, TimeUnit.MILLISECONDS);
        LOG.info("syncable '{}' created position topic {} (compacted, 1 partition)", config.syncableId(),
            config.positionTopic());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IOException("cannot create position topic " + config.positionTopic() + ": "
              + Errors.describe(e.getCause()), e.getCause());
        }
      }
      topicChecked = true;
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Map<String, Object> props = new java.util.HashMap<>(config.clientProperties());
      props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      props.put("isolation.level", "read_committed");
      props.put("enable.auto.commit", "false");
      props.put("client.id", "committed-" + config.syncableId() + "-positions");
      consumer = new KafkaConsumer<>(props);
      consumer.assign(List.of(partition));
    }
    return consumer;
  }

  @Override
  public void close() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    consumer = null;
    if (c != null) {
      try {
        c.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the position consumer: {}", e.toString());
      }
    }
  }
}
