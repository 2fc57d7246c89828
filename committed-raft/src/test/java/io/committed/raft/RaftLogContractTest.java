package io.committed.raft;

import io.committed.CommittedLog;
import io.committed.testkit.CommittedLogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/** The raft engine passes the log contract on one node and, through a follower, on three. */
class RaftLogContractTest {

  /** The contract against a fresh cluster of {@code size} nodes, through {@link #pick}. */
  abstract static class OnCluster extends CommittedLogContract {
    private final int size;
    private RaftCluster cluster;

    OnCluster(int size) {
      this.size = size;
    }

    /** The node the contract talks to, given the leader. */
    abstract int pick(int leader);

    @Override
    protected CommittedLog open(Path dir) {
      if (cluster == null) {
        cluster = new RaftCluster(dir, size).customize(b -> b.maxProposalBytes(MAX_PROPOSAL_BYTES));
      }
      cluster.close();
      return cluster.log(pick(cluster.startAll().awaitLeader()));
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
  class SingleNode extends OnCluster {
    SingleNode() {
      super(1);
    }

    @Override
    int pick(int leader) {
      return leader;
    }
  }

  @Nested
  class ThreeNodesThroughAFollower extends OnCluster {
    ThreeNodesThroughAFollower() {
      super(3);
    }

    @Override
    int pick(int leader) {
      return leader == 1 ? 2 : 1;
    }
  }
}
