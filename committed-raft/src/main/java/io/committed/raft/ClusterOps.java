package io.committed.raft;

import com.alipay.sofa.jraft.CliService;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftServiceFactory;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.CliOptions;
import io.committed.ClusterControl;
import io.committed.api.MembershipException;
import io.committed.api.MembershipException.Code;
import io.committed.api.OperationInterruptedException;
import io.committed.api.RetriableException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes through JRaft's CLI service, which finds the leader from any node. Each change
 * is checked against the configuration this node knows first (clear refusals for unknown ids,
 * taken addresses and the last voter), and waits until this node has seen it committed. On the
 * leader's side, a {@link CatchUpNudge} keeps JRaft's wait for a joining voter from hanging.
 */
final class ClusterOps implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterOps.class);
  private static final long BUSY_RETRY_MILLIS = 50;
  private static final long SEEN_CHECK_MILLIS = 10;

  private final GroupView view;
  private final String groupId;
  private final int nodeId;
  private final TimerWaits waits;
  private final CatchUpNudge nudge;
  private CliService cli;
  /** The node's TLS for the membership client, or null. */
  private final PeerTls tls;

  /**
   * Called once the engine's raft node exists: the nudge listens to it whichever node asks for a change.
   *
   * @param timer runs the retries and checks the waits are made of (short tasks): a caller blocks on
   *     a future the timer completes, never in a sleep
   */
  ClusterOps(GroupView view, Node node, String groupId, ScheduledExecutorService timer, PeerTls tls) {
    this.tls = tls;
    this.view = view;
    this.groupId = groupId;
    this.nodeId = node.getNodeId().getPeerId().getIdx();
    this.waits = new TimerWaits(timer);
    this.nudge = new CatchUpNudge(node, view::configuration, Math.max(1, node.getOptions().getElectionTimeoutMs() / 2),
        "committed-raft-catch-up-" + groupId + "-" + nodeId);
    node.addReplicatorStateListener(nudge);
  }

  private synchronized CliService cli(long timeoutMillis) {
    if (cli == null) {
      CliOptions options = new CliOptions();
      options.setTimeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
      options.setMaxRetry(3);
      cli = PeerTlsRpcFactory.withTls(tls, () -> RaftServiceFactory.createAndInitCliService(options));
    }
    return cli;
  }

  void addLearner(int nodeId, String address, long timeoutMillis) {
    ClusterControl.Members m = view.members();
    if (m.voters().containsKey(nodeId) || m.learners().containsKey(nodeId)) {
      throw new MembershipException(Code.ALREADY_MEMBER, "node " + nodeId + " is already a member of group '" + groupId
          + "' (at " + (m.voters().containsKey(nodeId) ? m.voters().get(nodeId) : m.learners().get(nodeId)) + ")");
    }
    if (m.voters().containsValue(address) || m.learners().containsValue(address)) {
      throw new MembershipException(Code.ALREADY_MEMBER, "address " + address + " is already used by a member of group '"
          + groupId + "'");
    }
    PeerId p = PeerAddress.peerId(nodeId, address);
    check(call(timeoutMillis, c -> c.addLearners(groupId, current(), List.of(p))), "add node " + nodeId + " as a learner");
    awaitLocally(c -> c.getLearners().contains(p), timeoutMillis);
    LOG.info("node {} at {} joined group '{}' as a learner", nodeId, address, groupId);
  }

  void promote(int nodeId, long timeoutMillis) {
    ClusterControl.Members m = view.members();
    if (!m.learners().containsKey(nodeId)) {
      throw new MembershipException(Code.UNKNOWN_NODE, "node " + nodeId + " is not a learner of group '" + groupId + "'"
          + (m.voters().containsKey(nodeId) ? " (it already votes)" : ""));
    }
    PeerId p = PeerAddress.peerId(nodeId, m.learners().get(nodeId));
    // Not CliService.learner2Follower: it re-adds the peer without its index (our node id), as a
    // peer no node answers to, which then never catches up. The same two steps, with the index kept:
    check(call(timeoutMillis, c -> c.removeLearners(groupId, current(), List.of(p))),
        "promote node " + nodeId + " (removing it as a learner)");
    awaitLocally(conf -> !conf.getLearners().contains(p), timeoutMillis);
    Status added = call(timeoutMillis, c -> c.addPeer(groupId, current(), p));
    if (!added.isOk()) {
      // put it back as a learner, so that a retry of the promotion finds it where it was
      Status back = call(timeoutMillis, c -> c.addLearners(groupId, current(), List.of(p)));
      LOG.warn("promoting node {} failed ({}); {} as a learner", nodeId, added.getErrorMsg(),
          back.isOk() ? "it is back" : "adding it back failed too (" + back.getErrorMsg() + "): add it again");
      check(added, "promote node " + nodeId);
    }
    awaitLocally(conf -> conf.getPeers().contains(p), timeoutMillis);
    LOG.info("node {} of group '{}' now votes", nodeId, groupId);
  }

  void remove(int nodeId, long timeoutMillis) {
    ClusterControl.Members m = view.members();
    if (m.learners().containsKey(nodeId)) {
      PeerId p = PeerAddress.peerId(nodeId, m.learners().get(nodeId));
      check(call(timeoutMillis, c -> c.removeLearners(groupId, current(), List.of(p))), "remove learner " + nodeId);
      awaitLocally(c -> !c.getLearners().contains(p), timeoutMillis);
      return;
    }
    if (!m.voters().containsKey(nodeId)) {
      throw new MembershipException(Code.UNKNOWN_NODE, "node " + nodeId + " is not a member of group '" + groupId + "'");
    }
    if (m.voters().size() == 1) {
      throw new MembershipException(Code.WOULD_REMOVE_LAST_VOTER, "node " + nodeId + " is the last voter of group '"
          + groupId + "'; add and promote another node first");
    }
    PeerId p = PeerAddress.peerId(nodeId, m.voters().get(nodeId));
    check(call(timeoutMillis, c -> c.removePeer(groupId, current(), p)), "remove node " + nodeId);
    if (p.getIdx() != nodeId) {
      awaitLocally(c -> !c.contains(p), timeoutMillis);
    }
    LOG.info("node {} left group '{}'", nodeId, groupId);
  }

  void transferLeadership(int nodeId, long timeoutMillis) {
    ClusterControl.Members m = view.members();
    if (!m.voters().containsKey(nodeId)) {
      throw new MembershipException(Code.UNKNOWN_NODE, "node " + nodeId + " is not a voter of group '" + groupId + "'");
    }
    PeerId p = PeerAddress.peerId(nodeId, m.voters().get(nodeId));
    check(call(timeoutMillis, c -> c.transferLeader(groupId, current(), p)), "transfer leadership to node " + nodeId);
  }

  private Configuration current() {
    return view.configuration().copy();
  }

  /**
   * Runs a CLI call, again while the leader is busy with another configuration change (EBUSY, as
   * just after an election, when a new leader commits its configuration): nothing changed then.
   */
  private Status call(long timeoutMillis, Function<CliService, Status> op) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      Status s = op.apply(cli(timeoutMillis));
      if (s.isOk() || s.getRaftError() != RaftError.EBUSY || System.nanoTime() - deadline > 0) {
        return s;
      }
      try {
        if (!waits.delay(BUSY_RETRY_MILLIS)) {
          return s; // closed
        }
      } catch (InterruptedException e) {
        throw OperationInterruptedException.interrupted("interrupted while the leader was busy with another "
            + "configuration change; nothing changed", false, e);
      }
    }
  }

  private void check(Status s, String what) {
    if (s.isOk()) {
      return;
    }
    if (s.getRaftError() == RaftError.EBUSY) {
      throw new RetriableException("could not " + what + " in group '" + groupId + "': the leader was busy with "
          + "another configuration change until the timeout; nothing changed", false);
    }
    throw new RetriableException("could not " + what + " in group '" + groupId + "': " + s.getErrorMsg()
        + " (raft error " + s.getRaftError() + "); read the members before retrying", true);
  }

  /**
   * Waits until this node's configuration shows a committed change. JRaft reports no event for it
   * (it calls {@code onConfigurationCommitted} only for changes of voters, and passes no learners),
   * so the timer checks the configuration every 10 ms.
   */
  private void awaitLocally(Predicate<Configuration> seen, long timeoutMillis) {
    boolean ok;
    try {
      ok = waits.until(() -> seen.test(view.configuration()), SEEN_CHECK_MILLIS, timeoutMillis);
    } catch (InterruptedException e) {
      throw OperationInterruptedException.interrupted("interrupted while waiting to see a membership change "
          + "committed; read the members before retrying", true, e);
    }
    if (!ok) {
      throw new RetriableException("the change was committed but node " + nodeId + " has not seen it within "
          + timeoutMillis + " ms", true);
    }
  }

  @Override
  public synchronized void close() {
    waits.close(); // a change under way stops waiting
    nudge.close();
    if (cli != null) {
      cli.shutdown();
    }
  }
}
