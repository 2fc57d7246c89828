package io.committed.raft;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the configuration a node restarts with (JRaft's, from its log and snapshot) with the
 * address it was started at. A node's identity is its node id; JRaft's is id and address, and a
 * node whose address is not in its configuration never stands for election ("can't do preVote as
 * it is not in conf", forever). So:
 *
 * <ul>
 *   <li>the only voter of its group, found at another address, takes its place: its configuration is
 *       reset to the new address (JRaft's {@code resetPeers}, safe here because no other voter can
 *       form a quorum without it), and it stores the new one when it leads;
 *   <li>a member of a larger group found at another address is refused at once, naming both
 *       addresses and the two ways out: its peers only know the stored address, and only the group
 *       can change that;
 *   <li>a node whose id is not in the configuration (removed, or joining) starts and waits to be
 *       added.
 * </ul>
 */
final class SelfAddressCheck {

  /** What the engine does next. */
  sealed interface Outcome {}

  /** The stored configuration has this node at its address, or nothing is stored yet. */
  record Fits() implements Outcome {}

  /** This node's id is not a member: it starts and waits to be added (a joining or removed node). */
  record NotAMember(String message) implements Outcome {}

  /** The only voter moved: reset the configuration to {@code next}, the new address in place of {@code before}. */
  record TakePlace(Configuration next, String before) implements Outcome {}

  /** A member of a multi-node group moved: refuse to start. */
  record Refuse(String message) implements Outcome {}

  private SelfAddressCheck() {}

  static Outcome check(Configuration stored, PeerId self, String groupId, Path dataDir) {
    if (stored == null || stored.isEmpty() || stored.contains(self) || stored.getLearners().contains(self)) {
      return new Fits();
    }
    int id = self.getIdx();
    PeerId asVoter = find(stored.getPeers(), id);
    PeerId asLearner = find(stored.getLearners(), id);
    if (asVoter == null && asLearner == null) {
      return new NotAMember("raft node " + id + " is not a member of group '" + groupId + "' as stored in " + dataDir
          + " (members " + describe(stored) + "): it waits to be added (cluster().addLearner(" + id + ", \""
          + PeerAddress.hostPort(self) + "\"), then promote)");
    }
    String before = PeerAddress.hostPort(asVoter != null ? asVoter : asLearner);
    String now = PeerAddress.hostPort(self);
    if (asVoter != null && stored.getPeers().size() == 1) {
      List<PeerId> learners = new ArrayList<>(stored.getLearners());
      return new TakePlace(new Configuration(List.of(self), learners), before);
    }
    return new Refuse("raft node " + id + " of group '" + groupId + "' is stored in " + dataDir + " as a "
        + (asVoter != null ? "voter" : "learner") + " at " + before + ", but was started with the address " + now
        + "; its peers (" + describe(stored) + ") know it at " + before + " only, so it could never take part. Either"
        + " start it again with the address " + before + " (the option listenAddress binds another local address"
        + " when only the local one changed), or move it to " + now + ": on a running node remove node " + id
        + " (DELETE /v1/membership/" + id + ", or cluster().remove(" + id + ")), start this node with join=true"
        + " (COMMITTED_JOIN=true) at " + now + " with its data directory as it is, add it as a learner at " + now
        + " and promote it");
  }

  private static PeerId find(Iterable<PeerId> peers, int id) {
    for (PeerId p : peers) {
      if (p.getIdx() == id) {
        return p;
      }
    }
    return null;
  }

  private static String describe(Configuration c) {
    StringBuilder b = new StringBuilder();
    for (PeerId p : c.getPeers()) {
      b.append(b.length() == 0 ? "" : ", ").append(p.getIdx()).append('=').append(PeerAddress.hostPort(p));
    }
    for (PeerId p : c.getLearners()) {
      b.append(b.length() == 0 ? "" : ", ").append(p.getIdx()).append('=').append(PeerAddress.hostPort(p))
          .append(" (learner)");
    }
    return b.toString();
  }
}
