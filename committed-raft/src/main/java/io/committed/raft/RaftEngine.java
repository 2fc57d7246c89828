package io.committed.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.committed.ClusterControl;
import io.committed.api.CommittedException;
import io.committed.api.LogClosedException;
import io.committed.api.NotLeaderException;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import io.committed.engine.ClusterEngine;
import io.committed.engine.EngineConfig;
import io.committed.engine.EngineLifecycle;
import io.committed.engine.EngineStatus;
import io.committed.engine.EventLog;
import io.committed.engine.LogEngine;
import io.committed.engine.ReplicatedStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated engine: one SOFAJRaft group per log, committed entries applied through core's
 * state machine into a Chronicle Queue event log.
 *
 * <p><b>Group commit.</b> Submissions queue up; one dispatcher thread packs what is waiting (up to
 * {@code maxBatchCommands} / {@code maxBatchBytes}) into one raft entry while earlier entries are
 * in flight, so under load many proposals share one replication and one fsync, and with one
 * proposal in flight nothing waits. Each command of an entry keeps its own engine index,
 * {@code raftIndex << 16 | position}, and its own result.
 *
 * <p><b>Forwarding.</b> On a follower the dispatcher sends the waiting commands to the leader in
 * one request; the leader proposes them (coalesced with its own) and answers with each command's
 * engine index and result; the follower completes each future once it has applied that index
 * itself, so callers read their own writes on the node they wrote to.
 */
