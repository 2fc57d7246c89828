package io.committed.server.internal;

import io.committed.CommittedLog;
import io.committed.server.ServerSettings;
import io.javalin.http.Context;
import java.io.IOException;

/** What the handlers share: the log, the settings, the metrics, and whether the node is stopping. */
public final class NodeContext {
  private final CommittedLog log;
  private final ServerSettings settings;
  private final NodeMetrics metrics;
  private final Readiness readiness;
  private volatile boolean stopping;
  private final java.util.List<Runnable> onStopping = new java.util.concurrent.CopyOnWriteArrayList<>();

  public NodeContext(CommittedLog log, ServerSettings settings, NodeMetrics metrics) {
    this.log = log;
    this.settings = settings;
    this.metrics = metrics;
    this.readiness = new Readiness(settings.readyApplyStallTimeout(), System::nanoTime);
    sampler.scheduleWithFixedDelay(this::sampleReadiness, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Samples apply progress every second, so that a stall is seen by the first probe after it. */
  private final java.util.concurrent.ScheduledExecutorService sampler =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "committed-ready-sampler");
        t.setDaemon(true);
        return t;
      });

  private void sampleReadiness() {
    try {
      io.committed.LogStatus s = log.status();
      readiness.sample(s.engineAppliedIndex(), s.engineCommittedIndex());
    } catch (RuntimeException e) {
      // the log is closing, or its engine cannot tell: the next sample or check tries again
    }
  }

  /** What {@code /ready} answers from. */
  public Readiness readiness() {
    return readiness;
  }

  public CommittedLog log() {
    return log;
  }

  public ServerSettings settings() {
    return settings;
  }

  /** The metrics, or null when they are disabled. */
  public NodeMetrics metrics() {
    return metrics;
  }

  public boolean stopping() {
    return stopping;
  }

  public void stopping(boolean value) {
    stopping = value;
    if (value) {
      sampler.shutdownNow();
      onStopping.forEach(Runnable::run);
    }
  }

  /**
   * Runs {@code action} when the node starts stopping, before the API drains: requests that wait
   * (long polls, streams) end there instead of holding the drain until its deadline.
   */
  public void onStopping(Runnable action) {
    onStopping.add(action);
  }

  /** The request body, within the size cap and the read timeout. */
  public byte[] body(Context ctx) throws IOException {
    return Http.body(ctx, settings.maxRequestBytes(), settings.readTimeout());
  }
}
