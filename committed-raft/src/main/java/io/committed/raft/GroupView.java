package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import io.committed.ClusterControl;
import io.committed.NodeRole;
import io.committed.engine.EngineStatus;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/** What this node knows of its group: its role, the leader, the members, the indexes. */
final class GroupView {
  private final NodeContext node;
  private final RaftStateMachine fsm;

  GroupView(NodeContext node, RaftStateMachine fsm) {
    this.node = node;
    this.fsm = fsm;
  }

  /** True when this node leads and its state machine knows it (its workers run), until close. */
  boolean isLeader() {
    Node n = node.node().get();
    return fsm.isLeader() && n != null && n.isLeader() && !node.lifecycle().isClosed();
  }

  EngineStatus status() {
    Node n = node.node().get();
    Configuration c = configuration();
    SortedMap<Integer, String> peers = new TreeMap<>();
    c.getPeers().forEach(p -> peers.put(p.getIdx(), PeerAddress.hostPort(p)));
    if (n == null || node.lifecycle().isClosed()) {
      return new EngineStatus(node.nodeId(), NodeRole.STOPPED, OptionalInt.empty(), Optional.empty(), fsm.term(), 0, 0, peers);
    }
    State s = n.getNodeState();
    NodeRole role = switch (s) {
      case STATE_LEADER, STATE_TRANSFERRING -> NodeRole.LEADER;
      case STATE_CANDIDATE -> NodeRole.CANDIDATE;
      case STATE_FOLLOWER -> c.getLearners().contains(node.self()) ? NodeRole.LEARNER : NodeRole.FOLLOWER;
      default -> NodeRole.STOPPED;
    };
    PeerId l = n.getLeaderId();
    boolean known = l != null && !l.isEmpty();
    NodeImpl impl = (NodeImpl) n;
    return new EngineStatus(node.nodeId(), role, known ? OptionalInt.of(l.getIdx()) : OptionalInt.empty(),
        known ? Optional.of(PeerAddress.hostPort(l)) : Optional.empty(),
        fsm.term(), impl.getLastCommittedIndex(), impl.getLastAppliedLogIndex(), peers);
  }

  ClusterControl.Members members() {
    Configuration c = configuration();
    SortedMap<Integer, String> voters = new TreeMap<>();
    SortedMap<Integer, String> learners = new TreeMap<>();
    c.getPeers().forEach(p -> voters.put(p.getIdx(), PeerAddress.hostPort(p)));
    c.getLearners().forEach(p -> learners.put(p.getIdx(), PeerAddress.hostPort(p)));
    return new ClusterControl.Members(voters, learners);
  }

  /**
   * The group's configuration as this node knows it: JRaft's current one (the newest in its log,
   * learners included) while the node runs. {@code onConfigurationCommitted} alone is not enough:
   * JRaft calls it only for changes of voters, and passes the voters without the learners.
   */
  Configuration configuration() {
    Node n = node.node().get();
    if (n instanceof NodeImpl impl && !node.lifecycle().isClosed()) {
      Configuration c = impl.getCurrentConf();
      if (c != null && !c.isEmpty()) {
        return c;
      }
    }
    Configuration committed = fsm.committedConfiguration();
    return committed == null ? new Configuration() : committed;
  }
}
