package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
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
    Thread stops = cluster.stopLeaders(LEADER_STOPS, new Random(seed), writing::get);
    int transactions = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (transactions < MIN_TRANSACTIONS || cluster.leaderStops() < LEADER_STOPS && System.nanoTime() < deadline) {
        int n = ++transactions;
        s.execute("insert into seq values (" + n + ", 0)");
        if (n % 3 == 0) {
          s.execute("update seq set other = " + n + " where n = " + (n - 1)); // two entities, one entry
        }
        c.commit();
        if (n % 50 == 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // paced, so the stops land mid-stream
        }
      }
    } finally {
      writing.set(false);
      stops.join();
    }
    String last = Integer.toString(transactions);
    Await.until("every transaction on every node", Duration.ofSeconds(120), () -> cluster.nodes().size() == 3
        && cluster.nodes().values().stream().allMatch(l -> SqlTestSource.fold(l, "seq").containsKey(last)));

    List<Integer> expected = IntStream.rangeClosed(1, transactions).boxed().toList();
    List<LogEntry> reference = null;
    for (CommittedLog log : cluster.nodes().values()) {
      List<LogEntry> entries = SqlTestSource.entries(log, "seq");
      List<Integer> inserted = new ArrayList<>();
      for (LogEntry e : entries) {
        inserted.add(Integer.parseInt(e.entities().get(0).keyAsString()));
      }
      assertThat(inserted).as("each transaction once, in commit order (seed %s, %s leader stops)", seed,
          cluster.leaderStops()).isEqualTo(expected);
      if (reference == null) {
        reference = entries;
      } else {
        assertThat(entries).isEqualTo(reference);
      }
    }
    assertThat(cluster.leaderStops()).as("leaders stopped").isEqualTo(LEADER_STOPS);
  }
}
