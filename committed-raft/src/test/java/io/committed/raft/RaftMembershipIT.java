package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.MembershipException;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership through {@code CommittedLog.cluster()}: a learner joins, catches up, is promoted and removed. */
class RaftMembershipIT {
  @TempDir
  Path dir;

  @Test
  void aJoiningNodeCatchesUpAsALearnerIsPromotedAndRemoved() throws Exception {
    // (catch-up through a snapshot is RaftResilienceIT's; with snapshots every second a joining node
    // on this 2-core machine can chase a snapshot that is replaced while it installs it)
    try (RaftCluster cluster = new RaftCluster(dir, 3)) {
      int leader = cluster.startAll().awaitLeader();
      CommittedLog log = cluster.log(leader);
      LogFixtures.defineTypes(log, "t");
      for (int i = 0; i < 500; i++) {
        log.propose(Proposal.of(Entity.upsert("t", "k" + i, "{}")));
      }
      long last = log.proposeAndWait(Proposal.of(Entity.upsert("t", "last", "{}")));
      // node 4 starts first, then joins (the other order: aLearnerAddedBeforeItsNodeListensIsPromotedInTime)
      int port = RaftCluster.freePort();
      String address = "127.0.0.1:" + port;
      int follower = leader == 1 ? 2 : 1;
      try (CommittedLog fourth = Committed.builder().nodeId(4).peers(cluster.peers() + ",4=" + address)
          .dataDir(dir.resolve("node-4")).join(true).electionTimeout(Duration.ofMillis(600)).start()) {
        // the change is asked of a follower: it reaches the leader
        cluster.log(follower).cluster().addLearner(4, address);
        assertThat(log.cluster().members().learners()).containsEntry(4, address);
        assertThatThrownBy(() -> log.cluster().addLearner(4, "127.0.0.1:1"))
            .isInstanceOfSatisfying(MembershipException.class, e -> assertThat(e.code()).isEqualTo(MembershipException.Code.ALREADY_MEMBER));
        assertThatThrownBy(() -> log.cluster().addLearner(5, address))
            .isInstanceOfSatisfying(MembershipException.class, e -> assertThat(e.code()).isEqualTo(MembershipException.Code.ALREADY_MEMBER));
        await().atMost(Duration.ofSeconds(60)).until(() -> fourth.lastIndex() >= last);
        assertThat(fourth.read(1, 10_000)).isEqualTo(log.read(1, 10_000));
        assertThat(fourth.status().role()).isEqualTo(io.committed.NodeRole.LEARNER);

        log.cluster().promote(4);
        assertThat(log.cluster().members().voters()).containsKey(4);
        assertThat(log.cluster().members().learners()).doesNotContainKey(4);
        await().atMost(Duration.ofSeconds(30)).until(() -> fourth.cluster().members().voters().containsKey(4));
        assertThatThrownBy(() -> log.cluster().promote(4))
            .isInstanceOfSatisfying(MembershipException.class, e -> assertThat(e.code()).isEqualTo(MembershipException.Code.UNKNOWN_NODE));
        long next = fourth.proposeAndWait(Proposal.of(Entity.upsert("t", "from-4", "{}")));
        assertThat(next).isEqualTo(last + 1);

        log.cluster().remove(4);
        assertThat(log.cluster().members().voters()).doesNotContainKey(4);
        assertThatThrownBy(() -> log.cluster().remove(4))
            .isInstanceOfSatisfying(MembershipException.class, e -> assertThat(e.code()).isEqualTo(MembershipException.Code.UNKNOWN_NODE));
      }
    }
  }

