package io.committed.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing from a three-node raft log while the leader, which runs the syncable, is stopped at
 * random points of a write stream: the syncable moves to the new leader and resumes from the
 * stream, and the stream holds exactly the log's entities, each once, in log order.
 */
class NatsRaftFailoverIT {
  private static final int MIN_ENTRIES = 1500;
  private static final int LEADER_STOPS = 3;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  private TestCluster cluster;
  private final Connection admin = NatsTestServer.connect();
  private final String stream = NatsTestServer.uniqueStream("RAFT");

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    NatsTestServer.deleteStream(admin, stream);
    admin.close();
  }

  private long count() {
    try {
      return NatsTestServer.count(admin, stream);
    } catch (Exception e) {
      return -1;
    }
  }

  private static Map<String, List<String>> perKeyPublished(List<MessageInfo> messages) {
    Map<String, List<String>> out = new HashMap<>();
    for (MessageInfo m : messages) {
      out.computeIfAbsent(NatsTestServer.key(m), k -> new ArrayList<>())
          .add(new String(m.getData(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void theLeaderStoppedWhilePublishingLosesAndRepeatsNothing() throws Exception {
    long seed = System.nanoTime();
    cluster = TestCluster.start(dir, 3, b -> b.syncBatchSize(50).syncRetry(Duration.ofMillis(20),
        Duration.ofMillis(500)));
    CommittedLog first = cluster.leader();
    LogFixtures.defineTypes(first, "order");
    first.syncables().define("orders-out", """
        [syncable]
        type = "nats"
        [nats]
        topic = "order"
        servers = ["%s"]
        stream = "%s"
        subject = "%s.${key}"
        connectTimeout = "1s"
        ackTimeout = "2s"
        [nats.createStream]
        storage = "file"
        """.formatted(NatsTestServer.URL, stream, stream.toLowerCase(java.util.Locale.ROOT)));

    TestCluster.Writes writes = cluster.proposeWhileStoppingLeaders(MIN_ENTRIES, LEADER_STOPS, new Random(seed),
        i -> Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + "}")));
    CommittedLog leader = cluster.leader();
    Await.synced(leader, "orders-out", WAIT);
    Map<String, List<String>> inLog = TestCluster.dataPerKey(TestCluster.entries(leader), "order");
    int entities = inLog.values().stream().mapToInt(List::size).sum();
    Await.until(entities + " messages in " + stream, WAIT, () -> count() >= entities);
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    System.out.println("NatsRaftFailoverIT: seed " + seed + ", " + cluster.leaderStops() + " leader stops, "
        + writes.acknowledged() + " acknowledged, " + writes.unknown() + " unknown, " + entities + " in the log, " + messages.size()
        + " published");
    assertThat(cluster.leaderStops()).as("leaders stopped").isEqualTo(LEADER_STOPS);
    assertThat(entities).as("every acknowledged write is in the log").isGreaterThanOrEqualTo(writes.acknowledged());
    assertThat(messages).as("the stream's message count equals the entity count").hasSize(entities);
    NatsSyncableIT.assertOnceAndInOrder(messages);
    assertThat(perKeyPublished(messages)).as("exactly the log's entities, per key in log order (seed %s)", seed)
        .isEqualTo(inLog);
  }
}
