package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transport faults through proxies in front of each node: a partitioned minority and a slow follower. */
class RaftPartitionIT {
  @TempDir
  Path dir;

  private RaftCluster cluster;
  private Map<Integer, FaultyProxy> proxies;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (proxies != null) {
      for (FaultyProxy p : proxies.values()) {
        p.close();
      }
    }
  }

  private int start() throws Exception {
    cluster = new RaftCluster(dir, 3).customize(b -> b.engineOption("leaderWaitMs", "3000"));
    proxies = cluster.withProxies();
    int leader = cluster.startAll().awaitLeader();
    cluster.log(leader).types().define("t", "[type]\nname = \"t\"\n");
    return leader;
  }

  @Test
  void aPartitionedMinorityMakesNoProgressTheMajorityContinuesAndTheLogsConvergeAfterHealing() throws Exception {
    int leader = start();
    CommittedLog log = cluster.log(leader);
    write(log, "before", 200);
    int minority = leader == 3 ? 2 : 3;
    cluster.awaitConverged(log.lastIndex());
    long minorityAt = cluster.log(minority).lastIndex();
    proxies.get(minority).cut();

    int majorityLeader = cluster.awaitLeaderAmong(List.of(1, 2, 3), minority);
    write(cluster.log(majorityLeader), "during", 500);
    // for several election timeouts, the minority applies nothing new and does not lead
    CommittedLog cutOff = cluster.log(minority);
    org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(1500)).atMost(java.time.Duration.ofSeconds(5))
        .until(() -> cutOff.lastIndex() == minorityAt && !cutOff.status().role().equals("leader"));

    proxies.get(minority).heal();
    long last = cluster.log(majorityLeader).lastIndex();
    cluster.awaitConverged(last);
    assertSameEntries();
    // and the healed node takes writes again
    write(cluster.log(minority), "after", 50);
    cluster.awaitConverged(last + 50);
    assertSameEntries();
  }

  @Test
  void aSlowFollowerDoesNotHoldTheMajorityBackAndCatchesUp() throws Exception {
    int leader = start();
    int slow = leader == 3 ? 2 : 3;
    proxies.get(slow).delayMillis = 20;
    CommittedLog log = cluster.log(leader);
    write(log, "k", 3000);
    long last = log.lastIndex();
    proxies.get(slow).heal();
    cluster.awaitConverged(last);
    assertSameEntries();
  }

  private static void write(CommittedLog log, String prefix, int count) throws Exception {
    List<CompletableFuture<Long>> fs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      fs.add(log.propose(Proposal.of(Entity.upsert("t", prefix + i, "{}"))));
    }
    for (CompletableFuture<Long> f : fs) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  private void assertSameEntries() {
    List<List<LogEntry>> all = new ArrayList<>();
    for (CommittedLog l : cluster.running().values()) {
      all.add(l.read(1, 100_000));
    }
    assertThat(all.get(0)).isNotEmpty();
    for (List<LogEntry> entries : all) {
      assertThat(entries).isEqualTo(all.get(0));
    }
  }
}
