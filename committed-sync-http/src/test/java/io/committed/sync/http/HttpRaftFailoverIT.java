package io.committed.sync.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.sync.http.Receiver.Answer;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node raft log delivering to a webhook while the leader, which runs the syncable, is
 * stopped twice during a write stream: the syncable moves to the new leader, and the receiver gets
 * every entry of the log, in order, with no gap, and repeats only under the same Idempotency-Key.
 */
class HttpRaftFailoverIT {
  private static final int ENTRIES = 450;

  @TempDir
  Path dir;

  private TestCluster cluster;
  private Receiver receiver;

  @BeforeEach
  void start() throws Exception {
    BodySchema.valid("{}");
    receiver = Receiver.plain();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    receiver.close();
  }

  /** Proposes through any live node, trying others while leadership moves. */
  private void propose(Proposal p, Random random) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<CommittedLog> live = new ArrayList<>(cluster.nodes().values());
      CommittedLog log = live.get(random.nextInt(live.size()));
      try {
        log.propose(p).get(10, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no node took the proposal", e);
        }
        cluster.awaitLeader();
      }
    }
  }

  @Test
  void theLeaderStoppedDuringDeliveryLeavesNoGapAndRepeatsOnlyUnderTheSameKey() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    receiver.behaviour = r -> {
      synchronized (random) {
        return random.nextInt(100) < 5 ? Answer.status(500) : Answer.OK;
      }
    };
    Map<String, String> env = Map.of("HOOK_SECRET", "whsec_" + HttpDeliveryTest.SECRET_B64);
    cluster = TestCluster.start(dir, 3, b -> b.environment(env::get)
        .syncRetry(Duration.ofMillis(10), Duration.ofMillis(200)));
    CommittedLog first = cluster.leader();
    LogFixtures.defineTypes(first, "order", "other");
    first.syncables().define("hook", """
        [syncable]
        type = "http"
        [http]
        topic = "order"
        url = "%s"
        timeout = "2s"
        signing_secret = "${HOOK_SECRET}"
        retry = { min = "5ms", max = "100ms", attempts = 5 }
        """.formatted(receiver.url("/in")));

    int stopped = 0;
    int down = 0;
    for (int n = 1; n <= ENTRIES; n++) {
      Entity e = n % 5 == 0 ? Entity.upsert("other", "x" + n, "{}") : Entity.upsert("order", "k" + (n % 50),
          "{\"n\":" + n + "}");
      propose(Proposal.of(e), random);
      if (n == 150 || n == 300) {
        Await.until("delivery under way", Duration.ofSeconds(30), () -> receiver.applied().size() > 20);
        down = cluster.awaitLeader();
        cluster.stopNode(down);
        stopped++;
      }
      if ((n == 200 || n == 350) && down != 0) {
        cluster.restartNode(down);
        down = 0;
      }
    }
    CommittedLog leader = cluster.leader();
    Await.synced(leader, "hook", Duration.ofMinutes(2));

    List<Long> expected = new ArrayList<>();
    for (LogEntry entry : TestCluster.entries(leader)) {
      if (entry.entities().stream().anyMatch(x -> x.typeId().equals("order"))) {
        expected.add(entry.index());
      }
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(ENTRIES * 4 / 5);
    assertThat(receiver.applied()).as("every entry of the log, in order, none skipped (seed %s)", seed)
        .isEqualTo(expected);
    Map<Long, Set<String>> keys = new HashMap<>();
    for (Receiver.Request r : receiver.requests("/in")) {
      assertThat(HttpDeliveryTest.verifies(r)).isTrue();
      long index = BodySchema.validated(r.body()).get("index").asLong();
      keys.computeIfAbsent(index, k -> new HashSet<>()).add(r.header("idempotency-key"));
    }
    assertThat(keys).allSatisfy((index, k) -> assertThat(k).containsExactly("hook:" + index));
    assertThat(stopped).isEqualTo(2);
  }
}
