package io.committed.internal;

import io.committed.ClusterControl;
import io.committed.CommittedLog;
import io.committed.ConfigKind;
import io.committed.ConfigRegistry;
import io.committed.Consumers;
import io.committed.IngestControl;
import io.committed.KeyValues;
import io.committed.LogReader;
import io.committed.LogStatus;
import io.committed.NodeRole;
import io.committed.Scrub;
import io.committed.SyncControl;
import io.committed.api.CommittedException;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.api.ProposalRejectedException;
import io.committed.engine.EngineStatus;
import io.committed.engine.EventLog;
import io.committed.engine.LogEngine;
import io.committed.internal.ingest.IngestHost;
import io.committed.internal.ingest.IngestManager;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateMachine;
import io.committed.internal.state.StateStore;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.SyncManager;
import io.committed.internal.sync.ThreadScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommittedLog} every builder returns, whatever the engine. It wires the parts and
 * hands them out: the {@link ProposalPipeline} (writes), {@link LogEntries} (reads), the
 * {@link StateMachine} the engine applies to and its read-only {@link StateView}, the
 * {@link Workers} and the host they run on, the config registries and the control objects.
 */
public final class DefaultCommittedLog implements CommittedLog, IngestHost.Provider {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommittedLog.class);

  private final LogSettings settings;
  private final LogEngine engine;
  private final LogLifecycle lifecycle;
  private final StateView state;
  private final StateMachine machine;
  private final HeadSignal signal;
  private final ProposalPipeline pipeline;
  private final LogEntries entries;
  private final LogHost host;
  private final Workers workers;
  private final Map<ConfigKind, Registry> registries = new EnumMap<>(ConfigKind.class);
  private final DefaultSyncControl syncControl;
  private final DefaultIngestControl ingestControl;
  private final DefaultClusterControl cluster;
  private final DefaultConsumers consumers;
  private final KeyValueViews kv;

  public DefaultCommittedLog(LogSettings settings, LogEngine engine) {
    this.settings = settings;
    this.engine = engine;
    this.lifecycle = new LogLifecycle(settings.groupId());
    EventLog events = engine.eventLog();
    StateStore store = new StateStore();
    this.state = store.view();
    this.signal = new HeadSignal(events::lastIndex);
    ConfigReader configs = new ConfigReader(state, settings.plugins(), settings.environment());
    TypeCatalog types = new TypeCatalog(state);
    this.pipeline = new ProposalPipeline(settings, engine, state, types, lifecycle);
    this.entries = new LogEntries(events, state, lifecycle);
    this.host = new LogHost(settings, events, state, configs, pipeline, entries);
    SyncManager syncs = new SyncManager(settings.groupId(), state, configs, host, settings.sync(),
        id -> new ThreadScheduler("committed-sync-" + settings.groupId() + "-" + id), types);
    IngestManager ingests = new IngestManager(settings.groupId(), host, settings.ingest());
    this.kv = new KeyValueViews(settings.groupId(), state, entries, engine, types::keyValueTypes,
        settings.operationTimeout());
    this.workers = new Workers(settings, signal, syncs, ingests, kv, engine);
    this.machine = new StateMachine(store, events, workers);
    ConfigValidator validator = new ConfigValidator(state, configs, settings.sync(), types);
    host.types(new TypePublisher(state, validator, pipeline, settings.clock()));
    for (ConfigKind k : ConfigKind.values()) {
      registries.put(k, new Registry(k, this, validator));
    }
    this.syncControl = new DefaultSyncControl(this, syncs);
    this.ingestControl = new DefaultIngestControl(this, state, configs, ingests);
    this.cluster = new DefaultClusterControl(engine, settings, lifecycle);
    this.consumers = new DefaultConsumers(this, signal);
  }

  /** Starts the engine; on failure everything started is closed again. */
  public DefaultCommittedLog start() {
    if (!lifecycle.start()) {
      throw new IllegalStateException("log '" + settings.groupId() + "' was already started");
    }
    try {
      engine.start(machine); // workers may start proposing from here on
      kv.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("log '{}' started on node {} ({} engine)", settings.groupId(), settings.nodeId(), settings.engineName());
    return this;
  }

  @Override
  public CompletableFuture<Long> propose(Proposal proposal) {
    return pipeline.propose(proposal);
  }

  @Override
  public List<LogEntry> read(long fromIndex, int maxEntries) {
    return entries.read(fromIndex, maxEntries);
  }

  @Override
  public LogReader reader(long fromIndex) {
    lifecycle.checkReadable();
    return new DefaultLogReader(this, signal, fromIndex);
  }

  @Override
  public long lastIndex() {
    return state.lastIndex();
  }

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
    return ingestControl;
  }

  @Override
  public Consumers consumers() {
    return consumers;
  }

  @Override
  public KeyValues kv(String type) {
    lifecycle.checkReadable();
    if (type == null) {
      throw new IllegalArgumentException("type must not be null");
    }
    return kv.view(type); // whether it is defined is checked by each read, after its barrier
  }

  @Override
  public ClusterControl cluster() {
    return cluster;
  }

  @Override
  public Scrub scrub(String type, Collection<String> keys, String reason) {
    checkOpen();
    if (type == null || keys == null || reason == null) {
      throw new IllegalArgumentException("a scrub needs a type, keys and a reason (which may be empty)");
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String k : keys) {
      if (k == null) {
        throw new ProposalRejectedException(
            Reason.INVALID_ENTITY, "a scrub's keys must not be null");
      }
      distinct.add(k);
    }
    if (distinct.isEmpty() || distinct.size() > Command.Scrub.MAX_KEYS) {
      throw new ProposalRejectedException(
          Reason.INVALID_ENTITY, "a scrub names 1 to "
          + Command.Scrub.MAX_KEYS + " keys, not " + distinct.size());
    }
    List<byte[]> bytes = new ArrayList<>(distinct.size());
    distinct.forEach(k -> bytes.add(k.getBytes(StandardCharsets.UTF_8)));
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, settings.clock().instant());
    long index = await(new Command.Scrub(type, bytes, micros, reason));
    for (Scrub s : state.scrubs()) {
      if (s.index() == index) {
        return s;
      }
    }
    throw new IllegalStateException("scrub appended entry " + index + " but is not recorded");
  }

  @Override
  public List<Scrub> scrubs() {
    lifecycle.checkReadable();
    return state.scrubs();
  }

  @Override
  public LogStatus status() {
    EngineStatus s = engine.status();
    return new LogStatus(settings.groupId(), s.nodeId(), lifecycle.isClosed() ? NodeRole.STOPPED : s.role(),
        s.leaderId(), s.leaderAddress(), s.term(), state.lastIndex(), s.committedIndex(), s.appliedIndex(), s.peers());
  }

  @Override
  public java.util.Optional<io.committed.DiskUsage> disk() {
    return pipeline.disk();
  }

  @Override
  public IngestHost ingestHost() {
    return host;
  }

  // ---- for the registries and the sync control ----

  StateView state() {
    return state;
  }

  Clock clock() {
    return settings.clock();
  }

  LogEngine engine() {
    return engine;
  }

  LogSettings settings() {
    return settings;
  }

  void checkOpen() {
    lifecycle.checkOpen();
  }

  /** See {@link ProposalPipeline#catchUp}. */
  boolean catchUp() {
    return pipeline.catchUp();
  }

  /** See {@link ProposalPipeline#await}. */
  long await(Command command) {
    return pipeline.await(command);
  }

  /** See {@link Workers#settle}. */
  void settleWorkers() {
    workers.settle();
  }

  static CommittedException unwrap(Throwable t) {
    return ProposalPipeline.unwrap(t);
  }

  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
    signal.close();
    kv.close();
    workers.close();
    try {
      engine.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the engine of log '{}' failed", settings.groupId(), e);
    }
    int unanswered = pipeline.failUnanswered();
    if (unanswered > 0) {
      LOG.warn("log '{}': the engine closed with {} proposals unanswered; they failed as of unknown outcome",
          settings.groupId(), unanswered);
    }
    LOG.info("log '{}' closed", settings.groupId());
  }
}
