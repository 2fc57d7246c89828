package io.committed.raft;

import io.committed.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.CommittedException;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member of a three-node group restarted at another address is refused at once, with both
 * addresses in the error; the way out the error gives (remove it, start it with join=true at the
 * new address on its own data, add it as a learner there and promote it) brings it back.
 */
class AddressChangeIT {
  @TempDir
  Path dir;

  @Test
  void aMovedMemberIsRefusedAndTheDocumentedMoveBringsItBack() {
    try (RaftCluster cluster = new RaftCluster(dir, 3)) {
      int leader = cluster.startAll().awaitLeader();
      int moved = leader == 3 ? 2 : 3;
      int other = 6 - leader - moved;
      CommittedLog log = cluster.log(leader);
      LogFixtures.defineTypes(log, "t");
      for (int i = 0; i < 50; i++) {
        log.proposeAndWait(Proposal.of(Entity.upsert("t", "k" + i, "{}")));
      }
      String old = cluster.address(moved);
      cluster.stop(moved);

      String now = "127.0.0.1:" + RaftCluster.freePort();
      String peers = cluster.peers().replace(moved + "=" + old, moved + "=" + now);
      assertThatThrownBy(() -> node(cluster, moved, peers).start())
          .isInstanceOf(CommittedException.class)
          .hasMessageContaining("stored in " + cluster.dir(moved) + " as a voter at " + old)
          .hasMessageContaining("started with the address " + now)
          .hasMessageContaining("DELETE /v1/membership/" + moved);
      // the refused start let go of everything: the directory can be opened again at once
      long last = log.proposeAndWait(Proposal.of(Entity.upsert("t", "while-away", "{}")));

      // the move, as the error describes it
      cluster.log(other).cluster().remove(moved);
      try (CommittedLog back = node(cluster, moved, peers).engineOption("join", "true").start()) {
        log.cluster().addLearner(moved, now);
        await().atMost(Duration.ofSeconds(60)).until(() -> back.lastIndex() >= last);
        log.cluster().promote(moved);
        assertThat(log.cluster().members().voters()).containsEntry(moved, now);
        await().atMost(Duration.ofSeconds(30)).until(() -> back.status().role() == NodeRole.FOLLOWER);
        long written = back.proposeAndWait(Proposal.of(Entity.upsert("t", "through-the-moved-node", "{}")));
        assertThat(back.read(1, 10_000)).isEqualTo(log.read(1, 10_000));
        assertThat(written).isGreaterThan(last);
      }
    }
  }

  private static io.committed.CommittedBuilder node(RaftCluster cluster, int id, String peers) {
    return Committed.builder().nodeId(id).peers(peers).dataDir(cluster.dir(id)).engineOption("electionTimeoutMs", "1000");
  }
}
