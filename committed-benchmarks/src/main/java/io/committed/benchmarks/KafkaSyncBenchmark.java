package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.sync.kafka.KafkaSyncableFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Entities per second the Kafka syncable publishes into a single-partition topic, 1 KiB entities,
 * with the client's own rate for the same records in the same run:
 *
 * <ol>
 *   <li>kafka-clients alone: an idempotent producer ({@code acks=all}) sending the same records
 *       with the same headers, then flushing; and the same in transactions of one sync batch each;
 *   <li>backlog: the entries already in an in-memory log, the syncable defined, until the last is
 *       published (the real sync worker), in each mode;
 *   <li>live, transactional: a writer keeping at most 1000 entities proposed and not yet published,
 *       while the syncable publishes; commit-to-ack latency per entity is from the proposal's commit
 *       to the return of the {@code sync} call that published it (its transaction committed).
 * </ol>
 *
 * <p>Needs a broker at {@code --bootstrap}; docs/broker-sync.md says how to start one from the
 * Kafka server jars. Run:
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.KafkaSyncBenchmark \
 *     --bootstrap 127.0.0.1:9092 [--entities 50000] [--size 1024] [--batch 500]
 * </pre>
 */
public final class KafkaSyncBenchmark {

  private KafkaSyncBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entities = 50_000;
    int size = 1024;
    int batch = 500;
    String bootstrap = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entities" -> entities = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--bootstrap" -> bootstrap = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (bootstrap == null) {
      throw new IllegalArgumentException("--bootstrap host:port is required (a Kafka broker)");
    }
    String data = data(size);
    System.out.printf(Locale.ROOT, "%d entities of %d bytes, single-partition topics, sync batch %d, %d cores%n",
        entities, data.length(), batch, Runtime.getRuntime().availableProcessors());
    raw(bootstrap, Math.max(1000, entities / 10), data, 0, false); // warm-up, not reported
    System.out.printf(Locale.ROOT, "%-46s %10.0f msgs/s%n", "kafka-clients alone, idempotent",
        raw(bootstrap, entities, data, 0, false));
    System.out.printf(Locale.ROOT, "%-46s %10.0f msgs/s%n", "kafka-clients alone, a transaction per " + batch,
        raw(bootstrap, entities, data, batch, false));
    System.out.printf(Locale.ROOT, "%-46s %10.0f msgs/s%n", "  the same + 1 record to a 2nd topic per txn",
        raw(bootstrap, entities, data, batch, true));
    System.out.printf(Locale.ROOT, "%-46s %10.0f entities/s%n", "syncable, backlog, transactional",
        backlog(bootstrap, entities, data, batch, "transactional"));
    System.out.printf(Locale.ROOT, "%-46s %10.0f entities/s%n", "syncable, backlog, idempotent",
        backlog(bootstrap, entities, data, batch, "idempotent"));
    live(bootstrap, entities, data, batch);
  }

  private static String data(int size) {
    String head = "{\"id\":\"e\",\"note\":\"";
    return head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\"}";
  }

  private static String topic(String bootstrap, String what) throws Exception {
    String topic = "bench-" + what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  /**
   * Records per second the producer alone sends and gets acknowledged; {@code perTransaction} > 0:
   * in transactions, with {@code withPosition} one more record per transaction to a second topic,
   * as the syncable's position record.
   */
  static double raw(String bootstrap, int n, String data, int perTransaction, boolean withPosition)
      throws Exception {
    String topic = topic(bootstrap, "raw");
    String second = withPosition ? topic(bootstrap, "rawpos") : null;
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.put("linger.ms", "5");
    if (perTransaction > 0) {
      props.put("transactional.id", topic);
    }
    byte[] body = data.getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      if (perTransaction > 0) {
        p.initTransactions();
      }
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (perTransaction > 0 && i % perTransaction == 0) {
          if (i > 0) {
            commit(p, second, i);
          }
          p.beginTransaction();
        }
        p.send(new ProducerRecord<>(topic, null, ("k" + (i % 1000)).getBytes(StandardCharsets.UTF_8), body,
            headers(i + 1)));
      }
      if (perTransaction > 0) {
        commit(p, second, n);
      } else {
        p.flush();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return n / seconds;
    }
  }

  private static void commit(KafkaProducer<byte[], byte[]> p, String second, long index) {
    if (second != null) {
      p.send(new ProducerRecord<>(second, 0, "bench".getBytes(StandardCharsets.UTF_8),
          Long.toString(index).getBytes(StandardCharsets.UTF_8)));
    }
    p.commitTransaction();
  }

  private static List<org.apache.kafka.common.header.Header> headers(long index) {
    List<org.apache.kafka.common.header.Header> h = new ArrayList<>();
    String[][] values = {{"Committed-Syncable", "bench"}, {"Committed-Index", Long.toString(index)},
        {"Committed-Position", "0"}, {"Committed-Entities", "1"}, {"Committed-Type", "item"},
        {"Committed-Type-Version", "1"}, {"Committed-Operation", "upsert"}, {"Committed-Key", "k" + (index % 1000)},
        {"Committed-Timestamp", "2026-01-01T00:00:00Z"}};
    for (String[] v : values) {
      h.add(new RecordHeader(v[0], v[1].getBytes(StandardCharsets.UTF_8)));
    }
    return h;
  }

  private static String syncableDoc(String kind, String bootstrap, String topic, int batch, String mode) {
    return """
        [syncable]
        type = "%1$s"
        batchSize = %4$d
        [%1$s]
        topic = "item"
        bootstrapServers = ["%2$s"]
        destination = "%3$s"
        mode = "%5$s"
        transactionalId = "%3$s"
        """.formatted(kind, bootstrap, topic, batch, mode);
  }

  static double backlog(String bootstrap, int n, String data, int batch, String mode) throws Exception {
    String topic = topic(bootstrap, "backlog");
    return SyncRuns.backlog(n, data, batch, syncableDoc("kafka", bootstrap, topic, batch, mode),
        count -> check(bootstrap, topic, count));
  }

  static void live(String bootstrap, int n, String data, int batch) throws Exception {
    String topic = topic(bootstrap, "live");
    SyncRuns.live(n, data, batch, new KafkaSyncableFactory(),
        kind -> syncableDoc(kind, bootstrap, topic, batch, "transactional"), count -> check(bootstrap, topic, count),
        "syncable, live, transactional");
  }

  /** Fails unless a read_committed consumer finds exactly {@code n} records in the topic. */
  private static void check(String bootstrap, String topic, long n) {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
        "isolation.level", "read_committed"))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long count = 0;
      while (c.position(tp) < end) {
        count += c.poll(Duration.ofMillis(500)).count();
      }
      if (count != n) {
        throw new IllegalStateException("expected " + n + " records in " + topic + ", found " + count);
      }
    }
  }
}
