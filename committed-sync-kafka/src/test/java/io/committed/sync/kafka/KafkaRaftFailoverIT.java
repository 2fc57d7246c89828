package io.committed.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.NodeRole;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

  private final Map<Integer, CommittedLog> nodes = new ConcurrentHashMap<>();
  private final String peers = IntStream.rangeClosed(1, 3).mapToObj(id -> id + "=127.0.0.1:" + Ports.free())
      .collect(Collectors.joining(","));
  private final String topic = KafkaTopics.unique("raft");

  @AfterEach
  void stop() {
    nodes.values().parallelStream().forEach(CommittedLog::close);
  }

  private void startNode(int id) {
    nodes.put(id, Committed.builder().nodeId(id).peers(peers).dataDir(dir.resolve("node-" + id))
        .engineOption("electionTimeoutMs", "600").syncBatchSize(50)
        .syncRetry(Duration.ofMillis(20), Duration.ofMillis(500)).start());
  }

  private int awaitLeader() {
    int[] leader = {0};
    Await.until("a leader", Duration.ofSeconds(30), () -> {
      for (Map.Entry<Integer, CommittedLog> e : nodes.entrySet()) {
        if (e.getValue().status().role() == NodeRole.LEADER) {
          leader[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /** Every entry of the log, in index order. */
  private static List<LogEntry> entries(CommittedLog log) {
    List<LogEntry> out = new ArrayList<>();
    long from = 1;
    while (true) {
      List<LogEntry> page = log.read(from, 10_000);
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      from = page.get(page.size() - 1).index() + 1;
    }
  }

  /** key → the data of its upserts, in log order. */
  private static Map<String, List<String>> perKey(List<LogEntry> entries) {
    Map<String, List<String>> out = new HashMap<>();
    for (LogEntry e : entries) {
      for (Entity x : e.entities()) {
        if (x.typeId().equals("order")) {
          out.computeIfAbsent(x.keyAsString(), k -> new ArrayList<>()).add(x.dataAsString());
        }
      }
    }
    return out;
  }

  private static Map<String, List<String>> perKeyPublished(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, List<String>> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(new String(r.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private int committed(String bootstrap) {
    try {
      return KafkaTopics.records(bootstrap, topic, true).size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void theLeaderStoppedWhilePublishingLosesAndRepeatsNothing() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String bootstrap = KafkaTestBroker.shared();
    KafkaTopics.create(bootstrap, topic, 3, Map.of());
    IntStream.rangeClosed(1, 3).parallel().forEach(this::startNode);
    CommittedLog first = nodes.get(awaitLeader());
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

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger stops = new AtomicInteger();
    Thread killer = new Thread(() -> {
      try {
        while (writing.get() && stops.get() < LEADER_STOPS) {
          Thread.sleep(1000 + random.nextInt(1500)); // random points of the stream
          int leader = awaitLeader();
          nodes.remove(leader).close();
          stops.incrementAndGet();
          Thread.sleep(200 + random.nextInt(500));
          startNode(leader);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    killer.start();
    int acknowledged = 0;
    int unknown = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try {
      for (int i = 0; i < MIN_ENTRIES || stops.get() < LEADER_STOPS && System.nanoTime() < deadline; i++) {
        CommittedLog node = nodes.values().stream().findAny().orElseThrow();
        try {
          node.proposeAndWait(Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + "}")));
          acknowledged++;
        } catch (RuntimeException e) {
          unknown++; // the node stopped or lost its leader: the entry may or may not be in the log
        }
      }
    } finally {
      writing.set(false);
      killer.join();
    }
    CommittedLog leader = nodes.get(awaitLeader());
    Await.synced(leader, topic, WAIT);
    int inLog = perKey(entries(leader)).values().stream().mapToInt(List::size).sum();
    Await.until(inLog + " records in " + topic, WAIT, () -> committed(bootstrap) >= inLog);
    List<ConsumerRecord<byte[], byte[]>> records = KafkaTopics.records(bootstrap, topic, true);
    System.out.println("KafkaRaftFailoverIT: seed " + seed + ", " + stops.get() + " leader stops, " + acknowledged
        + " acknowledged, " + unknown + " unknown, " + inLog + " in the log, " + records.size() + " published");
    assertThat(stops.get()).as("leaders stopped").isEqualTo(LEADER_STOPS);
    assertThat(inLog).as("every acknowledged write is in the log").isGreaterThanOrEqualTo(acknowledged);
    KafkaLogIT.assertOnceAndInOrderPerKey(records, inLog);
    assertThat(perKeyPublished(records)).as("exactly the log's entities, per key in log order (seed %s)", seed)
        .isEqualTo(perKey(entries(leader)));
  }
}
