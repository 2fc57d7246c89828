package io.committed.sync.kafka;

import io.committed.sync.routing.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** Reads and manages the test broker's topics as a consumer of the syncable's output would. */
final class KafkaTopics {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private KafkaTopics() {}

  /** A topic name prefix no other test run uses. */
  static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  }

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "5000", "default.api.timeout.ms",
        "10000"));
  }

  static void create(String bootstrap, String topic, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Every record of {@code topic} (all partitions, in partition then offset order), read_committed or not. */
  static List<ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic, boolean committedOnly)
      throws Exception {
    try (Admin admin = admin(bootstrap); KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, committedOnly)) {
      if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
        return List.of();
      }
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading " + topic + " took over a minute");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      out.sort(java.util.Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
          .thenComparingLong(ConsumerRecord::offset));
      return out;
    }
  }

  /**
   * Every record of {@code topic} that read_committed consumers see once the transactions the
   * publisher has committed are settled. A producer's commit returns when the coordinator has
   * decided it; the markers that make its records visible reach the partitions moments later, so a
   * read straight after the syncable reports synced can miss the last transaction. This waits (up to
   * 30 s) until no partition of the topic has an open transaction, then reads.
   */
  static List<ConsumerRecord<byte[], byte[]>> committedRecords(String bootstrap, String topic) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
        return List.of();
      }
      List<TopicPartition> parts = new ArrayList<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (openTransactions(admin, parts) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    return records(bootstrap, topic, true);
  }

  private static boolean openTransactions(Admin admin, List<TopicPartition> parts) throws Exception {
    return admin.describeProducers(parts).all().get(10, TimeUnit.SECONDS).values().stream()
        .flatMap(s -> s.activeProducers().stream())
        .anyMatch(p -> p.currentTransactionStartOffset().isPresent());
  }

  /** How many records {@code topic} holds, read_committed or not; -1 while it cannot be read. */
  static int count(String bootstrap, String topic, boolean committedOnly) {
    try {
      return records(bootstrap, topic, committedOnly).size();
    } catch (Exception e) {
      return -1;
    }
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, boolean committedOnly) {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        "isolation.level", committedOnly ? "read_committed" : "read_uncommitted",
        "enable.auto.commit", "false"));
  }

  /** Key → value of the records, folded in order; a null value (tombstone) removes its key. */
  static Map<String, String> fold(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, String> state = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (r.value() == null) {
        state.remove(key);
      } else {
        state.put(key, new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    return state;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static long index(ConsumerRecord<byte[], byte[]> r) {
    return Long.parseLong(header(r, Headers.INDEX));
  }

  static int position(ConsumerRecord<byte[], byte[]> r) {
    return Integer.parseInt(header(r, Headers.POSITION));
  }
}
