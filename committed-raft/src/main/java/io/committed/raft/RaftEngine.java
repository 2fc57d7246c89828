package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import io.committed.ClusterControl;
import io.committed.api.CommittedException;
import io.committed.engine.ApplyResult;
import io.committed.engine.ClusterEngine;
import io.committed.engine.EngineConfig;
import io.committed.engine.EngineLifecycle;
import io.committed.engine.EngineStatus;
import io.committed.engine.EventLog;
import io.committed.engine.LogEngine;
import io.committed.engine.ReplicatedStateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated engine: one SOFAJRaft group per log, committed entries applied through core's
 * state machine into a Chronicle Queue event log. This class starts and stops the parts and wires
 * them together:
 *
 * <ul>
 *   <li>{@link ProposalDispatcher}: group commit, and proposals waiting for a leader;
 *   <li>{@link Forwarder} (on a follower) and {@link ForwardProcessor} (on the leader): proposals
 *       made on a follower, with read-your-writes on that follower;
 *   <li>{@link RaftStateMachine}: JRaft's callbacks, applying entries through core's state machine;
 *   <li>{@link SnapshotStore}: snapshots carrying the event log's segments;
 *   <li>{@link GroupView} and {@link ClusterOps}: status and membership;
 *   <li>{@link AppliedWaiters}: what waits for this node to apply an index.
 * </ul>
 */