final class RaftEngine implements LogEngine, ClusterEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RaftEngine.class);
  static final int POSITION_BITS = 16;
  private static final String STATE_FILE = "state.bin";
  private static final byte[] EMPTY = new byte[0];
  private static final long NUDGE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final EngineConfig config;
  private final RaftSettings settings;
  private final Path dataDir;
  private final ChronicleEventLog events;
  private final EventSegments segments;
  private final PeerId self;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Pending> waitingForLeader = new ArrayDeque<>();
  /** Batches sent to the leader and not answered yet: failed on close, since the RPC client drops them. */
  private final java.util.Set<List<Pending>> forwarding = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AppliedWaiters applied = new AppliedWaiters(System::nanoTime);
  private final EngineLifecycle lifecycle;
  private final Semaphore entriesInFlight;
  private final ExecutorService snapshotter;
  private final ConnectionMender mender;
  private final java.util.concurrent.ScheduledExecutorService lagTimer;
  private volatile ReplicatedStateMachine stateMachine;
  private volatile RaftGroupService group;
  private volatile Node node;
  private volatile RpcClient rpcClient;
  private volatile Thread dispatcher;
  private volatile Configuration conf;
  private volatile long term;
  private volatile boolean leader;
  private volatile String fatal;
  private volatile ClusterOps cluster;

  /** One submitted command and where its result goes. */
  private static final class Pending {
    final byte[] command;
    final CompletableFuture<Applied> future = new CompletableFuture<>();
    final long deadlineNanos;
    /** Forwarded to us by a follower: never forward it again. */
    final boolean forwarded;

    Pending(byte[] command, long deadlineNanos, boolean forwarded) {
      this.command = command;
      this.deadlineNanos = deadlineNanos;
      this.forwarded = forwarded;
    }
  }

  /** A command's result and the engine index that applied it. */
  record Applied(ApplyResult result, long engineIndex) {}

  RaftEngine(EngineConfig config, RaftSettings settings) {
    this.config = config;
    this.settings = settings;
    this.dataDir = config.dataDir();
    String address = config.selfAddress();
    this.self = PeerAddress.peerId(config.nodeId(), address);
    this.entriesInFlight = new Semaphore(settings.maxEntriesInFlight());
    try {
      Files.createDirectories(dataDir.resolve("raft"));
      Files.createDirectories(dataDir.resolve("snapshots"));
    } catch (IOException e) {
      throw new CommittedException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    }
    this.events = new ChronicleEventLog(dataDir.resolve("events"));
    this.segments = new EventSegments(dataDir.resolve("segments"), settings.segmentEntries(), settings.segmentBytes());
    String g = config.groupId();
    this.lifecycle = new EngineLifecycle(g, "committed-raft-callbacks-" + g + "-" + config.nodeId());
    this.lagTimer = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("committed-raft-lag-" + g + "-" + config.nodeId()));
    this.snapshotter = Executors.newSingleThreadExecutor(DaemonThreads.named("committed-raft-snapshot-" + g + "-" + config.nodeId()));
    this.mender = new ConnectionMender(() -> node instanceof NodeImpl impl ? impl.getRpcService() : null, System::nanoTime,
        "committed-raft-mend-" + g + "-" + config.nodeId());
  }

  @Override
  public EventLog eventLog() {
    return events;
  }

  // ---- lifecycle ----

  @Override
  public void start(ReplicatedStateMachine sm) {
    lifecycle.start();
    this.stateMachine = sm;
    Configuration initial = new Configuration();
    if (!settings.join()) {
      config.peers().forEach((id, address) -> initial.addPeer(PeerAddress.peerId(id, address)));
    }
    this.conf = initial.copy(); // empty for a joining node until the group's configuration reaches it
    NodeOptions options = new NodeOptions();
    options.setFsm(new Fsm());
    options.setLogUri(dataDir.resolve("raft").resolve("log").toString());
    options.setRaftMetaUri(dataDir.resolve("raft").resolve("meta").toString());
    options.setSnapshotUri(dataDir.resolve("snapshots").toString());
    options.setInitialConf(initial);
    options.setElectionTimeoutMs(settings.electionTimeoutMs());
    options.setSnapshotIntervalSecs(settings.snapshotIntervalSeconds());
    options.setFilterBeforeCopyRemote(true); // segments the follower has are not copied again
    options.setSharedTimerPool(false);
    options.getRaftOptions().setSync(true);
    options.getRaftOptions().setSyncMeta(true);
    Endpoint listen = settings.listenAddress() == null ? self.getEndpoint()
        : PeerAddress.parse(config.nodeId(), settings.listenAddress()).endpoint();
    ForwardCodec.register();
    RpcServer rpcServer = RaftRpcServerFactory.createRaftRpcServer(listen);
    rpcServer.registerProcessor(new ForwardProcessor());
    // bind first: a port in use must fail before a raft node (with its timers) exists
    boolean bound;
    try {
      bound = rpcServer.init(null);
    } catch (RuntimeException e) {
      bound = false;
    }
    if (!bound) {
      rpcServer.shutdown();
      mender.close();
      lagTimer.shutdownNow();
      snapshotter.shutdownNow();
      lifecycle.shutdownCallbacksNow();
      events.close();
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' cannot listen on " + listen + ": is the port in use?");
    }
    VmSignals.loadRaftNodeClass();
    RaftGroupService service = new RaftGroupService(config.groupId(), self, options, rpcServer);
    Node n;
    try {
      n = service.start(false);
    } catch (RuntimeException e) {
      abortStart(service);
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' could not start on " + PeerAddress.hostPort(self) + ": " + e.getMessage()
          + " (is the data directory " + dataDir + " used by another process?)", e);
    }
    if (n == null) {
      abortStart(service);
      throw new CommittedException("raft node " + config.nodeId() + " of group '" + config.groupId()
          + "' could not start on " + PeerAddress.hostPort(self) + ": see the log above (port in use, or files of "
          + dataDir + " unreadable)");
    }
    this.group = service;
    this.node = n;
    n.addReplicatorStateListener(mender);
    RpcClient client = RpcFactoryHelper.rpcFactory().createRpcClient();
    client.init(new RpcOptions());
    this.rpcClient = client;
    this.cluster = new ClusterOps(this, config.groupId());
    lagTimer.scheduleWithFixedDelay(() -> {
      long now = System.nanoTime();
      applied.expire(now);
      if (applied.waitingSince(now - NUDGE_AFTER_NANOS)) {
        nudgeCommitIndex(); // still waiting: the entries arrived after the last heartbeat round
      }
    }, 5, 5, TimeUnit.MILLISECONDS);
    Thread t = new Thread(this::dispatchLoop, "committed-raft-dispatch-" + config.groupId() + "-" + config.nodeId());
    t.setDaemon(true);
    dispatcher = t;
    t.start();
    LOG.info("raft node {} of group '{}' started on {} with peers {}{}", config.nodeId(), config.groupId(),
        PeerAddress.hostPort(self), config.peers(), settings.join() ? " (joining: waiting to be added)" : "");
    awaitReplay((NodeImpl) n);
  }

  private void abortStart(RaftGroupService service) {
    mender.close();
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
    lagTimer.shutdownNow();
    snapshotter.shutdownNow();
    lifecycle.shutdownCallbacksNow();
    events.close();
  }

  /**
   * After a restart, waits (up to {@code leaderWaitMs}) until the entries this node already had are
   * applied again, so that it does not serve a shorter log than it served before. They are applied
   * once a leader confirms them committed; without a quorum the node starts anyway, behind.
   */
  private void awaitReplay(NodeImpl n) {
    long target = n.getLastLogIndex();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaderWaitMs());
    while (n.getLastAppliedLogIndex() < target && fatal == null) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn("raft node {} has applied raft index {} of the {} it holds: no quorum confirmed the rest within {} ms;"
            + " it serves what it has and catches up when a leader is elected", config.nodeId(),
            n.getLastAppliedLogIndex(), target, settings.leaderWaitMs());
        return;
      }
      sleep(5);
    }
  }

  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
    Node n = node;
    // let what is already proposed finish, so that acknowledged work is not reported as unknown
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (n != null && entriesInFlight.availablePermits() < settings.maxEntriesInFlight()
        && System.nanoTime() < deadline) {
      sleep(5);
    }
    if (n != null && n.isLeader() && configuration().getPeers().size() > 1) {
      Status s = n.transferLeadershipTo(PeerId.ANY_PEER);
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.electionTimeoutMs() * 3L);
      while (s.isOk() && n.isLeader() && System.nanoTime() < until) {
        sleep(10);
      }
      LOG.info("raft node {} handed leadership over before closing: {}", config.nodeId(), !n.isLeader());
    }
    Thread t = dispatcher;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failAll(lifecycle.closedException());
    RetriableException unanswered = new RetriableException("log '" + config.groupId() + "' closed while the leader had"
        + " not answered a forwarded proposal; its outcome is unknown, read the log before retrying", true);
    for (List<Pending> batch : List.copyOf(forwarding)) {
      if (forwarding.remove(batch)) {
        batch.forEach(p -> p.future.completeExceptionally(unanswered));
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    RaftGroupService g = group;
    if (g != null) {
      closeQuietly(g);
    }
    if (rpcClient != null) {
      rpcClient.shutdown();
    }
    lagTimer.shutdownNow();
    mender.close();
    snapshotter.shutdown();
    try {
      snapshotter.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    applied.failAll(lifecycle.closedException());
    lifecycle.shutdownCallbacks();
    events.close();
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- submission ----

  @Override
  public CompletableFuture<ApplyResult> submit(byte[] command) {
    Pending p = new Pending(command, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaderWaitMs()), false);
    enqueue(p);
    return p.future.thenApply(Applied::result);
  }

  private void enqueue(Pending p) {
    if (lifecycle.isClosed()) {
      p.future.completeExceptionally(lifecycle.closedException());
      return;
    }
    if (fatal != null) {
      p.future.completeExceptionally(new LogClosedException(fatal));
      return;
    }
    queue.add(p);
    if (lifecycle.isClosed()) {
      failAll(lifecycle.closedException());
    }
  }

  private void failAll(RuntimeException e) {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.future.completeExceptionally(e);
    }
    synchronized (waitingForLeader) {
      while ((p = waitingForLeader.poll()) != null) {
        p.future.completeExceptionally(e);
      }
    }
  }

  private void dispatchLoop() {
    List<Pending> batch = new ArrayList<>();
    try {
      while (!lifecycle.isClosed()) {
        retryWaiting();
        Pending first = queue.poll(20, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long bytes = first.command.length;
        while (batch.size() < settings.maxBatchCommands()) {
          Pending next = queue.peek();
          if (next == null || bytes + next.command.length > settings.maxBatchBytes()) {
            break;
          }
          batch.add(queue.poll());
          bytes += next.command.length;
        }
        route(batch);
        batch = new ArrayList<>();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("the raft dispatcher of node {} failed; proposals on this node fail until restart", config.nodeId(), e);
      fatal = "the raft dispatcher failed: " + e;
      for (Pending p : batch) {
        p.future.completeExceptionally(new RetriableException(fatal, true, e));
      }
    }
  }

  private void retryWaiting() throws InterruptedException {
    List<Pending> retry;
    synchronized (waitingForLeader) {
      if (waitingForLeader.isEmpty()) {
        return;
      }
      retry = new ArrayList<>(waitingForLeader);
      waitingForLeader.clear();
    }
    long now = System.nanoTime();
    List<Pending> live = new ArrayList<>();
    for (Pending p : retry) {
      if (now - p.deadlineNanos > 0) {
        p.future.completeExceptionally(new NotLeaderException("no leader of group '" + config.groupId()
            + "' answered within " + settings.leaderWaitMs() + " ms; nothing was written", leaderAddress()));
      } else {
        live.add(p);
      }
    }
    // in batches within the limits: one raft entry holds at most maxBatchCommands (< 2^16) commands
    List<Pending> chunk = new ArrayList<>();
    long bytes = 0;
    for (Pending p : live) {
      if (!chunk.isEmpty() && (chunk.size() >= settings.maxBatchCommands()
          || bytes + p.command.length > settings.maxBatchBytes())) {
        route(chunk);
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(p);
      bytes += p.command.length;
    }
    if (!chunk.isEmpty()) {
      route(chunk);
    }
  }

  private void route(List<Pending> batch) throws InterruptedException {
    Node n = node;
    if (n.isLeader()) {
      propose(n, batch);
      return;
    }
    List<Pending> forwardable = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.forwarded) { // the follower sends it again to whoever leads now
        p.future.completeExceptionally(new NotLeaderException("not the leader", leaderAddress()));
      } else {
        forwardable.add(p);
      }
    }
    if (forwardable.isEmpty()) {
      return;
    }
    PeerId leaderId = n.getLeaderId();
    if (leaderId == null || leaderId.isEmpty() || leaderId.equals(self)) {
      park(forwardable);
      return;
    }
    forward(leaderId, forwardable);
  }

  private void park(List<Pending> batch) {
    synchronized (waitingForLeader) {
      waitingForLeader.addAll(batch);
    }
    sleep(10);
  }

  private void propose(Node n, List<Pending> batch) throws InterruptedException {
    while (!entriesInFlight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
      if (lifecycle.isClosed()) {
        for (Pending p : batch) {
          p.future.completeExceptionally(lifecycle.closedException());
        }
        return;
      }
    }
    ByteBuffer data = encodeBatch(batch);
    Task task = new Task();
    task.setData(data);
    task.setDone(new BatchClosure(batch));
    n.apply(task);
  }

  static ByteBuffer encodeBatch(List<Pending> batch) {
    if (batch.size() >= 1 << POSITION_BITS) {
      throw new IllegalStateException("a raft entry holds at most " + ((1 << POSITION_BITS) - 1) + " commands");
    }
    int size = 4;
    for (Pending p : batch) {
      size += 4 + p.command.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(batch.size());
    for (Pending p : batch) {
      b.putInt(p.command.length).put(p.command);
    }
    return b.flip();
  }

  /** Completes the commands of one raft entry; JRaft runs it after the entry is applied or failed. */
  private final class BatchClosure implements Closure {
    final List<Pending> batch;
    final Applied[] results;
    private boolean released;

    BatchClosure(List<Pending> batch) {
      this.batch = batch;
      this.results = new Applied[batch.size()];
    }

    @Override
    public void run(Status status) {
      if (!released) {
        released = true;
        entriesInFlight.release();
      }
      if (status.isOk()) {
        lifecycle.callbacks().execute(() -> {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future.complete(results[i]);
          }
        });
        return;
      }
      // EBUSY: refused before it reached the log. Anything else (lost leadership, shutdown): the
      // entry may be in the log of a majority and be committed by the next leader.
      boolean notWritten = status.getRaftError() == RaftError.EBUSY;
      if (notWritten && !lifecycle.isClosed()) {
        List<Pending> again = new ArrayList<>(batch);
        synchronized (waitingForLeader) {
          waitingForLeader.addAll(again);
        }
        return;
      }
      RetriableException e = new RetriableException("the proposal's outcome is unknown: " + status.getErrorMsg()
          + " (node " + config.nodeId() + " of group '" + config.groupId() + "'); read the log before retrying",
          !notWritten);
      lifecycle.callbacks().execute(() -> batch.forEach(p -> p.future.completeExceptionally(e)));
    }
  }

  // ---- forwarding ----

  private void forward(PeerId leaderId, List<Pending> batch) {
    ForwardRequest request = new ForwardRequest();
    request.groupId = config.groupId();
    request.commands = new byte[batch.size()][];
    for (int i = 0; i < batch.size(); i++) {
      request.commands[i] = batch.get(i).command;
    }
    forwarding.add(batch);
    try {
      rpcClient.invokeAsync(leaderId.getEndpoint(), request, (result, err) -> {
        if (!forwarding.remove(batch)) {
          return; // already failed by close()
        }
        if (err != null) {
          RetriableException e = new RetriableException("the leader " + PeerAddress.hostPort(leaderId) + " did not answer a "
              + "forwarded proposal: " + err.getMessage() + "; its outcome is unknown, read the log before retrying", true, err);
          batch.forEach(p -> p.future.completeExceptionally(e));
          return;
        }
        forwarded(batch, (ForwardResponse) result);
      }, settings.leaderWaitMs());
    } catch (RemotingException | RuntimeException e) {
      // not sent: nothing can have been written; try again when a leader is reachable
      LOG.debug("forwarding to {} failed: {}", leaderId, e.toString());
      if (forwarding.remove(batch)) {
        park(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (forwarding.remove(batch)) {
        park(batch);
      }
    }
  }

  private void forwarded(List<Pending> batch, ForwardResponse r) {
    if (r.notLeader) {
      park(batch);
      return;
    }
    nudgeCommitIndex();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      long engineIndex = r.engineIndexes[i];
      if (engineIndex == 0) {
        if (r.outcomeUnknown[i]) {
          p.future.completeExceptionally(new RetriableException(r.messages[i], true));
        } else {
          park(List.of(p)); // the leader lost leadership before proposing it: send it again
        }
        continue;
      }
      ApplyResult result = r.rejections[i] == null ? ApplyResult.ok(r.values[i])
          : ApplyResult.rejected(ProposalRejectedException.Reason.valueOf(r.rejections[i]), r.messages[i]);
      Applied a = new Applied(result, engineIndex);
      // Committed for sure: if this node cannot apply it in time (cut off from the leader), the caller
      // still learns it succeeded rather than retrying a committed write; only read-your-writes is lost.
      applied.whenApplied(engineIndex, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaderWaitMs()),
          () -> lifecycle.callbacks().execute(() -> p.future.complete(a)),
          e -> p.future.completeExceptionally(e),
          () -> {
            LOG.warn("node {} has not applied engine index {} within {} ms; acknowledging the committed proposal"
                + " anyway", config.nodeId(), engineIndex, settings.leaderWaitMs());
            p.future.complete(a);
          });
    }
  }

  /**
   * This node completes forwarded proposals once it has applied them itself, and it learns they are
   * committed from the leader's next append or heartbeat. A read-index request makes the leader send
   * a heartbeat round now, instead of up to a heartbeat interval (electionTimeoutMs / 10) later.
   */
  private void nudgeCommitIndex() {
    Node n = node;
    if (n == null || lifecycle.isClosed()) {
      return;
    }
    try {
      n.readIndex(EMPTY, new ReadIndexClosure() {
        @Override
        public void run(Status status, long index, byte[] reqCtx) {
          // only its side effect matters
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("read-index request failed", e);
    }
  }

  /** Serves proposals forwarded by followers (on the leader). */
  private final class ForwardProcessor implements RpcProcessor<ForwardRequest> {
    @Override
    public void handleRequest(RpcContext ctx, ForwardRequest request) {
      int n = request.commands.length;
      ForwardResponse r = new ForwardResponse();
      r.engineIndexes = new long[n];
      r.values = new long[n];
      r.rejections = new String[n];
      r.messages = new String[n];
      r.outcomeUnknown = new boolean[n];
      Node nd = node;
      if (lifecycle.isClosed() || nd == null || !nd.isLeader() || !config.groupId().equals(request.groupId)) {
        r.notLeader = true;
        ctx.sendResponse(r);
        return;
      }
      List<CompletableFuture<Applied>> futures = new ArrayList<>(n);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaderWaitMs());
      for (byte[] command : request.commands) {
        Pending p = new Pending(command, deadline, true);
        futures.add(p.future);
        enqueue(p);
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
        for (int i = 0; i < n; i++) {
          CompletableFuture<Applied> f = futures.get(i);
          try {
            Applied a = f.join();
            r.engineIndexes[i] = a.engineIndex();
            r.values[i] = a.result().value();
            r.rejections[i] = a.result().rejection() == null ? null : a.result().rejection().name();
            r.messages[i] = a.result().message();
          } catch (java.util.concurrent.CompletionException x) {
            Throwable c = x.getCause();
            r.messages[i] = String.valueOf(c.getMessage());
            r.outcomeUnknown[i] = !(c instanceof NotLeaderException)
                && (!(c instanceof RetriableException re) || re.outcomeUnknown());
          }
        }
        ctx.sendResponse(r);
      });
    }

    @Override
    public String interest() {
      return ForwardRequest.class.getName();
    }
  }

  // ---- state machine ----

  /** JRaft's view of core's state machine. Every method runs on JRaft's FSM thread. */
  private final class Fsm extends StateMachineAdapter {
    @Override
    public void onApply(Iterator iter) {
      while (iter.hasNext()) {
        long raftIndex = iter.getIndex();
        // a view: the entry's buffer is shared with the replicators that still send it to followers
        ByteBuffer data = iter.getData().slice();
        BatchClosure done = (BatchClosure) iter.done();
        try {
          int count = data.getInt();
          for (int i = 0; i < count; i++) {
            byte[] command = new byte[data.getInt()];
            data.get(command);
            long engineIndex = (raftIndex << POSITION_BITS) | i;
            if (engineIndex <= stateMachine.lastAppliedEngineIndex()) {
              continue; // restored from a snapshot that already covers it
            }
            ApplyResult result = stateMachine.apply(engineIndex, command);
            if (done != null) {
              done.results[i] = new Applied(result, engineIndex);
            }
          }
        } catch (RuntimeException e) {
          fatal = "raft node " + config.nodeId() + " stopped applying at raft index " + raftIndex + ": " + e.getMessage();
          LOG.error(fatal, e);
          iter.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, fatal));
          applied.failAll(new LogClosedException(fatal));
          return;
        }
        applied.advance((raftIndex << POSITION_BITS) | 0xFFFF);
        if (done != null) {
          done.run(Status.OK());
        }
        iter.next();
      }
    }

    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
      byte[] state;
      long lastIndex;
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stateMachine.snapshot(out);
        state = out.toByteArray();
        lastIndex = events.lastIndex();
      } catch (IOException | RuntimeException e) {
        done.run(new Status(RaftError.EIO, "snapshot of the state failed: " + e));
        return;
      }
      snapshotter.execute(() -> {
        try {
          events.flush(); // the snapshot claims these events: they must be on disk first
          Path dir = Path.of(writer.getPath());
          for (EventSegments.Segment s : segments.export(events, lastIndex, dir)) {
            writer.addFile(s.file().getFileName().toString(), LocalFileMeta.newBuilder().setChecksum(s.checksum()).build());
          }
          Path stateFile = dir.resolve(STATE_FILE);
          Files.write(stateFile, state);
          EventSegments.force(stateFile);
          writer.addFile(STATE_FILE);
          LOG.info("raft node {} took a snapshot covering {} events", config.nodeId(), lastIndex);
          done.run(Status.OK());
        } catch (IOException | RuntimeException e) {
          LOG.warn("raft node {}: snapshot failed", config.nodeId(), e);
          done.run(new Status(RaftError.EIO, "snapshot failed: " + e));
        }
      });
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
      Path dir = Path.of(reader.getPath());
      try {
        long before = events.lastIndex();
        for (EventSegments.Segment s : EventSegments.list(dir)) {
          if (s.last() <= events.lastIndex()) {
            continue;
          }
          EventSegments.read(s.file(), (index, engineIndex, entry) -> {
            long last = events.lastIndex();
            if (index <= last) {
              if (events.engineIndexOf(index) != engineIndex) {
                throw new IllegalStateException("event log entry " + index + " differs from the snapshot's: the event"
                    + " log does not belong to this group. Stop the node, move " + dataDir + " aside and restart it.");
              }
            } else if (index == last + 1) {
              events.append(index, engineIndex, entry);
            } else {
              throw new IllegalStateException("the snapshot's events jump from " + last + " to " + index);
            }
          });
        }
        events.flush();
        if (events.lastIndex() > before) {
          LOG.info("raft node {} installed events {}..{} from a snapshot", config.nodeId(), before + 1, events.lastIndex());
        }
        try (InputStream in = Files.newInputStream(dir.resolve(STATE_FILE))) {
          stateMachine.restore(in);
        }
        long raftIndex = reader.load() == null ? 0 : reader.load().getLastIncludedIndex();
        applied.advance((raftIndex << POSITION_BITS) | 0xFFFF);
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.error("raft node {} cannot load the snapshot in {}", config.nodeId(), dir, e);
        return false;
      }
    }

    @Override
    public void onLeaderStart(long t) {
      term = t;
      leader = true;
      stateMachine.leadershipChanged(true);
    }

    @Override
    public void onLeaderStop(Status status) {
      leader = false;
      stateMachine.leadershipChanged(false);
    }

    @Override
    public void onStartFollowing(LeaderChangeContext ctx) {
      term = ctx.getTerm();
    }

    @Override
    public void onConfigurationCommitted(Configuration c) {
      conf = c.copy();
    }

    @Override
    public void onError(RaftException e) {
      fatal = "raft node " + config.nodeId() + " stopped: " + e.getStatus();
      LOG.error(fatal, e);
    }
  }

  // ---- status and membership ----

  @Override
  public boolean isLeader() {
    Node n = node;
    return leader && n != null && n.isLeader() && !lifecycle.isClosed();
  }

  private String leaderAddress() {
    Node n = node;
    PeerId l = n == null ? null : n.getLeaderId();
    return l == null || l.isEmpty() ? null : PeerAddress.hostPort(l);
  }

  @Override
  public EngineStatus status() {
    Node n = node;
    Configuration c = configuration();
    SortedMap<Integer, String> peers = new TreeMap<>();
    c.getPeers().forEach(p -> peers.put(p.getIdx(), PeerAddress.hostPort(p)));
    if (n == null || lifecycle.isClosed()) {
      return new EngineStatus(config.nodeId(), "stopped", -1, null, term, 0, 0, peers);
    }
    State s = n.getNodeState();
    String role = switch (s) {
      case STATE_LEADER, STATE_TRANSFERRING -> "leader";
      case STATE_CANDIDATE -> "candidate";
      case STATE_FOLLOWER -> c.getLearners().contains(self) ? "learner" : "follower";
      default -> "stopped";
    };
    PeerId l = n.getLeaderId();
    boolean known = l != null && !l.isEmpty();
    NodeImpl impl = (NodeImpl) n;
    return new EngineStatus(config.nodeId(), role, known ? l.getIdx() : -1, known ? PeerAddress.hostPort(l) : null, term,
        impl.getLastCommittedIndex(), impl.getLastAppliedLogIndex(), peers);
  }

  @Override
  public ClusterControl.Members members() {
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
    Node n = node;
    if (n instanceof NodeImpl impl && !lifecycle.isClosed()) {
      Configuration c = impl.getCurrentConf();
      if (c != null && !c.isEmpty()) {
        return c;
      }
    }
    return conf;
  }

  Node node() {
    return node;
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
    if (lifecycle.isClosed() || cluster == null) {
      throw lifecycle.closedException();
    }
    return cluster;
  }
}
