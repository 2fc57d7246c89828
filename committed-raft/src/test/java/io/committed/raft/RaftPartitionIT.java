package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.testkit.FaultyProxy;
import io.committed.testkit.LogFixtures;
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
    LogFixtures.defineTypes(cluster.log(leader), "t");
    return leader;
  }

  @Test
  void aPartitionedMinorityMakesNoProgressTheMajorityContinuesAndTheLogsConvergeAfterHealing() throws Exception {
    int leader = start();
    CommittedLog log = cluster.log(leader);
    RaftCluster.write(log, "before", 200);
    int minority = leader == 3 ? 2 : 3;
    cluster.awaitConverged(log.lastIndex());
    long minorityAt = cluster.log(minority).lastIndex();
    proxies.get(minority).cut();

    int majorityLeader = cluster.awaitLeaderAmong(List.of(1, 2, 3), minority);
    RaftCluster.write(cluster.log(majorityLeader), "during", 500);
    // for several election timeouts, the minority applies nothing new and does not lead
    CommittedLog cutOff = cluster.log(minority);
    org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(1500)).atMost(java.time.Duration.ofSeconds(5))
        .until(() -> cutOff.lastIndex() == minorityAt && cutOff.status().role() != io.committed.NodeRole.LEADER);

    proxies.get(minority).heal();
    long last = cluster.log(majorityLeader).lastIndex();
    try {
      cluster.awaitConverged(last);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("node " + minority + " did not catch up after healing; the nodes: "
          + cluster.running().values().stream().map(l -> l.status().toString()).toList(), e);
    }
    assertSameEntries();
    // and the healed node takes writes again
    RaftCluster.write(cluster.log(minority), "after", 50);
    cluster.awaitConverged(last + 50);
    assertSameEntries();
  }

  /**
   * The leader cut off both ways while it takes proposals: it cannot commit them, so none may be
   * acknowledged; the other two elect a leader and go on; after healing, the old leader drops what
   * it appended alone and holds the same entries as the others: none of the proposals made to it
   * while it was cut off, and every acknowledged one exactly once. Both directions are cut: the
   * leader's own proxy, and its requests at the others' proxies ({@link FaultyProxy#refuseFrom}).
   */
  @Test
  void anIsolatedLeaderAcknowledgesNothingAndDropsWhatItAppendedAlone() throws Exception {
    int old = start();
    CommittedLog oldLeader = cluster.log(old);
    RaftCluster.write(oldLeader, "before", 200);
    cluster.awaitConverged(oldLeader.lastIndex());
    long before = oldLeader.lastIndex();
    proxies.get(old).cut();
    for (int id : proxies.keySet()) {
      if (id != old) {
        proxies.get(id).refuseFrom(cluster.address(old), old);
      }
    }
    List<CompletableFuture<Long>> alone = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      alone.add(oldLeader.propose(Proposal.of(Entity.upsert("t", "alone" + i, "{}"))));
    }
    int newLeader = cluster.awaitLeaderAmong(List.of(1, 2, 3), old);
    RaftCluster.write(cluster.log(newLeader), "majority", 300);
    int acknowledged = 0;
    for (CompletableFuture<Long> f : alone) {
      try {
        f.get(30, TimeUnit.SECONDS);
        acknowledged++;
      } catch (java.util.concurrent.ExecutionException e) {
        // its outcome was unknown to the old leader (it was never committed): the caller may retry
        assertThat(e.getCause()).isInstanceOf(io.committed.api.RetriableException.class);
      }
    }
    assertThat(acknowledged).as("proposals the isolated leader acknowledged").isZero();
    assertThat(oldLeader.lastIndex()).as("entries the isolated leader applied").isEqualTo(before);

    proxies.values().forEach(FaultyProxy::heal);
    long last = cluster.log(newLeader).lastIndex();
    cluster.awaitConverged(last);
    assertSameEntries();
    List<LogEntry> entries = cluster.log(newLeader).read(1, 100_000);
    assertThat(entries).hasSize((int) last);
    assertThat(entries.stream().flatMap(e -> e.proposal().entities().stream()).map(Entity::keyAsString))
        .as("keys proposed only to the isolated leader").noneMatch(k -> k.startsWith("alone"))
        .filteredOn(k -> k.startsWith("majority")).hasSize(300).doesNotHaveDuplicates();
    RaftCluster.write(oldLeader, "after", 50);
    cluster.awaitConverged(last + 50);
    assertSameEntries();
  }

  @Test
  void aSlowFollowerDoesNotHoldTheMajorityBackAndCatchesUp() throws Exception {
    int leader = start();
    int slow = leader == 3 ? 2 : 3;
    proxies.get(slow).delayMillis = 20;
    CommittedLog log = cluster.log(leader);
    RaftCluster.write(log, "k", 3000);
    long last = log.lastIndex();
    proxies.get(slow).heal();
    cluster.awaitConverged(last);
    assertSameEntries();
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
