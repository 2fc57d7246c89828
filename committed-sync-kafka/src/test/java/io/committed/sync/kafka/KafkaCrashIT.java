package io.committed.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import io.committed.testkit.Await;
import io.committed.testkit.TestSyncableContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Crashes and takeovers of the publisher, in transactional mode: a syncable in a child JVM is
 * SIGKILLed while publishing and a new one finishes; an old instance that lives on after a new one
 * took over (a deposed leader) is fenced. A {@code read_committed} consumer then sees every entity
 * exactly once, in log order.
 */
class KafkaCrashIT {
  private static final int TOTAL = 3000;
  private static final int BATCH = 25;

  /** Entry {@code i} of the test's log: one entity, keys cycling over 7. */
  static LogEntry entry(long i) {
    return new LogEntry(i, Instant.parse("2026-01-01T00:00:00Z").plusMillis(i),
        Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + "}")), Map.of("order", 1));
  }

  static Syncable syncable(String bootstrap, String topic, String id) {
    return new KafkaSyncableFactory().create(TestSyncableContext.builder()
        .syncableId(id)
        .document("""
            [syncable]
            type = "kafka"
            [kafka]
            topic = "order"
            bootstrapServers = ["%s"]
            destination = "%s"
            connectTimeout = "5s"
            deliveryTimeout = "10s"
            """.formatted(bootstrap, topic))
        .build());
  }

  /** The child: publishes entries 1 to {@code total} in batches, from where the position topic says, then exits 0. */
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String id = args[2];
    int total = Integer.parseInt(args[3]);
    try (ResumableSyncable s = (ResumableSyncable) syncable(bootstrap, topic, id)) {
      long from = s.lastSyncedIndex() + 1;
      System.out.println("resuming after " + (from - 1));
      for (long i = from; i <= total; i += BATCH) {
        List<LogEntry> batch = new ArrayList<>();
        for (long j = i; j < Math.min(total + 1, i + BATCH); j++) {
          batch.add(entry(j));
        }
        s.sync(batch);
      }
    }
    System.exit(0);
  }

  private static Process child(String bootstrap, String topic, String id, Path log) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), KafkaCrashIT.class.getName(),
        bootstrap, topic, id, Integer.toString(TOTAL))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }


  static void assertEachOnceInLogOrder(List<ConsumerRecord<byte[], byte[]>> records, int total) {
    KafkaLogIT.assertOnceAndInOrderPerKey(records, total);
    assertThat(records.stream().map(KafkaTopics::index).distinct().count()).isEqualTo(total);
  }

  @Test
  void aPublisherKilledMidStreamLeavesNothingVisibleTwiceAndTheNextOneFinishes() throws Exception {
    String bootstrap = KafkaTestBroker.shared();
    String topic = KafkaTopics.unique("crash");
    Path log = Files.createTempFile("kafka-crash-child", ".log");
    for (int kill = 0; kill < 3; kill++) {
      Process p = child(bootstrap, topic, topic, log);
      try {
        int target = KafkaTopics.count(bootstrap, topic, false) + 200 + kill * 37;
        // kill it while it publishes: once it has added some records, at an unaligned moment
        Await.until("the child to publish", Duration.ofSeconds(60),
            () -> !p.isAlive() || KafkaTopics.count(bootstrap, topic, false) > target);
      } finally {
        p.destroyForcibly().waitFor();
      }
    }
    Process last = child(bootstrap, topic, topic, log);
    try {
      assertThat(last.waitFor(120, TimeUnit.SECONDS)).as("the last child finishes; see " + log).isTrue();
    } finally {
      last.destroyForcibly().waitFor();
    }
    assertThat(last.exitValue()).as("the last child's exit; see " + log).isZero();
    List<ConsumerRecord<byte[], byte[]>> committed = KafkaTopics.committedRecords(bootstrap, topic);
    List<ConsumerRecord<byte[], byte[]>> all = KafkaTopics.records(bootstrap, topic, false);
    System.out.println("KafkaCrashIT: " + committed.size() + " records committed, " + all.size()
        + " written in all (aborted transactions included)");
    assertEachOnceInLogOrder(committed, TOTAL);
    assertThat(all.size()).as("records of the killed publishers' open transactions exist, uncommitted")
        .isGreaterThanOrEqualTo(TOTAL);
  }

  @Test
  void aDeposedInstanceIsFencedAndPublishesNothingMore() throws Exception {
    String bootstrap = KafkaTestBroker.shared();
    String topic = KafkaTopics.unique("fenced");
    try (ResumableSyncable old = (ResumableSyncable) syncable(bootstrap, topic, topic)) {
      assertThat(old.lastSyncedIndex()).isZero();
      old.sync(List.of(entry(1), entry(2)));
      try (ResumableSyncable next = (ResumableSyncable) syncable(bootstrap, topic, topic)) {
        assertThat(next.lastSyncedIndex()).isEqualTo(2);
        next.sync(List.of(entry(3), entry(4)));
        // the old leader still thinks it publishes: it is refused, transiently, and adds nothing
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> old.sync(List.of(entry(3), entry(4), entry(5))))
            .isNotInstanceOf(io.committed.spi.PermanentSyncException.class);
        next.sync(List.of(entry(5)));
      }
    }
    assertEachOnceInLogOrder(KafkaTopics.committedRecords(bootstrap, topic), 5);
  }
}