  /**
   * A user may add a node before starting it. Each round adds a learner whose node does not listen
   * yet, starts the node, promotes it within a bound, checks its event log and removes it again.
   *
   * <p>The promotion hung when the new voter answered the leader's first probe before the leader
   * began to wait for its catch-up: JRaft hears of a catch-up only from an append that succeeds
   * while it waits, and in an idle group none came. That order is left to thread timing in JRaft: it
   * came in about one suite run in three once, and not once in 40 runs here later. The leader is
   * made to take that order every time ({@link CatchUpRace}), so the test does not depend on luck.
   */
  @Test
  void aLearnerAddedBeforeItsNodeListensIsPromotedInTime() throws Exception {
    int rounds = 5;
    try (RaftCluster cluster = new RaftCluster(dir, 3)) {
      cluster.customize(b -> b.operationTimeout(Duration.ofSeconds(8)));
      int leader = cluster.startAll().awaitLeader();
      CommittedLog log = cluster.log(leader);
      LogFixtures.defineTypes(log, "t");
      CatchUpRace.answerFirst(log);
      for (int round = 0; round < rounds; round++) {
        int id = 4 + round;
        for (int i = 0; i < 100; i++) {
          log.propose(Proposal.of(Entity.upsert("t", "r" + round + "-" + i, "{}")));
        }
        long last = log.proposeAndWait(Proposal.of(Entity.upsert("t", "r" + round, "{}")));
        String address = "127.0.0.1:" + RaftCluster.freePort();
        // asked of a follower: the change reaches the leader
        cluster.log(leader == 1 ? 2 : 1).cluster().addLearner(id, address);
        try (CommittedLog joined = Committed.builder().nodeId(id).peers(cluster.peers() + "," + id + "=" + address)
            .dataDir(dir.resolve("node-" + id)).operationTimeout(Duration.ofSeconds(8))
            .join(true).electionTimeout(Duration.ofMillis(600)).start()) {
          await().atMost(Duration.ofSeconds(20)).until(() -> joined.lastIndex() >= last);
          long started = System.nanoTime();
          try {
            log.cluster().promote(id);
          } catch (RuntimeException e) {
            throw new AssertionError("promotion of node " + id + " in round " + round + " failed after "
                + (System.nanoTime() - started) / 1_000_000 + " ms; the raft nodes:\n" + CatchUpRace.describeAll(), e);
          }
          long tookMillis = (System.nanoTime() - started) / 1_000_000;
          assertThat(tookMillis).as("promotion of node %d in round %d took %d ms", id, round, tookMillis)
              .isLessThan(5_000);
          assertThat(log.cluster().members().voters()).containsKey(id);
          long next = joined.proposeAndWait(Proposal.of(Entity.upsert("t", "from-" + id, "{}")));
          assertThat(next).as("the empty entries appended while it caught up are not in the event log").isEqualTo(last + 1);
          cluster.awaitConverged(next);
          assertThat(joined.read(1, 100_000)).isEqualTo(log.read(1, 100_000));
          log.cluster().remove(id);
          assertThat(log.cluster().members().voters()).doesNotContainKey(id);
        }
      }
    }
  }

  @Test
  void theLastVoterCannotBeRemovedAndLeadershipMovesOnRequest() throws Exception {
    try (RaftCluster single = new RaftCluster(dir.resolve("one"), 1)) {
      single.startAll().awaitLeader();
      assertThatThrownBy(() -> single.log(1).cluster().remove(1))
          .isInstanceOfSatisfying(MembershipException.class,
              e -> assertThat(e.code()).isEqualTo(MembershipException.Code.WOULD_REMOVE_LAST_VOTER));
    }
    try (RaftCluster cluster = new RaftCluster(dir.resolve("three"), 3)) {
      int leader = cluster.startAll().awaitLeader();
      int target = leader == 3 ? 1 : leader + 1;
      cluster.log(leader).cluster().transferLeadership(target);
      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.log(target).status().role() == io.committed.NodeRole.LEADER);
      assertThatThrownBy(() -> cluster.log(target).cluster().transferLeadership(9))
          .isInstanceOfSatisfying(MembershipException.class, e -> assertThat(e.code()).isEqualTo(MembershipException.Code.UNKNOWN_NODE));
    }
  }
}
