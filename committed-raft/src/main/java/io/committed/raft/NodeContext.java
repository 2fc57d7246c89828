package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.committed.engine.EngineLifecycle;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the parts of one raft node share: who it is, its settings and lifecycle, the failure that
 * stops it, its timer and clock, and its JRaft node once started.
 *
 * @param self this node as its peers know it
 * @param timer the node's single timer thread, for short tasks only (never a blocking call)
 * @param nanoClock {@link System#nanoTime()} but in tests
 * @param node the JRaft node, null until it is started
 */
record NodeContext(String groupId, PeerId self, RaftSettings settings, EngineLifecycle lifecycle, NodeFailure failure,
    ScheduledExecutorService timer, LongSupplier nanoClock, Supplier<Node> node) {

  int nodeId() {
    return self.getIdx();
  }

  /** The instant {@code leaderWaitMs} from now, on {@link #nanoClock}: how long a proposal may wait. */
  long leaderWaitDeadline() {
    return nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(settings.leaderWaitMs());
  }

  /** The leader's {@code host:port} as this node knows it, or null. */
  String leaderAddress() {
    Node n = node.get();
    PeerId l = n == null ? null : n.getLeaderId();
    return l == null || l.isEmpty() ? null : PeerAddress.hostPort(l);
  }
}