final class RaftEngine implements LogEngine, ClusterEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RaftEngine.class);
  private static final long NUDGE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long TICK_MILLIS = 5;
  /** How long proposals that found no leader wait before they are routed again (unless a leader appears first). */
  private static final long RETRY_MILLIS = 10;
  private static final long DRAIN_SECONDS = 3;

  private final EngineConfig config;
  private final RaftSettings settings;
  private final Path dataDir;
  private final DataDirectory directory;
  private final PeerId self;
  private final EngineLifecycle lifecycle;
  private final NodeFailure failure = new NodeFailure();
  private final ChronicleEventLog events;
  private final ScheduledExecutorService timer;
  private final ConnectionMender mender;
  private final AppliedWaiters applied = new AppliedWaiters(System::nanoTime);
  private final SnapshotStore snapshots;
  private final ErasableLogStorage.Factory storages = new ErasableLogStorage.Factory();
  private final RaftLogEraser eraser;
  private final Forwarder forwarder;
  private final ProposalDispatcher dispatcher;
  private final RaftStateMachine fsm;
  private final GroupView view;
  private final NodeContext context;
  /** Mutual TLS for the replication traffic, or null for plain TCP. */
  private final PeerTls tls;
  private volatile RaftGroupService group;
  private volatile Node node;
  private volatile ClusterOps cluster;

  RaftEngine(EngineConfig config, RaftSettings settings) {
    this.config = config;
    this.settings = settings;
    this.dataDir = config.dataDir();
    this.self = PeerAddress.peerId(config.nodeId(), config.selfAddress());
    // unusable TLS files fail before anything is opened
    this.tls = PeerTls.of(settings, config.groupId() + "-" + config.nodeId());
    // first: nothing else may touch the files of a directory another process holds, or another group's
    this.directory = DataDirectory.open(dataDir, config.groupId(), config.nodeId());
    try {
      DataFiles.verify(dataDir);
      Files.createDirectories(dataDir.resolve("raft"));
      Files.createDirectories(dataDir.resolve("snapshots"));
    } catch (IOException e) {
      directory.close();
      throw new CommittedException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      directory.close();
      throw e;
    }
    String name = config.groupId() + "-" + config.nodeId();
    try {
      this.events = new ChronicleEventLog(dataDir.resolve("events"));
    } catch (RuntimeException e) {
      directory.close();
      throw e;
    }
    this.lifecycle = new EngineLifecycle(config.groupId(), "committed-raft-callbacks-" + name);
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("committed-raft-timer-" + name));
    this.mender = new ConnectionMender(() -> node instanceof NodeImpl impl ? impl.getRpcService() : null, System::nanoTime,
        "committed-raft-mend-" + name);
    this.context = new NodeContext(config.groupId(), self, settings, lifecycle, failure, timer, System::nanoTime,
        () -> node);
    this.snapshots = new SnapshotStore(events,
        new EventSegments(dataDir.resolve("segments"), settings.segmentEntries(), settings.segmentBytes()), dataDir,
        config.nodeId(), "committed-raft-snapshot-" + name);
    this.forwarder = new Forwarder(context, applied);
    this.dispatcher = new ProposalDispatcher(context, forwarder::forward, RETRY_MILLIS);
    this.fsm = new RaftStateMachine(context, applied, snapshots, dispatcher::leaderKnown);
    this.view = new GroupView(context, fsm);
    this.eraser = new RaftLogEraser(config.nodeId(), () -> node, storages::storage, this::submit, fsm::noOpCommand,
        "committed-raft-erase-" + name);
  }

  // ---- lifecycle ----

  @Override
  public void start(ReplicatedStateMachine sm) {
    lifecycle.start();
    Configuration initial = new Configuration();
    if (!settings.join()) {
      config.peers().forEach((id, address) -> initial.addPeer(PeerAddress.peerId(id, address)));
    }
    // empty for a joining node until the group's configuration reaches it
    fsm.attach(sm, initial);
    Endpoint listen = settings.listenAddress() == null ? self.getEndpoint()
        : PeerAddress.parse(config.nodeId(), settings.listenAddress()).endpoint();
    ForwardCodec.register();
    RpcServer rpcServer = RaftRpcServerFactory.createRaftRpcServer(listen);
    rpcServer.registerProcessor(new ForwardProcessor(context, dispatcher));
    if (tls != null) {
      tls.configure(rpcServer);
    }
    // bind first: a port in use must fail before a raft node (with its timers) exists
    boolean bound;
    try {
      bound = rpcServer.init(null);
    } catch (RuntimeException e) {
      bound = false;
    }
    if (!bound) {
      rpcServer.shutdown();
      abortStart();
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' cannot listen on " + listen + ": is the port in use?");
    }
    VmSignals.loadRaftNodeClass();
    RaftGroupService service = new RaftGroupService(config.groupId(), self, nodeOptions(initial), rpcServer);
    Node n;
    try {
      n = PeerTlsRpcFactory.withTls(tls, () -> service.start(false));
    } catch (RuntimeException e) {
      abortStart(service);
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' could not start on " + PeerAddress.hostPort(self) + ": " + e.getMessage() + " " + initHint(), e);
    }
    if (n == null) {
      abortStart(service);
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' could not start on " + PeerAddress.hostPort(self) + ": " + initHint());
    }
    takePlace(service, (NodeImpl) n);
    this.group = service;
    this.node = n;
    n.addReplicatorStateListener(mender);
    forwarder.open(tls);
    this.cluster = new ClusterOps(view, n, config.groupId(), timer, tls);
    // a periodic task that throws is never run again: each catches what it throws
    timer.scheduleWithFixedDelay(() -> survive("tick", this::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(() -> survive("peer check", () -> mender.checkPeers(node)), 1, 1, TimeUnit.SECONDS);
    dispatcher.start();
    LOG.info("raft node {} of group '{}' started on {} with peers {}{}", config.nodeId(), config.groupId(),
        PeerAddress.hostPort(self), config.peers(), settings.join() ? " (joining: waiting to be added)" : "");
    awaitReplay((NodeImpl) n);
    String failed = failure.message();
    if (failed != null) {
      // never a partial start: a node that cannot apply what it holds does not serve (core closes it)
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' did not start: " + failed);
    }
  }

  private String initHint() {
    // the files it reads were checked (DataFiles), and the lock keeps other processes out
    return "(JRaft could not initialise from " + dataDir.resolve("raft") + " and " + dataDir.resolve("snapshots")
        + ": see its error logged above; 'Missing logs' means the raft log was trimmed to a snapshot that is gone)";
  }

  /**
   * Checks this node's address against the configuration it restarted with: the only voter takes
   * its new place, a member of a larger group that moved is refused ({@link SelfAddressCheck}).
   */
  private void takePlace(RaftGroupService service, NodeImpl n) {
    Configuration stored = n.getCurrentConf().copy();
    SelfAddressCheck.Outcome fit = SelfAddressCheck.check(stored, self, config.groupId(), dataDir);
    if (fit instanceof SelfAddressCheck.TakePlace t) {
      Status s = n.resetPeers(t.next());
      if (!s.isOk()) {
        abortStart(service);
        throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
            + "' moved from " + t.before() + " to " + PeerAddress.hostPort(self) + " and could not take its place: "
            + s.getErrorMsg());
      }
      LOG.warn("raft node {} of group '{}', the group's only voter, was stored at {} and started at {}: it takes its"
          + " place at the new address", config.nodeId(), config.groupId(), t.before(), PeerAddress.hostPort(self));
    } else if (fit instanceof SelfAddressCheck.Refuse r) {
      if (!settings.join()) {
        abortStart(service);
        throw new CommittedException(r.message());
      }
      LOG.warn("{} (join=true: it waits to be added at the new address)", r.message());
    } else if (fit instanceof SelfAddressCheck.NotAMember m) {
      LOG.warn(m.message());
    } else if (!settings.join() && !stored.isEmpty() && !sameMembers(stored)) {
      LOG.info("raft node {}: the peers it was given ({}) differ from the members stored in {} ({}); the stored"
          + " members count, and change only through cluster()", config.nodeId(), config.peers(), dataDir, stored);
    }
  }

  private boolean sameMembers(Configuration stored) {
    java.util.SortedMap<Integer, String> members = new java.util.TreeMap<>();
    stored.getPeers().forEach(p -> members.put(p.getIdx(), PeerAddress.hostPort(p)));
    stored.getLearners().forEach(p -> members.put(p.getIdx(), PeerAddress.hostPort(p)));
    return members.equals(config.peers());
  }

  private NodeOptions nodeOptions(Configuration initial) {
    NodeOptions options = new NodeOptions();
    options.setFsm(fsm);
    options.setLogUri(dataDir.resolve("raft").resolve("log").toString());
    options.setRaftMetaUri(dataDir.resolve("raft").resolve("meta").toString());
    options.setSnapshotUri(dataDir.resolve("snapshots").toString());
    options.setInitialConf(initial);
    options.setElectionTimeoutMs(settings.electionTimeoutMs());
    options.setSnapshotIntervalSecs(settings.snapshotIntervalSeconds());
    options.setFilterBeforeCopyRemote(true); // segments the follower has are not copied again
    options.setServiceFactory(storages); // a raft log whose trimmed bytes a scrub can make RocksDB drop
    options.setSharedTimerPool(false);
    options.getRaftOptions().setSync(true);
    options.getRaftOptions().setSyncMeta(true);
    return options;
  }

  /** The last failure of each periodic task, by task, logged once (see {@link #survive}). */
  private final java.util.concurrent.ConcurrentHashMap<String, String> periodicFailures =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Every 5 ms on the timer: expires read-your-writes waits, asks the leader for a heartbeat round
   * when one waits (the entries arrived after the last round), and counts entries JRaft applied
   * without our state machine (configuration entries) as applied.
   */
  private void tick() {
    long now = System.nanoTime();
    Node n = node;
    if (n != null) {
      applied.advance(RaftEntries.lastEngineIndex(n.getLastAppliedLogIndex()));
    }
    applied.expire(now);
    if (applied.waitingSince(now - NUDGE_AFTER_NANOS)) {
      forwarder.nudgeCommitIndex();
    }
  }

  /** Runs a periodic task so that a failure does not cancel it; each new failure is logged once. */
  private void survive(String what, Runnable task) {
    if (lifecycle.isClosed()) {
      return; // closing: JRaft's node refuses questions while it shuts down
    }
    try {
      task.run();
      periodicFailures.remove(what);
    } catch (RuntimeException e) {
      String failure = e.toString();
      if (!failure.equals(periodicFailures.put(what, failure)) && !lifecycle.isClosed()) {
        LOG.error("the raft engine's {} failed; it runs again at its next turn", what, e);
      }
    }
  }

  private void abortStart(RaftGroupService service) {
    Node half = service.getRaftNode();
    if (half != null) {
      half.shutdown();
      try {
        half.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(service);
    abortStart();
  }

  private void abortStart() {
    eraser.close();
    mender.close();
    timer.shutdownNow();
    snapshots.abort();
    lifecycle.shutdownCallbacksNow();
    events.close();
    directory.close();
  }

  /**
   * After a restart, waits (up to {@code leaderWaitMs}) until the entries this node already had are
   * applied again, so that it does not serve a shorter log than it served before. They are applied
   * once a leader confirms them committed; without a quorum the node starts anyway, behind.
   */
  private void awaitReplay(NodeImpl n) {
    long target = n.getLastLogIndex();
    if (n.getLastAppliedLogIndex() >= target) {
      return;
    }
    CompletableFuture<Object> replayed = CompletableFuture.anyOf(
        applied.reached(RaftEntries.lastEngineIndex(target)), failure.signal());
    try {
      replayed.get(settings.leaderWaitMs(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("raft node {} has applied raft index {} of the {} it holds: no quorum confirmed the rest within {} ms;"
          + " it serves what it has and catches up when a leader is elected", config.nodeId(),
          n.getLastAppliedLogIndex(), target, settings.leaderWaitMs());
    } catch (ExecutionException e) {
      // it stopped applying: the failure is logged, and proposals fail with it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
    Node n = node;
    if (n != null) {
      // let what is already proposed finish, so that acknowledged work is not reported as unknown
      dispatcher.awaitNoEntriesInFlight(DRAIN_SECONDS, TimeUnit.SECONDS);
      handOverLeadership(n);
    }
    dispatcher.close();
    eraser.close();
    forwarder.failUnanswered();
    if (cluster != null) {
      cluster.close();
    }
    RaftGroupService g = group;
    if (g != null) {
      closeQuietly(g);
    }
    forwarder.close();
    timer.shutdownNow();
    mender.close();
    snapshots.close();
    applied.failAll(lifecycle.closedException());
    lifecycle.shutdownCallbacks();
    events.close();
    directory.close(); // last: the files are consistent and closed
  }

  private void handOverLeadership(Node n) {
    if (!n.isLeader() || view.configuration().getPeers().size() <= 1) {
      return;
    }
    Status s = n.transferLeadershipTo(PeerId.ANY_PEER);
    if (s.isOk()) {
      try {
        fsm.awaitNotLeader(settings.electionTimeoutMs() * 3L, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LOG.info("raft node {} handed leadership over before closing: {}", config.nodeId(), !n.isLeader());
  }

  private static void closeQuietly(RaftGroupService g) {
    try {
      g.shutdown();
      g.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("raft node shutdown failed", e);
    }
  }

  // ---- the log ----

  @Override
  public EventLog eventLog() {
    return events;
  }

  @Override
  public CompletableFuture<ApplyResult> submit(byte[] command) {
    PendingCommand p = new PendingCommand(command, context.leaderWaitDeadline(), false);
    dispatcher.submit(p);
    return p.future.thenApply(PendingCommand.Applied::result);
  }

  @Override
  public void forgetCommandsThrough(long engineIndex) {
    eraser.eraseThrough(RaftEntries.raftIndex(engineIndex));
  }

  @Override
  public CompletableFuture<Void> readBarrier() {
    return forwarder.readBarrier();
  }

  // ---- status and membership ----

  @Override
  public boolean isLeader() {
    return view.isLeader();
  }

  @Override
  public EngineStatus status() {
    return view.status();
  }

  @Override
  public ClusterControl.Members members() {
    return view.members();
  }

  @Override
  public void addLearner(int nodeId, String address, long timeoutMillis) {
    ops().addLearner(nodeId, address, timeoutMillis);
  }

  @Override
  public void promote(int nodeId, long timeoutMillis) {
    ops().promote(nodeId, timeoutMillis);
  }

  @Override
  public void remove(int nodeId, long timeoutMillis) {
    ops().remove(nodeId, timeoutMillis);
  }

  @Override
  public void transferLeadership(int nodeId, long timeoutMillis) {
    ops().transferLeadership(nodeId, timeoutMillis);
  }

  private ClusterOps ops() {
    ClusterOps c = cluster;
    if (lifecycle.isClosed() || c == null) {
      throw lifecycle.closedException();
    }
    return c;
  }
}
