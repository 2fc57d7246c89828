package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
  private final Map<Integer, CommittedLog> nodes = new ConcurrentHashMap<>();
  private String peers;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgraft");
    peers = IntStream.rangeClosed(1, 3).mapToObj(id -> id + "=127.0.0.1:" + freePort()).collect(Collectors.joining(","));
  }

  @AfterEach
  void stop() throws Exception {
    nodes.values().parallelStream().forEach(CommittedLog::close);
    pg.close();
  }

  private static int freePort() {
    return io.committed.testkit.Ports.free();
  }

  private void startNode(int id) {
    nodes.put(id, pg.startLog(Committed.builder().nodeId(id).peers(peers).dataDir(dir.resolve("node-" + id))
        .engineOption("electionTimeoutMs", "600").ingestRetry(Duration.ofMillis(20), Duration.ofMillis(500), 1000)));
  }

  private int awaitLeader() {
    int[] leader = {0};
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (Map.Entry<Integer, CommittedLog> e : nodes.entrySet()) {
        if (e.getValue().status().role() == io.committed.NodeRole.LEADER) {
          leader[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  @Test
  void theLeaderStoppedDuringAWriteStreamLosesAndRepeatsNoTransaction() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    pg.sql("create table seq (n int primary key, other int)");
    IntStream.rangeClosed(1, 3).parallel().forEach(this::startNode);
    CommittedLog first = nodes.get(awaitLeader());
    LogFixtures.defineTypes(first, "seq");
    first.ingestables().define("fail", pg.config("fail", "seq", "[\"seq\"]", "", ""));
    PgHarness.awaitStreaming(first, "fail");

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger stops = new AtomicInteger();
    Thread killer = new Thread(() -> {
      try {
        while (writing.get() && stops.get() < LEADER_STOPS) {
          Thread.sleep(700 + random.nextInt(1500));
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
    int transactions = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (transactions < MIN_TRANSACTIONS || stops.get() < LEADER_STOPS && System.nanoTime() < deadline) {
        int n = ++transactions;
        s.execute("insert into seq values (" + n + ", 0)");
        if (n % 3 == 0) {
          s.execute("update seq set other = " + n + " where n = " + (n - 1)); // two entities, one entry
        }
        c.commit();
        if (n % 50 == 0) {
          Thread.sleep(5);
        }
      }
    } finally {
      writing.set(false);
      killer.join();
    }
    String last = Integer.toString(transactions);
    await("every transaction on every node").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> nodes.size() == 3 && nodes.values().stream().allMatch(l -> PgHarness.fold(l, "seq").containsKey(last)));

    List<Integer> expected = IntStream.rangeClosed(1, transactions).boxed().toList();
    List<LogEntry> reference = null;
    for (CommittedLog log : nodes.values()) {
      List<LogEntry> entries = PgHarness.entries(log, "seq");
      List<Integer> inserted = new ArrayList<>();
      for (LogEntry e : entries) {
        inserted.add(Integer.parseInt(e.entities().get(0).keyAsString()));
      }
      assertThat(inserted).as("each transaction once, in commit order (seed %s, %s leader stops)", seed, stops.get())
          .isEqualTo(expected);
      if (reference == null) {
        reference = entries;
      } else {
        assertThat(entries).isEqualTo(reference);
      }
    }
    assertThat(stops.get()).as("leaders stopped").isEqualTo(LEADER_STOPS);
  }
}
