package io.committed.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing from a three-node raft log while the leader, which runs the syncable, is stopped at
 * random points of a write stream: the syncable moves to the new leader, whose producer fences the
 * old one, and a {@code read_committed} consumer sees exactly the log's entities, each once, in log
 * order per key.
 */
class KafkaRaftFailoverIT {
  private static final int MIN_ENTRIES = 1500;
  private static final int LEADER_STOPS = 3;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  private TestCluster cluster;
  private final String topic = KafkaTopics.unique("raft");

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Map<String, List<String>> perKeyPublished(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, List<String>> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(new String(r.value(), StandardCharsets.UTF_8));
    }
    return out;
  }


  @Test
  void theLeaderStoppedWhilePublishingLosesAndRepeatsNothing() throws Exception {
    long seed = System.nanoTime();
    String bootstrap = KafkaTestBroker.shared();
    KafkaTopics.create(bootstrap, topic, 3, Map.of());
    cluster = TestCluster.start(dir, 3, b -> b.syncBatchSize(50).syncRetry(Duration.ofMillis(20),
        Duration.ofMillis(500)));
    CommittedLog first = cluster.leader();
    LogFixtures.defineTypes(first, "order");
    first.syncables().define(topic, """
        [syncable]
        type = "kafka"
        [kafka]
        topic = "order"
        bootstrapServers = ["%s"]
        destination = "%s"
        connectTimeout = "2s"
        deliveryTimeout = "5s"
        """.formatted(bootstrap, topic));

    TestCluster.Writes writes = cluster.proposeWhileStoppingLeaders(MIN_ENTRIES, LEADER_STOPS, new Random(seed),
        i -> Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + "}")));
    CommittedLog leader = cluster.leader();
    Await.synced(leader, topic, WAIT);
    Map<String, List<String>> inLog = TestCluster.dataPerKey(TestCluster.entries(leader), "order");
    int count = inLog.values().stream().mapToInt(List::size).sum();
    Await.until(count + " records in " + topic, WAIT, () -> KafkaTopics.count(bootstrap, topic, true) >= count);
    List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.committedRecords(bootstrap, topic);
    System.out.println("KafkaRaftFailoverIT: seed " + seed + ", " + cluster.leaderStops() + " leader stops, "
        + writes.acknowledged() + " acknowledged, " + writes.unknown() + " unknown, " + count + " in the log, " + records.size()
        + " published");
    assertThat(cluster.leaderStops()).as("leaders stopped").isEqualTo(LEADER_STOPS);
    assertThat(count).as("every acknowledged write is in the log").isGreaterThanOrEqualTo(writes.acknowledged());
    KafkaLogIT.assertOnceAndInOrderPerKey(records, count);
    assertThat(perKeyPublished(records)).as("exactly the log's entities, per key in log order (seed %s)", seed)
        .isEqualTo(inLog);
  }
}
