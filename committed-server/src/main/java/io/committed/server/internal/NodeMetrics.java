package io.committed.server.internal;

import io.committed.CommittedLog;
import io.committed.ConfigDocument;
import io.committed.IngestableStatus;
import io.committed.LogObserver;
import io.committed.LogStatus;
import io.committed.SyncableStatus;
import io.committed.api.CommittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The node's metrics, in a Prometheus registry. Events come from the log's {@link LogObserver}
 * hooks (counters and timers, recorded as they happen); levels (applied index, leader, lags,
 * dead letters, parked ingestables) are read from the log's status methods at each scrape, so a
 * gauge is never staler than the scrape that shows it.
 *
 * <p>Names (Prometheus form): {@code committed_proposals_total{outcome}},
 * {@code committed_propose_duration_seconds{outcome}} (histogram), {@code committed_apply_index},
 * {@code committed_leader}, {@code committed_term}, {@code committed_sync_*{syncable}},
 * {@code committed_ingest_*{ingestable}}, {@code committed_http_requests_seconds{method,route,status}},
 * and the JVM's.
 */
public final class NodeMetrics implements LogObserver, AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<Outcome, Counter> proposals = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Timer> proposeDuration = new EnumMap<>(Outcome.class);
  private final Counter entities;
  private final Counter leadershipChanges;
  private final Map<String, Gauge> perId = new ConcurrentHashMap<>();
  private final Map<String, SyncableStatus> syncStatus = new ConcurrentHashMap<>();
  private final Map<String, IngestableStatus> ingestStatus = new ConcurrentHashMap<>();
  private volatile CommittedLog log;
  private volatile LogStatus status;
  private volatile io.committed.DiskUsage disk;

  public NodeMetrics() {
    for (Outcome o : Outcome.values()) {
      String outcome = o.name().toLowerCase(Locale.ROOT);
      proposals.put(o, Counter.builder("committed.proposals").tag("outcome", outcome)
          .description("proposals by outcome: committed, rejected (invalid), failed (not committed or unknown)")
          .register(registry));
      proposeDuration.put(o, Timer.builder("committed.propose.duration").tag("outcome", outcome)
          .description("from propose to its outcome").publishPercentileHistogram().register(registry));
    }
    entities = Counter.builder("committed.proposal.entities").description("entities in committed proposals")
        .register(registry);
    leadershipChanges = Counter.builder("committed.leadership.changes")
        .description("times this node became or stopped being the leader").register(registry);
    Gauge.builder("committed.apply.index", this, m -> m.status == null ? 0 : m.status.lastIndex())
        .description("the last log index applied on this node").register(registry);
    Gauge.builder("committed.leader", this, m -> m.status != null && m.status.role() == io.committed.NodeRole.LEADER ? 1 : 0)
        .description("1 when this node is the leader").register(registry);
    Gauge.builder("committed.leader.id", this, m -> m.status == null ? -1 : m.status.leaderId().orElse(-1))
        .description("the leader's node id, -1 when unknown").register(registry);
    Gauge.builder("committed.term", this, m -> m.status == null ? 0 : m.status.term())
        .description("the current term").register(registry);
    Gauge.builder("committed.disk.usable.bytes", this, m -> m.disk == null ? -1 : m.disk.usableBytes())
        .description("bytes still writable on the data directory's disk, -1 without one").register(registry);
    Gauge.builder("committed.disk.total.bytes", this, m -> m.disk == null ? -1 : m.disk.totalBytes())
        .description("the size of the data directory's disk, -1 without one").register(registry);
    Gauge.builder("committed.disk.admission", this, m -> m.disk == null ? 0 : m.disk.admission().ordinal())
        .description("disk admission: 0 ok, 1 low (warning), 2 data refused, 3 all refused").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The log whose status the gauges show; set once it has started. */
  public void attach(CommittedLog log) {
    this.log = log;
  }

  /** The Prometheus text exposition (format 0.0.4), gauges refreshed first. */
  public String scrape() {
    refresh();
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** Records one HTTP request; {@code route} is the route template, so label values stay bounded. */
  public void httpRequest(String method, String route, int status, long nanos) {
    Timer.builder("committed.http.requests").tags("method", method, "route", route, "status", String.valueOf(status))
        .description("HTTP requests by route template and status").register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  // ---- observer hooks (the log's threads) ----

  @Override
  public void proposalCompleted(Outcome outcome, long nanos, int entityCount) {
    proposals.get(outcome).increment();
    proposeDuration.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
    if (outcome == Outcome.COMMITTED) {
      entities.increment(entityCount);
    }
  }

  @Override
  public void leadershipChanged(boolean leader) {
    leadershipChanges.increment();
  }

  @Override
  public void syncBatchWritten(String syncableId, int entryCount, long nanos) {
    Counter.builder("committed.sync.entries").tag("syncable", syncableId)
        .description("entries written to the syncable's target").register(registry).increment(entryCount);
    Timer.builder("committed.sync.duration").tag("syncable", syncableId)
        .description("time of one sync call").register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void syncFailed(String syncableId, boolean permanent) {
    Counter.builder("committed.sync.errors").tags("syncable", syncableId, "kind", permanent ? "permanent" : "transient")
        .description("failed sync calls: transient ones are retried, permanent ones dead-lettered")
        .register(registry).increment();
  }

  @Override
  public void deadLettered(String syncableId, long index) {
    Counter.builder("committed.sync.dead.lettered").tag("syncable", syncableId)
        .description("entries that went to the dead-letter list").register(registry).increment();
  }

  @Override
  public void ingestCommitted(String ingestableId, boolean duplicate) {
    Counter.builder("committed.ingest.transactions").tags("ingestable", ingestableId,
            "outcome", duplicate ? "duplicate" : "committed")
        .description("source transactions committed, or dropped as redeliveries").register(registry).increment();
  }

  @Override
  public void ingestFailed(String ingestableId, boolean parked) {
    Counter.builder("committed.ingest.errors").tag("ingestable", ingestableId)
        .description("ingestable failures").register(registry).increment();
    Counter.builder(parked ? "committed.ingest.parkings" : "committed.ingest.restarts").tag("ingestable", ingestableId)
        .description(parked ? "times the ingestable was parked after repeated failures"
            : "restarts after a failure").register(registry).increment();
  }

  // ---- gauges ----

  private void refresh() {
    CommittedLog l = log;
    if (l == null) {
      return;
    }
    try {
      status = l.status();
      disk = l.disk().orElse(null);
      Set<String> live = new HashSet<>();
      Map<String, SyncableStatus> syncs = new HashMap<>();
      for (ConfigDocument d : l.syncables().list()) {
        try {
          syncs.put(d.id(), l.sync().status(d.id()));
        } catch (CommittedException e) {
          // removed between list and status
        }
      }
      Map<String, IngestableStatus> ingests = new HashMap<>();
      for (ConfigDocument d : l.ingestables().list()) {
        try {
          ingests.put(d.id(), l.ingest().status(d.id()));
        } catch (CommittedException e) {
          // removed between list and status
        }
      }
      syncStatus.keySet().retainAll(syncs.keySet());
      syncStatus.putAll(syncs);
      ingestStatus.keySet().retainAll(ingests.keySet());
      ingestStatus.putAll(ingests);
      for (String id : syncs.keySet()) {
        syncGauge(live, id, "committed.sync.lag", "entries the syncable has yet to deliver", SyncableStatus::lag);
        syncGauge(live, id, "committed.sync.checkpoint.index", "the syncable's replicated checkpoint",
            SyncableStatus::checkpointIndex);
        syncGauge(live, id, "committed.sync.stuck", "1 while the syncable is failing (retrying)",
            s -> s.stuckSince().isPresent() ? 1 : 0);
        syncGauge(live, id, "committed.sync.dead.letters", "dead letters not yet acknowledged",
            SyncableStatus::deadLetters);
      }
      for (String id : ingests.keySet()) {
        ingestGauge(live, id, "committed.ingest.lag", "how far behind its source (in the unit its status names)",
            s -> s.reported().map(r -> r.lag().isPresent() ? (double) r.lag().getAsLong() : -1.0).orElse(-1.0));
        ingestGauge(live, id, "committed.ingest.parked", "1 when parked after repeated failures",
            s -> s.workerState() == IngestableStatus.WorkerState.PARKED ? 1 : 0);
        ingestGauge(live, id, "committed.ingest.consecutive.failures", "failures since the last success",
            IngestableStatus::consecutiveFailures);
      }
      List<String> gone = new ArrayList<>(perId.keySet());
      gone.removeAll(live);
      for (String key : gone) {
        Meter m = perId.remove(key);
        if (m != null) {
          registry.remove(m);
        }
      }
    } catch (CommittedException e) {
      // closed while scraping: the last values stay
    }
  }

  private void syncGauge(Set<String> live, String id, String name, String help, ToDoubleFunction<SyncableStatus> f) {
    String key = name + "|" + id;
    live.add(key);
    perId.computeIfAbsent(key, k -> Gauge.builder(name, syncStatus, m -> {
      SyncableStatus s = m.get(id);
      return s == null ? Double.NaN : f.applyAsDouble(s);
    }).tags(Tags.of("syncable", id)).description(help).register(registry));
  }

  private void ingestGauge(Set<String> live, String id, String name, String help,
      ToDoubleFunction<IngestableStatus> f) {
    String key = name + "|" + id;
    live.add(key);
    perId.computeIfAbsent(key, k -> Gauge.builder(name, ingestStatus, m -> {
      IngestableStatus s = m.get(id);
      return s == null ? Double.NaN : f.applyAsDouble(s);
    }).tags(Tags.of("ingestable", id)).description(help).register(registry));
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
