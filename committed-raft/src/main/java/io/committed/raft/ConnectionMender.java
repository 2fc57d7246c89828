package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.Replicator;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.rpc.ClientService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a leader reach a follower again after the connection to it broke. JRaft's replicator asks
 * its RPC client (SOFABolt 1.6) to create a missing connection asynchronously, and that path never
 * repairs a connection pool that exists but is empty: when a broken link left such a pool behind
 * (seen when a follower's connections were cut while it was being reconnected), every later check
 * fails with "Check connection ... fail and try to create new one", and the follower heard nothing
 * from the leader for as long as the leader lasted (over a minute in tests). Dropping the pool makes
 * the next check create a fresh one. This does that, at most once a second per follower, while
 * the replicator reports that error.
 */
final class ConnectionMender implements Replicator.ReplicatorStateListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionMender.class);
  /** The start of JRaft's status message when the replicator finds no connection to its peer. */
  static final String NO_CONNECTION = "Check connection[";
  private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Supplier<ClientService> rpc;
  private final LongSupplier clock;
  private final ExecutorService worker;
  private final Map<PeerId, Long> lastMended = new ConcurrentHashMap<>();

  /**
   * @param rpc the raft node's RPC client service (null until it exists)
   * @param clock nanoseconds, for the once-a-second bound
   */
  ConnectionMender(Supplier<ClientService> rpc, LongSupplier clock, String threadName) {
    this.rpc = rpc;
    this.clock = clock;
    this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named(threadName));
  }

  @Override
  public void onCreated(PeerId peer) {
    lastMended.remove(peer);
  }

  @Override
  public void onDestroyed(PeerId peer) {
    lastMended.remove(peer);
  }

  @Override
  public void onError(PeerId peer, Status status) {
    String message = status == null ? null : status.getErrorMsg();
    if (message == null || !message.startsWith(NO_CONNECTION)) {
      return; // timeouts, refusals, a busy follower: the connection is there
    }
    long now = clock.getAsLong();
    Long last = lastMended.get(peer);
    if (last != null && now - last < EVERY_NANOS) {
      return;
    }
    boolean ours = last == null ? lastMended.putIfAbsent(peer, now) == null : lastMended.replace(peer, last, now);
    if (!ours) {
      return; // another thread of JRaft's reported the same error at the same moment
    }
    try {
      worker.execute(() -> mend(peer));
    } catch (RejectedExecutionException closed) {
      // the node is closing
    }
  }

  /**
   * Called about once a second: on a leader, a peer with no live connection also gets its pool
   * dropped. A replicator that could not be started (its peer was unreachable when this node was
   * elected) reports no error to {@link #onError}: JRaft only retries connecting to it from its
   * step-down timer, and that retry meets the same empty pool.
   */
  void checkPeers(Node node) {
    if (node == null || !node.isLeader()) {
      return;
    }
    ClientService service = rpc.get();
    if (service == null) {
      return;
    }
    PeerId self = node.getNodeId().getPeerId();
    List<PeerId> peers = new ArrayList<>();
    try {
      peers.addAll(node.listPeers());
      peers.addAll(node.listLearners());
    } catch (IllegalStateException notLeaderAnyMore) {
      return;
    }
    for (PeerId peer : peers) {
      if (!peer.equals(self) && !service.isConnected(peer.getEndpoint())) {
        onError(peer, new Status(RaftError.EINTERNAL, NO_CONNECTION + peer.getEndpoint() + "] missing"));
      }
    }
  }

  private void mend(PeerId peer) {
    ClientService service = rpc.get();
    if (service == null) {
      return;
    }
    LOG.debug("no connection to {}: dropping its connection pool so that the next attempt builds a new one", peer);
    service.disconnect(peer.getEndpoint());
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
