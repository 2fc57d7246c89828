package io.committed.internal;

import io.committed.ConfigKind;
import io.committed.ConfigRegistry;
import io.committed.CommittedLog;
import io.committed.IngestControl;
import io.committed.LogReader;
import io.committed.LogObserver;
import io.committed.LogStatus;
import io.committed.SyncControl;
import io.committed.api.CommittedException;
import io.committed.api.Entity;
import io.committed.api.HostPort;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.OperationInterruptedException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.api.RetriableException;
import io.committed.ClusterControl;
import io.committed.api.MembershipException;
import io.committed.engine.ApplyResult;
import io.committed.engine.ClusterEngine;
import io.committed.engine.EngineStatus;
import io.committed.engine.LogEngine;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.ingest.IngestHost;
import io.committed.internal.ingest.IngestManager;
import io.committed.internal.state.Command;
import io.committed.internal.state.CommandCodec;
import io.committed.internal.state.StateMachine;
import io.committed.internal.sync.SyncHost;
import io.committed.internal.sync.SyncManager;
import io.committed.internal.sync.ThreadScheduler;
import io.committed.engine.EventLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link CommittedLog} every builder returns, whatever the engine. */
public final class DefaultCommittedLog implements CommittedLog, StateMachine.Listener, SyncHost, IngestHost {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommittedLog.class);
  private static final int MAX_READ = 100_000;

  private enum Lifecycle { STARTING, RUNNING, CLOSED }

  private final LogSettings settings;
  private final LogEngine engine;
  private final StateMachine state;
  private final HeadSignal signal;
  private final ConfigReader configs;
  private final TypeCatalog types;
  private final SyncManager syncs;
  private final IngestManager ingests;
  private final Map<ConfigKind, Registry> registries = new EnumMap<>(ConfigKind.class);
  private final DefaultSyncControl syncControl;
  private final Semaphore inFlight;
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.STARTING);

  public DefaultCommittedLog(LogSettings settings, LogEngine engine) {
    this.settings = settings;
    this.engine = engine;
    EventLog events = engine.eventLog();
    this.state = new StateMachine(events, this);
    this.signal = new HeadSignal(events::lastIndex);
    this.configs = new ConfigReader(state, settings.plugins(), settings.environment());
    this.types = new TypeCatalog(state);
    this.syncs = new SyncManager(settings.groupId(), state, configs, this, settings.sync(),
        id -> new ThreadScheduler("committed-sync-" + settings.groupId() + "-" + id), types);
    this.ingests = new IngestManager(settings.groupId(), this, settings.ingest());
    ConfigValidator validator = new ConfigValidator(state, configs, settings.sync(), types);
    for (ConfigKind k : ConfigKind.values()) {
      registries.put(k, new Registry(k, this, validator));
    }
    this.syncControl = new DefaultSyncControl(this, syncs);
    this.inFlight = new Semaphore(settings.maxInFlight());
  }

  /** Starts the engine; on failure everything started is closed again. */
  public DefaultCommittedLog start() {
    if (!lifecycle.compareAndSet(Lifecycle.STARTING, Lifecycle.RUNNING)) {
      throw new IllegalStateException("log '" + settings.groupId() + "' was already started");
    }
    try {
      engine.start(state); // workers may start proposing from here on
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("log '{}' started on node {} ({} engine)", settings.groupId(), settings.nodeId(), settings.engineName());
    return this;
  }

  // ---- writing ----

  @Override
  public CompletableFuture<Long> propose(Proposal proposal) {
    long start = System.nanoTime();
    int entities = proposal == null ? 0 : proposal.entities().size();
    CompletableFuture<Long> result;
    try {
      checkOpen();
      result = submit(new Command.Write(prepareWrite(proposal), null)).thenApply(DefaultCommittedLog::valueOrThrow);
    } catch (CommittedException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((index, err) -> settings.observer().proposalCompleted(
        err == null ? LogObserver.Outcome.COMMITTED
            : unwrap(err) instanceof ProposalRejectedException ? LogObserver.Outcome.REJECTED
            : LogObserver.Outcome.FAILED, System.nanoTime() - start, entities));
  }

  /** Validates and encodes a proposal that must fit one command. */
  private byte[] prepareWrite(Proposal proposal) {
    Map<String, Integer> versions = validate(proposal);
    long micros = EntryCodec.toMicros(settings.clock().instant());
    int size = EntryCodec.encodedSize(micros, proposal, versions::get);
    if (size > settings.maxProposalBytes()) {
      throw new ProposalRejectedException(Reason.TOO_LARGE, "the proposal encodes to " + size
          + " bytes, more than the maximum of " + settings.maxProposalBytes() + " (maxProposalBytes)");
    }
    BytesWriter out = new BytesWriter(size);
    EntryCodec.encode(out, micros, proposal, versions::get);
    return out.toByteArray();
  }

  @Override
  public List<byte[]> prepareParts(Proposal proposal, int reserve) {
    Map<String, Integer> versions = validate(proposal);
    long micros = EntryCodec.toMicros(settings.clock().instant());
    long cap = (long) settings.maxProposalBytes() - reserve - EntryCodec.MAX_HEADER_BYTES;
    List<List<Entity>> chunks = new ArrayList<>();
    List<Entity> chunk = new ArrayList<>();
    long chunkBytes = 0;
    long total = 0;
    for (Entity e : proposal.entities()) {
      int size = EntryCodec.entitySize(e, versions.get(e.typeId()));
      if (size > cap) {
        throw new ProposalRejectedException(Reason.TOO_LARGE, "an entity of type '" + e.typeId() + "' (key '"
            + e.keyAsString() + "') encodes to " + size + " bytes, more than one proposal may hold ("
            + settings.maxProposalBytes() + ", maxProposalBytes)");
      }
      total += size;
      if (total > settings.maxTransactionBytes()) {
        throw new ProposalRejectedException(Reason.TOO_LARGE, "the transaction is larger than the maximum of "
            + settings.maxTransactionBytes() + " bytes (maxTransactionBytes)");
      }
      if (chunkBytes + size > cap) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        chunkBytes = 0;
      }
      chunk.add(e);
      chunkBytes += size;
    }
    chunks.add(chunk);
    List<byte[]> parts = new ArrayList<>(chunks.size());
    for (List<Entity> c : chunks) {
      Proposal p = new Proposal(c);
      BytesWriter out = new BytesWriter(EntryCodec.encodedSize(micros, p, versions::get));
      EntryCodec.encode(out, micros, p, versions::get);
      parts.add(out.toByteArray());
    }
    return parts;
  }

  /** Checks the types and schemas; returns the version of each type to stamp. */
  private Map<String, Integer> validate(Proposal proposal) {
    if (proposal == null) {
      throw new ProposalRejectedException(Reason.EMPTY_PROPOSAL, "the proposal is null");
    }
    Map<String, Integer> versions = new HashMap<>(4);
    boolean validate = false;
    for (Entity e : proposal.entities()) {
      String type = e.typeId();
      if (versions.containsKey(type)) {
        continue;
      }
      if (type.startsWith("_")) {
        throw new ProposalRejectedException(Reason.TYPE_RESERVED,
            "type id '" + type + "' is reserved for Committed's own topics (it starts with '_')");
      }
      int version = state.currentVersion(ConfigKind.TYPE, type);
      if (version == 0 && catchUp()) { // another node may have just defined it
        version = state.currentVersion(ConfigKind.TYPE, type);
      }
      if (version == 0) {
        throw new ProposalRejectedException(Reason.TYPE_NOT_FOUND,
            "type '" + type + "' is not defined: define it first with types().define(\"" + type + "\", ...)");
      }
      versions.put(type, version);
      validate |= types.validates(type, version);
    }
    if (validate) {
      types.validate(proposal, versions);
    }
    return versions;
  }

  @Override
  public CompletableFuture<ApplyResult> submit(Command command) {
    try {
      checkOpen();
      if (!inFlight.tryAcquire(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return CompletableFuture.failedFuture(new RetriableException("more than " + settings.maxInFlight()
            + " proposals in flight for " + settings.operationTimeout() + "; nothing was written", false));
      }
    } catch (InterruptedException e) {
      return CompletableFuture.failedFuture(OperationInterruptedException.interrupted(
          "interrupted while waiting for room among the proposals in flight; nothing was written", false, e));
    } catch (CommittedException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ApplyResult> f;
    try {
      f = engine.submit(CommandCodec.encode(command));
    } catch (RuntimeException e) {
      inFlight.release();
      return CompletableFuture.failedFuture(e);
    }
    return f.whenComplete((r, err) -> inFlight.release());
  }

  private static long valueOrThrow(ApplyResult r) {
    if (!r.accepted()) {
      throw new ProposalRejectedException(r.rejection(), r.message());
    }
    return r.value();
  }

  /**
   * Waits until the workers reflect every config change applied so far on this node (bounded by
   * the operation timeout; a slow worker stop is logged, not thrown).
   */
  void settleWorkers() {
    try {
      CompletableFuture.allOf(syncs.barrier(), ingests.barrier())
          .get(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("workers of log '{}' did not settle within {}", settings.groupId(), settings.operationTimeout());
    }
  }

  /**
   * On a node that is not the leader, waits until it has applied everything committed so far, so
   * that a check against its state sees changes just made through another node. Returns whether it
   * waited.
   */
  boolean catchUp() {
    if (engine.isLeader()) {
      return false;
    }
    await(new Command.Barrier());
    return true;
  }

  /** Commits an internal command and waits for its result, up to the operation timeout. */
  long await(Command command) {
    CompletableFuture<ApplyResult> f = submit(command);
    try {
      return valueOrThrow(f.get(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      throw new RetriableException("the change was not confirmed within " + settings.operationTimeout()
          + "; it may still be applied", true, e);
    } catch (InterruptedException e) {
      throw OperationInterruptedException.interrupted("interrupted while waiting; the change may still be applied",
          true, e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  static CommittedException unwrap(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof CommittedException ce ? ce : new CommittedException(c.toString(), c);
  }

  // ---- reading ----

  @Override
  public List<LogEntry> read(long fromIndex, int maxEntries) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, was " + fromIndex);
    }
    if (maxEntries < 1 || maxEntries > MAX_READ) {
      throw new IllegalArgumentException("maxEntries must be between 1 and " + MAX_READ + ", was " + maxEntries);
    }
    checkReadable();
    long last = state.lastIndex(); // applied: the event log may run ahead during replay
    if (fromIndex > last) {
      return List.of();
    }
    int n = (int) Math.min(maxEntries, last - fromIndex + 1);
    List<LogEntry> out = new ArrayList<>(n);
    engine.eventLog().read(fromIndex, n, (index, engineIndex, body) -> out.add(EntryCodec.decode(index, body)));
    return out;
  }

  @Override
  public LogReader reader(long fromIndex) {
    checkReadable();
    return new DefaultLogReader(this, signal, fromIndex);
  }

  @Override
  public long lastIndex() {
    return state.lastIndex();
  }

  // ---- configs, workers, status ----

  @Override
  public ConfigRegistry types() {
    return registries.get(ConfigKind.TYPE);
  }

  @Override
  public ConfigRegistry databases() {
    return registries.get(ConfigKind.DATABASE);
  }

  @Override
  public ConfigRegistry ingestables() {
    return registries.get(ConfigKind.INGESTABLE);
  }

  @Override
  public ConfigRegistry syncables() {
    return registries.get(ConfigKind.SYNCABLE);
  }

  @Override
  public SyncControl sync() {
    return syncControl;
  }

  @Override
  public IngestControl ingest() {
    return id -> {
      if (state.currentVersion(ConfigKind.INGESTABLE, id) == 0) {
        throw new io.committed.api.NotFoundException("ingestable '" + id + "' is not defined");
      }
      StateMachine.IngestPosition pos = state.ingestPosition(id);
      return ingests.status(id, pos).orElseGet(() -> new io.committed.IngestableStatus(id,
          pos.parked() ? io.committed.IngestableStatus.WorkerState.PARKED
              : io.committed.IngestableStatus.WorkerState.NOT_RUNNING_HERE, pos.position(), pos.highWaterMark(),
          java.util.Optional.empty(), 0, java.util.Optional.empty(), java.util.Optional.empty(),
          pos.parked() ? java.util.Optional.of(pos.parkedReason()) : java.util.Optional.empty()));
    };
  }

  @Override
  public LogStatus status() {
    EngineStatus s = engine.status();
    return new LogStatus(settings.groupId(), s.nodeId(), lifecycle.get() == Lifecycle.CLOSED ? io.committed.NodeRole.STOPPED : s.role(),
        s.leaderId(), s.leaderAddress(), s.term(), state.lastIndex(), s.committedIndex(), s.appliedIndex(), s.peers());
  }

  @Override
  public ClusterControl cluster() {
    return new Cluster();
  }

  /** Membership through the engine, when it supports it. */
  private final class Cluster implements ClusterControl {
    @Override
    public Members members() {
      if (engine instanceof ClusterEngine c) {
        return c.members();
      }
      EngineStatus s = engine.status();
      java.util.SortedMap<Integer, String> voters = new java.util.TreeMap<>(s.peers());
      if (voters.isEmpty()) { // a single node without a replication address
        voters.put(s.nodeId(), "local");
      }
      return new Members(voters, new java.util.TreeMap<>());
    }

    @Override
    public void addLearner(int nodeId, String address) {
      if (nodeId < 1) {
        throw new MembershipException(MembershipException.Code.INVALID, "node ids are >= 1, was " + nodeId);
      }
      HostPort parsed;
      try {
        parsed = HostPort.parse(address);
      } catch (IllegalArgumentException e) {
        throw new MembershipException(MembershipException.Code.INVALID,
            "the address of node " + nodeId + " must be host:port: " + e.getMessage());
      }
      if (parsed.port() == 0) {
        throw new MembershipException(MembershipException.Code.INVALID,
            "the address of node " + nodeId + " needs a port its peers can reach, not 0");
      }
      clusterEngine().addLearner(nodeId, parsed.toString(), timeoutMillis());
    }

    @Override
    public void promote(int nodeId) {
      clusterEngine().promote(nodeId, timeoutMillis());
    }

    @Override
    public void remove(int nodeId) {
      clusterEngine().remove(nodeId, timeoutMillis());
    }

    @Override
    public void transferLeadership(int nodeId) {
      clusterEngine().transferLeadership(nodeId, timeoutMillis());
    }

    private ClusterEngine clusterEngine() {
      checkOpen();
      if (engine instanceof ClusterEngine c) {
        return c;
      }
      throw new MembershipException(MembershipException.Code.NOT_SUPPORTED, "the " + settings.engineName()
          + " engine has a single node and no membership; use committed-raft for a replicated group");
    }

    private long timeoutMillis() {
      return settings.operationTimeout().toMillis();
    }
  }

  // ---- state machine listener (apply thread) ----

  @Override
  public void appended(long lastIndex) {
    settings.observer().entryApplied(lastIndex);
    signal.advanced();
    syncs.appended();
  }

  @Override
  public void configChanged(ConfigKind kind, String id) {
    syncs.configChanged(kind, id);
    ingests.configChanged(kind, id);
  }

  @Override
  public void syncableReset(String syncableId) {
    syncs.syncableReset(syncableId);
  }

  @Override
  public void syncCheckpointed(String syncableId) {
    syncs.checkpointed(syncableId);
  }

  @Override
  public void ingestChanged(String ingestableId) {
    ingests.ingestChanged(ingestableId);
  }

  @Override
  public void leadershipChanged(boolean leader) {
    LOG.info("node {} {} leader of log '{}'", settings.nodeId(), leader ? "became" : "is no longer",
        settings.groupId());
    settings.observer().leadershipChanged(leader);
    syncs.leadershipChanged(leader);
    ingests.leadershipChanged(leader);
  }

  @Override
  public void restored() {
    signal.advanced();
    syncs.restored();
    ingests.restored();
  }

  // ---- hosts ----

  @Override
  public EventLog events() {
    return engine.eventLog();
  }

  @Override
  public StateMachine.SyncPosition position(String syncableId) {
    return state.syncPosition(syncableId);
  }

  @Override
  public StateMachine state() {
    return state;
  }

  @Override
  public ConfigReader configs() {
    return configs;
  }

  @Override
  public Clock clock() {
    return settings.clock();
  }

  @Override
  public LogObserver observer() {
    return settings.observer();
  }

  LogEngine engine() {
    return engine;
  }

  LogSettings settings() {
    return settings;
  }

  // ---- lifecycle ----

  void checkOpen() {
    if (lifecycle.get() != Lifecycle.RUNNING) {
      throw new LogClosedException("log '" + settings.groupId() + "' is " + (lifecycle.get() == Lifecycle.CLOSED
          ? "closed" : "not started"));
    }
  }

  private void checkReadable() {
    if (lifecycle.get() == Lifecycle.CLOSED) {
      throw new LogClosedException("log '" + settings.groupId() + "' is closed");
    }
  }

  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) {
      return;
    }
    signal.close();
    ingests.close();
    syncs.close();
    try {
      engine.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the engine of log '{}' failed", settings.groupId(), e);
    }
    LOG.info("log '{}' closed", settings.groupId());
  }
}
