package io.committed.internal.ingest;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.IngestableStatus;
import io.committed.internal.ControlLoop;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.TaskScheduler;
import io.committed.internal.sync.ThreadScheduler;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link IngestRunner} per defined ingestable while this node is the leader, and none
 * otherwise. Reacts to config changes and leadership on its own control thread.
 */
public final class IngestManager {
  private static final Logger LOG = LoggerFactory.getLogger(IngestManager.class);

  private final IngestHost host;
  private final IngestSettings settings;
  private final Function<String, TaskScheduler> schedulers;
  private final ControlLoop control;
  private final Map<String, IngestRunner> runners = new ConcurrentHashMap<>();
  private volatile boolean leader;
  private volatile boolean closed;

  public IngestManager(String groupId, IngestHost host, IngestSettings settings) {
    this(groupId, host, settings, id -> new ThreadScheduler("committed-ingest-" + groupId + "-" + id));
  }

  /** With the scheduler each runner gets, by ingestable id: its own thread in production. */
  public IngestManager(String groupId, IngestHost host, IngestSettings settings,
      Function<String, TaskScheduler> schedulers) {
    this.host = host;
    this.settings = settings;
    this.schedulers = schedulers;
    this.control = new ControlLoop("committed-ingest-control-" + groupId, LOG);
  }

  public void leadershipChanged(boolean isLeader) {
    leader = isLeader;
    submit(this::reconcileAll);
  }

  public void configChanged(ConfigKind kind, String id) {
    if (kind == ConfigKind.INGESTABLE) {
      submit(() -> reconcile(id));
    }
  }

  /** An ingestable's replicated state changed (position, park): restart it if it had parked. */
  public void ingestChanged(String id) {
    IngestRunner r = runners.get(id);
    if (r != null && !r.alive()) {
      submit(() -> reconcile(id));
    }
  }

  public void restored() {
    submit(this::reconcileAll);
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
    Set<String> ids = new HashSet<>(runners.keySet());
    for (ConfigDocument d : host.state().currentConfigs(ConfigKind.INGESTABLE)) {
      ids.add(d.id());
    }
    ids.forEach(this::reconcile);
  }

  private void reconcile(String id) {
    Optional<ConfigDocument> doc = leader && !closed
        ? host.state().currentConfig(ConfigKind.INGESTABLE, id) : Optional.empty();
    IngestRunner running = runners.get(id);
    if (running != null && (doc.isEmpty() || doc.get().version() != running.version() || !running.alive())) {
      runners.remove(id);
      running.stop();
      LOG.info("stopped ingestable '{}' (version {})", id, running.version());
      if (doc.isEmpty() && leader && !closed) {
        running.removed(); // its config is gone, not only its leadership: let it release the source
      }
      running = null;
    }
    if (running == null && doc.isPresent()) {
      IngestRunner r = new IngestRunner(doc.get(), host, settings, schedulers.apply(id));
      runners.put(id, r);
      r.start();
      LOG.info("started ingestable '{}' (version {})", id, doc.get().version());
    }
  }

  /** The runner's status, when it runs on this node. */
  public Optional<IngestableStatus> status(String id, StateView.IngestPosition pos) {
    IngestRunner r = runners.get(id);
    return r == null ? Optional.empty() : Optional.of(r.status(pos));
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    control.close();
    runners.values().forEach(IngestRunner::stop);
    runners.clear();
  }
}
