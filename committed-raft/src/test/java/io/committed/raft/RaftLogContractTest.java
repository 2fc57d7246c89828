package io.committed.raft;

import io.committed.CommittedLog;
import io.committed.testkit.CommittedLogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/** The raft engine passes the log contract on one node and, through a follower, on three. */
class RaftLogContractTest {

  @Nested
  class SingleNode extends CommittedLogContract {
    private RaftCluster cluster;

    @Override
    protected CommittedLog open(Path dir) {
      if (cluster == null) {
        cluster = new RaftCluster(dir, 1).customize(b -> b.maxProposalBytes(MAX_PROPOSAL_BYTES));
      }
      cluster.close();
      cluster.startAll().awaitLeader();
      return cluster.log(1);
    }

    @Override
    protected boolean durable() {
      return true;
    }

    @AfterEach
    void stopCluster() {
      cluster.close();
    }
  }

  @Nested
  class ThreeNodesThroughAFollower extends CommittedLogContract {
    private RaftCluster cluster;

    @Override
    protected CommittedLog open(Path dir) {
      if (cluster == null) {
        cluster = new RaftCluster(dir, 3).customize(b -> b.maxProposalBytes(MAX_PROPOSAL_BYTES));
      }
      cluster.close();
      int leader = cluster.startAll().awaitLeader();
      return cluster.log(leader == 1 ? 2 : 1);
    }

    @Override
    protected boolean durable() {
      return true;
    }

    @AfterEach
    void stopCluster() {
      cluster.close();
    }
  }
}
