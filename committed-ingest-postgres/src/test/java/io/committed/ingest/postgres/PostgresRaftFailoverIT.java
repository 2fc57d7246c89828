package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest into a three-node raft log while the leader, which runs the ingestable, is stopped at
 * random points of a write stream: the ingestable moves to the new leader and every source
 * transaction lands in the log exactly once, in commit order, on every node.
 */
class PostgresRaftFailoverIT {
  private static final int MIN_TRANSACTIONS = 800;
  private static final int LEADER_STOPS = 3;

  @TempDir
  Path dir;

  private PgHarness pg;
  private TestCluster cluster;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgraft");
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    pg.close();
  }

  @Test
  void theLeaderStoppedDuringAWriteStreamLosesAndRepeatsNoTransaction() throws Exception {
    long seed = System.nanoTime();
    pg.sql("create table seq (n int primary key, other int)");
    cluster = TestCluster.start(dir, 3, b -> b.environment(name -> pg.environment().get(name))
        .ingestRetry(Duration.ofMillis(20), Duration.ofMillis(500), 1000));
    CommittedLog first = cluster.leader();
    LogFixtures.defineTypes(first, "seq");
    first.ingestables().define("fail", pg.config("fail", "seq", "[\"seq\"]", "", ""));
    PgHarness.awaitStreaming(first, "fail");

    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<Void> stops = cluster.stopLeaders(LEADER_STOPS, new Random(seed), writing::get);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int transactions;
    try {
      transactions = pg.writeSeq(MIN_TRANSACTIONS,
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
