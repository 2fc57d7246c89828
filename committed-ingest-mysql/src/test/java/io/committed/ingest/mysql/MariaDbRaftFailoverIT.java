package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binlog ingest into a three-node raft log while the leader, which runs the ingestable, is stopped
 * at random points of a write stream: the ingestable moves to the new leader, resumes from the
 * replicated GTID position, and every source transaction lands exactly once, in commit order, on
 * every node.
 */
class MariaDbRaftFailoverIT {
  private static final int MIN_TRANSACTIONS = 800;
  private static final int LEADER_STOPS = 3;

  @TempDir
  Path dir;

  private MyHarness my;
  private TestCluster cluster;

  @BeforeEach
  void start() throws Exception {
    my = new MyHarness("myraft");
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    my.close();
  }

  @Test
  void theLeaderStoppedDuringAWriteStreamLosesAndRepeatsNoTransaction() throws Exception {
    long seed = System.nanoTime();
    my.sql("create table seq (n int primary key, other int)");
    cluster = TestCluster.start(dir, 3, b -> b.environment(name -> my.environment().get(name))
        .ingestRetry(Duration.ofMillis(20), Duration.ofMillis(500), 1000));
    CommittedLog first = cluster.leader();
    LogFixtures.defineTypes(first, "seq");
    first.ingestables().define("fail", my.config("fail", "seq", "[\"seq\"]", "", ""));
    Await.until("ingestable streaming", Duration.ofSeconds(60), () -> first.ingest().status("fail").reported()
        .map(r -> r.phase().equals("streaming")).orElse(false));

    AtomicBoolean writing = new AtomicBoolean(true);
    java.util.concurrent.CompletableFuture<Void> stops = cluster.stopLeaders(LEADER_STOPS, new Random(seed), writing::get);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int transactions;
    try {
      transactions = my.writeSeq(MIN_TRANSACTIONS,
          () -> cluster.leaderStops() < LEADER_STOPS && System.nanoTime() < deadline);
    } finally {
      writing.set(false);
    }
    stops.join();
    SqlTestSource.assertSeqOnceInOrderOnEveryNode(cluster::nodes, 3, transactions,
        "seed " + seed + ", " + cluster.leaderStops() + " leader stops");
    assertThat(cluster.leaderStops()).as("leaders stopped").isEqualTo(LEADER_STOPS);
  }
}
