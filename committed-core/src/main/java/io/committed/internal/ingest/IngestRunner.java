package io.committed.internal.ingest;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.IngestableStatus;
import io.committed.IngestableStatus.WorkerState;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.TaskScheduler;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.PermanentIngestException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ingestable: create, run, and on failure run it again from the committed position after
 * a backoff, until stopped or parked. Each attempt is a task of the runner's {@link TaskScheduler}
 * (a thread of its own in production, the test's thread and a fake clock in tests); the backoff is
 * the scheduler's delay before the next attempt.
 */
final class IngestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRunner.class);

  private final ConfigDocument config;
  private final IngestHost host;
  private final IngestSettings settings;
  private final TaskScheduler scheduler;
  private volatile boolean stopping;
  private volatile boolean finished;
  private volatile WorkerState workerState = WorkerState.STARTING;
  /** Why this runner parked its ingestable, until the log's record of it is applied here. */
  private volatile String parkedReason;
  private volatile int failures;
  /** Attempts refused for lack of disk space in a row: they lengthen the backoff, never park. */
  private int diskWaits;
  private volatile String lastError;
  private volatile Instant failingSince;
  private volatile IngestStatus reported;

  IngestRunner(ConfigDocument config, IngestHost host, IngestSettings settings, TaskScheduler scheduler) {
    this.config = config;
    this.host = host;
    this.settings = settings;
    this.scheduler = scheduler;
  }

  String id() {
    return config.id();
  }

  int version() {
    return config.version();
  }

  /** False once the runner has ended: parked, or stopped. */
  boolean alive() {
    return !finished;
  }

  void start() {
    scheduler.execute(this::attempt);
  }

  /**
   * Asks the ingestable to stop and waits for it: its thread is interrupted at once, and the run
   * gets the grace period to return.
   */
  void stop() {
    stopping = true;
    if (!scheduler.shutdownNow(settings.stopGrace())) {
      LOG.warn("ingestable '{}' did not return from run() within {} of being asked to stop", id(),
          settings.stopGrace());
    }
    finished = true;
    workerState = WorkerState.STOPPED;
  }

  /** Tells the factory that the ingestable was removed (after {@link #stop}); best effort. */
  void removed() {
    try {
      NodeConfig root = host.configs().parse(config, true);
      PluginDocument doc = PluginDocument.of(ConfigKind.INGESTABLE, root);
      host.configs().plugins().ingestable(doc.header().path() + ".type", doc.kind(), doc.dialect())
          .removed(id(), root, doc.section());
      LOG.info("ingestable '{}' released its source resources after its removal", id());
    } catch (Exception e) {
      LOG.warn("ingestable '{}' was removed but releasing its source resources failed: {}", id(), e.toString());
    }
  }

  /** One attempt: create and run the ingestable, then decide what comes next. */
  private void attempt() {
    if (stopping) {
      return;
    }
    StateView.IngestPosition pos = host.state().ingestPosition(id());
    if (pos.parked()) {
      park(); // until the config is posted again, which starts a new runner
      return;
    }
    workerState = failures == 0 ? WorkerState.RUNNING : WorkerState.RECOVERING;
    Throwable failure = run();
    if (stopping) {
      return;
    }
    if (failure == null) {
      LOG.warn("ingestable '{}' returned from run() without being asked to stop; restarting it", id());
      scheduler.schedule(this::attempt, settings.backoff().delay(1));
    } else if (recordFailure(failure)) {
      scheduler.schedule(this::attempt, retryDelay());
    }
  }

  /** Creates and runs the ingestable once; returns what made the run fail, or null. */
  private Throwable run() {
    IngestSession session = null;
    Throwable failure = null;
    Ingestable ingestable = null;
    try {
      session = new IngestSession(host, config, () -> stopping, new IngestSession.Events() {
        @Override
        public void committed() {
          succeeded();
        }

        @Override
        public void reported(IngestStatus status) {
          reported = status;
        }
      });
      ingestable = session.factory().create(session);
      ingestable.run(session);
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      failure = e;
    } finally {
      if (session != null) {
        session.close(settings.stopGrace()); // the next run must read the serial this one's proposals leave behind
      }
      if (ingestable != null) {
        try {
          ingestable.close();
        } catch (Exception e) {
          LOG.warn("closing ingestable '{}' failed: {}", id(), e.toString());
        }
      }
    }
    // a refused or failed proposal is the real cause; what run() threw after it is its consequence, unless the
    // ingestable judged that refusal permanent (a retry would meet it again)
    if (failure instanceof PermanentIngestException) {
      return failure;
    }
    return session != null && session.failure().isPresent() ? session.failure().get() : failure;
  }

  /** The backoff before the next attempt: failures and waits for disk space both lengthen it. */
  private Duration retryDelay() {
    return settings.backoff().delay(Math.max(1, failures + diskWaits));
  }

  private void succeeded() {
    failures = 0;
    diskWaits = 0;
    failingSince = null;
    lastError = null;
    if (!stopping) {
      workerState = WorkerState.RUNNING;
    }
  }

  private void park() {
    workerState = WorkerState.PARKED;
    finished = true;
  }

  /** Records a failure; false when the ingestable is now parked. */
  private boolean recordFailure(Throwable cause) {
    if (cause instanceof io.committed.api.InsufficientStorageException) {
      // the log refused the rows for lack of disk: not the source's fault, never a reason to park
      if (failingSince == null) {
        failingSince = host.clock().instant();
      }
      lastError = cause.getMessage();
      diskWaits++;
      LOG.warn("ingestable '{}' waits for disk space, retrying in {}: {}", id(), retryDelay(), lastError);
      workerState = WorkerState.RECOVERING;
      return true;
    }
    int n = ++failures;
    boolean permanent = cause instanceof PermanentIngestException;
    host.observer().ingestFailed(id(), permanent || n >= settings.maxConsecutiveFailures());
    if (failingSince == null) {
      failingSince = host.clock().instant();
    }
    lastError = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    if (permanent || n >= settings.maxConsecutiveFailures()) {
      String reason = permanent ? lastError : n + " consecutive failures, the last: " + lastError;
      LOG.error("ingestable '{}' is parked: {}; post its config again to restart it", id(), reason);
      parkedReason = reason; // before the state says parked: a status read meanwhile has the reason
      try {
        host.submit(new Command.SetIngestParked(id(), true, reason)).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("could not record that ingestable '{}' is parked: {}", id(), e.toString());
      }
      park();
      return false;
    }
    Duration delay = settings.backoff().delay(n);
    LOG.warn("ingestable '{}' failed (attempt {}), restarting in {}: {}", id(), n, delay, lastError);
    workerState = WorkerState.RECOVERING;
    return true;
  }

  IngestableStatus status(StateView.IngestPosition pos) {
    return new IngestableStatus(id(), pos.parked() ? WorkerState.PARKED : workerState, pos.position(), pos.highWaterMark(),
        Optional.ofNullable(reported), failures, Optional.ofNullable(lastError), Optional.ofNullable(failingSince),
        pos.parked() ? Optional.of(pos.parkedReason())
            : workerState == WorkerState.PARKED ? Optional.ofNullable(parkedReason) : Optional.empty());
  }
}
