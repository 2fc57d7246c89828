package io.committed.internal.sync;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.SyncableStatus;
import io.committed.internal.ConfigReader;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.state.StateView;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import io.committed.internal.ControlLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link SyncWorker} running per defined syncable while this node is the leader, and
 * none otherwise. Reacts to config changes, rebuilds and leadership on its own control thread.
 */
public final class SyncManager {
  private static final Logger LOG = LoggerFactory.getLogger(SyncManager.class);

  private record Running(int version, SyncWorker worker) {}

  private final StateView state;
  private final ConfigReader configs;
  private final SyncHost host;
  private final SyncSettings defaults;
  private final Function<String, TaskScheduler> schedulers;
  private final TypeFilter.Migrator migrator;
  private final ControlLoop control;
  private final SyncProgress progress = new SyncProgress(SyncProgress.JDK_TIMER);
  private final Map<String, Running> workers = new ConcurrentHashMap<>();
  private volatile boolean leader;
  private volatile boolean closed;

  public SyncManager(String groupId, StateView state, ConfigReader configs, SyncHost host, SyncSettings defaults,
      Function<String, TaskScheduler> schedulers, TypeFilter.Migrator migrator) {
    this.migrator = migrator;
    this.state = state;
    this.configs = configs;
    this.host = host;
    this.defaults = defaults;
    this.schedulers = schedulers;
    this.control = new ControlLoop("committed-sync-control-" + groupId, LOG);
  }

  public void leadershipChanged(boolean isLeader) {
    leader = isLeader;
    submit(this::reconcileAll);
  }

  public void configChanged(ConfigKind kind, String id) {
    switch (kind) {
      case SYNCABLE -> submit(() -> reconcile(id, false));
      case DATABASE -> submit(() -> restartDependents(id));
      default -> { }
    }
  }

  public void syncableReset(String id) {
    submit(() -> reconcile(id, true));
  }

  /** A checkpoint of syncable {@code id} was applied (on any node). Called on the apply thread; cheap. */
  public void checkpointed(String id) {
    progress.changed(id);
  }

  /** Where waits for a syncable's progress are registered and woken. */
  public SyncProgress progress() {
    return progress;
  }

  public void restored() {
    submit(() -> {
      for (String id : workers.keySet()) {
        reconcile(id, true);
      }
      reconcileAll();
      progress.changedAll(); // the replicated checkpoints were replaced
    });
  }

  /** New entries: wake idle workers. Called on the apply thread; cheap. */
  public void appended() {
    for (Running r : workers.values()) {
      r.worker().wake();
    }
  }

  /**
   * Completes once every change queued so far has been acted on (workers started, restarted or
   * stopped), so that a config change has taken effect when the call that made it returns.
   */
  public java.util.concurrent.CompletableFuture<Void> barrier() {
    return control.barrier();
  }

  private void submit(Runnable task) {
    control.submit(task);
  }

  private void reconcileAll() {
    Map<String, ConfigDocument> current = new HashMap<>();
    for (ConfigDocument d : state.currentConfigs(ConfigKind.SYNCABLE)) {
      current.put(d.id(), d);
    }
    for (String id : workers.keySet()) {
      if (!current.containsKey(id)) {
        reconcile(id, false);
      }
    }
    for (String id : current.keySet()) {
      reconcile(id, false);
    }
  }

  /** Starts, restarts or stops the worker of {@code id} to match its config and leadership. */
  private void reconcile(String id, boolean forceRestart) {
    Optional<ConfigDocument> doc = leader && !closed ? state.currentConfig(ConfigKind.SYNCABLE, id) : Optional.empty();
    Running running = workers.get(id);
    if (running != null && (forceRestart || doc.isEmpty() || doc.get().version() != running.version())) {
      workers.remove(id);
      running.worker().stop();
      LOG.info("stopped sync worker '{}' (version {})", id, running.version());
      running = null;
    }
    if (running == null && doc.isPresent()) {
      SyncWorker w = newWorker(doc.get());
      workers.put(id, new Running(doc.get().version(), w));
      w.start();
      LOG.info("started sync worker '{}' (version {})", id, doc.get().version());
    }
    progress.changed(id); // a waiter now follows another worker, or the checkpoint, or finds it removed
  }

  private SyncWorker newWorker(ConfigDocument doc) {
    String id = doc.id();
    TypeFilter filter;
    SyncSettings settings;
    ConfigReader.SyncableSetup setup = null;
    RuntimeException problem = null;
    try {
      setup = configs.syncable(id, configs.parse(doc, true), defaults, true);
    } catch (RuntimeException e) { // e.g. an unset ${VAR} on this node: shown in the status, retried
      problem = e;
    }
    if (setup != null) {
      boolean current = setup.context().document().section("syncable")
          .flatMap(h -> h.string("mode")).map("always-current"::equals).orElse(false);
      filter = new TypeFilter(setup.context().types(), current ? migrator : null);
      settings = setup.settings();
    } else {
      filter = new TypeFilter(java.util.Set.of());
      settings = defaults;
    }
    ConfigReader.SyncableSetup s = setup;
    RuntimeException p = problem;
    SyncWorker.Opener opener = () -> {
      if (p != null) {
        throw p;
      }
      return s.factory().create(s.context());
    };
    return new SyncWorker(id, opener, filter, settings, host, schedulers.apply(id), progress);
  }

  /** A database config changed: syncables that use it reconnect with the new settings. */
  private void restartDependents(String databaseId) {
    for (Map.Entry<String, Running> e : workers.entrySet()) {
      Optional<ConfigDocument> doc = state.currentConfig(ConfigKind.SYNCABLE, e.getKey());
      if (doc.isPresent() && usesDatabase(doc.get(), databaseId)) {
        reconcile(e.getKey(), true);
      }
    }
  }

  private boolean usesDatabase(ConfigDocument syncable, String databaseId) {
    try {
      NodeConfig root = configs.parse(syncable, false);
      return PluginDocument.of(ConfigKind.SYNCABLE, root).section().rawString("db").map(databaseId::equals)
          .orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The worker's view, when it runs on this node. */
  public Optional<SyncWorker> worker(String id) {
    Running r = workers.get(id);
    return r == null ? Optional.empty() : Optional.of(r.worker());
  }

  public Optional<SyncableStatus> status(String id, StateView.SyncPosition pos, long head, int open, int acked) {
    return worker(id).map(w -> w.status(pos, head, open, acked));
  }

  /** Stops every worker and the control thread. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    progress.close();
    control.close();
    for (Running r : workers.values()) {
      r.worker().stop();
    }
    workers.clear();
  }
}
