package io.committed.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.DeadLetter;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka syncable driven by the sync worker of a real (in-memory) log, found through
 * {@code ServiceLoader} as the node finds it: order per key across partitions, a config replaced
 * mid-stream, a dead letter with its reason, a broker stopped and restarted mid-stream, both modes.
 */
class KafkaLogIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final String topic = KafkaTopics.unique("log");
  /** The syncable's id: its position record's key in the shared broker, so one of its own per test. */
  private final String out = topic + "-out";

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private CommittedLog log() {
    CommittedLog log = Committed.builder().inMemory().syncBatchSize(50)
        .syncRetry(Duration.ofMillis(20), Duration.ofMillis(500)).start();
    cleanup.add(log::close);
    LogFixtures.defineTypes(log, "order");
    return log;
  }

  private String syncable(String bootstrap, String extra) {
    return """
        [syncable]
        type = "kafka"
        [kafka]
        topic = "order"
        bootstrapServers = ["%s"]
        destination = "%s"
        connectTimeout = "2s"
        deliveryTimeout = "5s"
        %s
        """.formatted(bootstrap, topic, extra);
  }

  private static Proposal order(int i, int size) {
    String pad = size > 0 ? ",\"pad\":\"" + "p".repeat(size) + "\"" : "";
    return Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + pad + "}"));
  }

  /** Each entity once; per key (so per partition) in log order; {@code expected} records in all. */
  static void assertOnceAndInOrderPerKey(List<ConsumerRecord<byte[], byte[]>> records, int expected) {
    Set<String> seen = new HashSet<>();
    Map<String, Long> lastPerKey = new HashMap<>();
    Map<Integer, Long> lastPerPartition = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long index = KafkaTopics.index(r);
      int pos = KafkaTopics.position(r);
      assertThat(seen.add(index + ":" + pos)).as("entry %d entity %d published once", index, pos).isTrue();
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(index).as("key %s: entry %d after %d", key, index, lastPerKey.get(key))
          .isGreaterThan(lastPerKey.getOrDefault(key, 0L));
      lastPerKey.put(key, index);
      assertThat(index).as("partition %d: entry %d after %d", r.partition(), index, lastPerPartition.get(r.partition()))
          .isGreaterThan(lastPerPartition.getOrDefault(r.partition(), 0L));
      lastPerPartition.put(r.partition(), index);
    }
    assertThat(records).hasSize(expected);
  }


  @Test
  void everyEntityIsPublishedOnceInKeyOrderWhenTheConfigIsReplacedAndAnOversizedOneIsDeadLettered() throws Exception {
    String bootstrap = KafkaTestBroker.shared();
    KafkaTopics.create(bootstrap, topic, 3, Map.of());
    CommittedLog log = log();
    log.syncables().define(out, syncable(bootstrap, ""));
    List<CompletableFuture<Long>> proposed = new ArrayList<>();
    long bigIndex = 0;
    for (int i = 0; i < 400; i++) {
      if (i == 200) {
        // a new config version: the worker stops this syncable and starts a new one, which resumes
        log.syncables().define(out, syncable(bootstrap, "producer = { \"linger.ms\" = 20 }"));
      }
      if (i == 300) {
        bigIndex = log.proposeAndWait(order(i, 2 * KafkaTestBroker.MESSAGE_MAX_BYTES));
      } else {
        proposed.add(log.propose(order(i, 0)));
      }
    }
    CompletableFuture.allOf(proposed.toArray(CompletableFuture[]::new)).join();
    long big = bigIndex;
    Await.until("the oversized entry dead-lettered", WAIT, () -> log.sync().deadLetters(out).size() == 1);
    DeadLetter d = log.sync().deadLetters(out).get(0);
    assertThat(d.index()).isEqualTo(big);
    assertThat(d.message()).contains("entry " + big + ", entity 0: Kafka refused the record for topic " + topic)
        .contains("RecordTooLargeException");
    Await.synced(log, out, WAIT);
    List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.committedRecords(bootstrap, topic);
    assertOnceAndInOrderPerKey(records, 399);
    assertThat(records).extracting(ConsumerRecord::partition).as("spread over the partitions").contains(0, 1, 2);
  }

  @Test
  void nothingIsSkippedOrRepeatedWhenTheBrokerStopsAndRestartsMidStream() throws Exception {
    KafkaTestBroker broker = new KafkaTestBroker().start();
    cleanup.add(broker);
    String bootstrap = broker.bootstrap();
    CommittedLog log = log();
    log.syncables().define(out, syncable(bootstrap, ""));
    AtomicInteger proposed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      while (!stop.get() && proposed.get() < 20_000) {
        log.proposeAndWait(order(proposed.get(), 200));
        proposed.incrementAndGet();
        LockSupport.parkNanos(1_000_000); // paced: the outage should span hundreds of entries, not millions
      }
    });
    cleanup.add(() -> {
      stop.set(true);
      writer.join();
    });
    Await.until("100 records in " + topic, WAIT, () -> KafkaTopics.count(bootstrap, topic, true) >= 100);
    broker.stop();
    int proposedAtStop = proposed.get();
    Await.until("the worker to see the outage", WAIT, () -> log.sync().status(out).lastError().isPresent());
    Await.until("300 more entries proposed during the outage", WAIT, () -> proposed.get() >= proposedAtStop + 300);
    broker.start();
    Await.until("publishing to resume", WAIT, () -> KafkaTopics.count(bootstrap, topic, true) > proposedAtStop);
    stop.set(true);
    writer.join();
    int total = proposed.get();
    Await.until(total + " records after the restart", WAIT, () -> KafkaTopics.count(bootstrap, topic, true) == total);
    Await.synced(log, out, WAIT);
    assertOnceAndInOrderPerKey(KafkaTopics.committedRecords(bootstrap, topic), total);
    assertThat(log.sync().deadLetters(out)).isEmpty();
  }

  @Test
  void theIdempotentModePublishesInOrderAndResumesFromItsPosition() throws Exception {
    String bootstrap = KafkaTestBroker.shared();
    CommittedLog log = log();
    log.syncables().define(out, syncable(bootstrap, "mode = \"idempotent\""));
    for (int i = 0; i < 150; i++) {
      if (i == 75) {
        log.syncables().define(out, syncable(bootstrap,
            "mode = \"idempotent\"\nproducer = { \"linger.ms\" = 1 }"));
      }
      log.proposeAndWait(order(i, 0));
    }
    Await.synced(log, out, WAIT);
    Await.until("150 records", WAIT, () -> KafkaTopics.count(bootstrap, topic, true) == 150);
    assertOnceAndInOrderPerKey(KafkaTopics.records(bootstrap, topic, false), 150);
  }

  @Test
  void aLiteralSecretInTheProducerSettingsIsRefused() {
    CommittedLog log = log();
    String doc = syncable(KafkaTestBroker.shared(), "[kafka.producer]\n\"sasl.jaas.config\" = \"org.apache.kafka"
        + ".common.security.plain.PlainLoginModule required username=\\\"app\\\" password=\\\"hunter2\\\";\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.syncables().define("leaky", doc))
        .hasMessageContaining("kafka.producer.sasl.jaas.config").hasMessageContaining("literal secret")
        .hasMessageNotContaining("hunter2");
  }
}
