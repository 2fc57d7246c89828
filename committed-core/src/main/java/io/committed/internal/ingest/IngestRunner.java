package io.committed.internal.ingest;

import io.committed.IngestableStatus;
import io.committed.api.CommittedException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import io.committed.internal.ConfigReader;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateMachine;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PluginConfig;
import io.committed.spi.SourcePosition;
import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ingestable on a thread of its own: create, run, and on failure restart from the
 * committed position after a backoff, until stopped or parked.
 */
final class IngestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRunner.class);
  /** Bytes of a write command besides its body, ingestable id and position state. */
  private static final int COMMAND_OVERHEAD = 64;

  private final ConfigDocument config;
  private final IngestHost host;
  private final IngestSettings settings;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile String workerState = "starting";
  private volatile int failures;
  private volatile String lastError;
  private volatile Instant failingSince;
  private volatile IngestStatus reported;

  IngestRunner(String groupId, ConfigDocument config, IngestHost host, IngestSettings settings) {
    this.config = config;
    this.host = host;
    this.settings = settings;
    this.thread = io.committed.internal.Threads.daemon(this::loop, "committed-ingest-" + groupId + "-" + config.id());
  }

  String id() {
    return config.id();
  }

  int version() {
    return config.version();
  }

  boolean alive() {
    return thread.isAlive();
  }

  void start() {
    thread.start();
  }

  /** Asks the ingestable to stop and waits for it, interrupting it after the grace period. */
  void stop() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(settings.stopGrace().toMillis());
      if (thread.isAlive()) {
        LOG.warn("ingestable '{}' did not return from run() within {} of being asked to stop", id(),
            settings.stopGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workerState = "stopped";
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

  private void loop() {
    while (!stopping) {
      StateMachine.IngestPosition pos = host.state().ingestPosition(id());
      if (pos.parked()) {
        workerState = "parked";
        return; // until the config is posted again, which restarts this runner
      }
      workerState = failures == 0 ? "running" : "recovering";
      Run run = null;
      Throwable failure = null;
      Ingestable ingestable = null;
      try {
        run = new Run(pos.serial());
        IngestableFactory factory = run.factory();
        ingestable = factory.create(run);
        ingestable.run(run);
      } catch (Throwable e) {
        if (e instanceof VirtualMachineError vme) {
          throw vme;
        }
        failure = e;
      } finally {
        if (run != null) {
          run.closed = true;
          run.settle(); // the next run must read the serial this one's proposals leave behind
        }
        if (ingestable != null) {
          try {
            ingestable.close();
          } catch (Exception e) {
            LOG.warn("closing ingestable '{}' failed: {}", id(), e.toString());
          }
        }
      }
      if (stopping) {
        return;
      }
      if (failure == null && run.failure == null) {
        LOG.warn("ingestable '{}' returned from run() without being asked to stop; restarting it", id());
        pause(settings.backoff().delay(1));
        continue;
      }
      Throwable cause = run != null && run.failure != null ? run.failure : failure;
      if (!recordFailure(cause)) {
        return;
      }
    }
  }

  /** Records a failure; false when the ingestable is now parked. */
  private boolean recordFailure(Throwable cause) {
    int n = ++failures;
    boolean permanent = cause instanceof io.committed.spi.PermanentIngestException;
    host.observer().ingestFailed(id(), permanent || n >= settings.maxConsecutiveFailures());
    if (failingSince == null) {
      failingSince = host.clock().instant();
    }
    lastError = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    if (permanent || n >= settings.maxConsecutiveFailures()) {
      String reason = permanent ? lastError : n + " consecutive failures, the last: " + lastError;
      LOG.error("ingestable '{}' is parked: {}; post its config again to restart it", id(), reason);
      workerState = "parked";
      try {
        host.submit(new Command.SetIngestParked(id(), true, reason)).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("could not record that ingestable '{}' is parked: {}", id(), e.toString());
      }
      return false;
    }
    Duration delay = settings.backoff().delay(n);
    LOG.warn("ingestable '{}' failed (attempt {}), restarting in {}: {}", id(), n, delay, lastError);
    workerState = "recovering";
    pause(delay);
    return true;
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping: the loop sees it
    }
  }

  IngestableStatus status(StateMachine.IngestPosition pos) {
    return new IngestableStatus(id(), pos.parked() ? "parked" : workerState, pos.position(), pos.highWaterMark(),
        Optional.ofNullable(reported), failures, Optional.ofNullable(lastError), Optional.ofNullable(failingSince),
        pos.parked() ? Optional.of(pos.parkedReason()) : Optional.empty());
  }

  /** One run of the ingestable: its context, and the serial chain that fences it. */
  private final class Run implements IngestContext {
    private final NodeConfig root;
    private final PluginDocument doc;
    private long serial;
    private CompletableFuture<?> lastSubmitted = CompletableFuture.completedFuture(null);
    private volatile Throwable failure;
    private volatile boolean closed;

    Run(long serial) {
      this.serial = serial;
      ConfigReader reader = host.configs();
      this.root = reader.parse(config, true);
      this.doc = PluginDocument.of(ConfigKind.INGESTABLE, root);
    }

    IngestableFactory factory() {
      return host.configs().plugins().ingestable(doc.header().path() + ".type", doc.kind(), doc.dialect());
    }

    @Override
    public String ingestableId() {
      return id();
    }

    @Override
    public PluginConfig document() {
      return root;
    }

    @Override
    public PluginConfig config() {
      return doc.section();
    }

    @Override
    public Optional<SourcePosition> position() {
      return host.state().ingestPosition(id()).position();
    }

    @Override
    public CompletableFuture<Long> propose(Proposal proposal, SourcePosition position) {
      java.util.List<byte[]> parts;
      try {
        if (position == null) {
          throw new IllegalArgumentException("position is required");
        }
        parts = host.prepareParts(proposal, COMMAND_OVERHEAD + id().length() + position.state().length);
      } catch (RuntimeException e) {
        return fail(e);
      }
      if (parts.size() == 1) {
        return observed(submit(serial -> new Command.Write(parts.get(0), mark(serial, position))));
      }
      java.util.List<java.util.function.LongFunction<Command>> commands = new java.util.ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        int part = i + 1;
        byte[] body = parts.get(i);
        boolean last = part == parts.size();
        commands.add(serial -> new Command.WritePart(id(), serial, part, parts.size(), body,
            last ? position.sequence() : 0, last ? position.state() : new byte[0]));
      }
      return observed(submitAll(commands));
    }

    /** Tells the observer about a committed (or deduplicated) source transaction. */
    private CompletableFuture<Long> observed(CompletableFuture<Long> f) {
      return f.thenApply(index -> {
        host.observer().ingestCommitted(id(), index == 0);
        return index;
      });
    }

    @Override
    public CompletableFuture<Long> commitPosition(SourcePosition position) {
      return submit(serial -> new Command.IngestPosition(mark(serial, position)));
    }

    private Command.IngestMark mark(long serial, SourcePosition position) {
      if (position == null) {
        throw new IllegalArgumentException("position is required");
      }
      return new Command.IngestMark(id(), serial, position.sequence(), position.state());
    }

    private CompletableFuture<Long> submit(java.util.function.LongFunction<Command> command) {
      return submitAll(java.util.List.of(command));
    }

    /** Submits commands with consecutive serials; the future is the last one's. */
    private CompletableFuture<Long> submitAll(java.util.List<java.util.function.LongFunction<Command>> commands) {
      CompletableFuture<ApplyResult> submitted = null;
      synchronized (this) { // serials and submission order must agree
        if (closed || stopping) {
          return fail(new RetriableException("ingest run of '" + id() + "' is stopping", false));
        }
        if (failure != null) {
          return fail(new RetriableException("an earlier proposal of this ingest run failed; restart from the"
              + " committed position", false, failure));
        }
        for (java.util.function.LongFunction<Command> command : commands) {
          // an earlier part's failure fences the later ones in the log: only the last one matters
          submitted = host.submit(command.apply(++serial));
        }
        lastSubmitted = submitted;
      }
      return submitted.handle((r, err) -> {
        Throwable problem = err != null ? err
            : r.accepted() ? null : new ProposalRejectedException(r.rejection(), r.message());
        if (problem != null) {
          if (problem instanceof java.util.concurrent.CompletionException && problem.getCause() != null) {
            problem = problem.getCause();
          }
          if (failure == null) {
            failure = problem;
          }
          throw problem instanceof RuntimeException re ? re : new CommittedException(problem.toString(), problem);
        }
        failures = 0;
        failingSince = null;
        lastError = null;
        if (!stopping) {
          workerState = "running";
        }
        return r.value();
      });
    }

    /** Waits until the last proposal of this run has an outcome (commands apply in order). */
    void settle() {
      CompletableFuture<?> last;
      synchronized (this) {
        last = lastSubmitted;
      }
      try {
        last.get(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // its outcome is all we wait for
      }
    }

    private CompletableFuture<Long> fail(Throwable e) {
      if (failure == null) {
        failure = e;
      }
      return CompletableFuture.failedFuture(e);
    }

    @Override
    public boolean stopRequested() {
      return stopping || closed;
    }

    @Override
    public void forEachLiveKey(String typeId, java.util.function.Consumer<byte[]> action) {
      java.util.Objects.requireNonNull(typeId, "typeId");
      java.util.Objects.requireNonNull(action, "action");
      long upTo = host.lastIndex();
      long started = System.nanoTime();
      int[] keys = {0};
      LiveKeys.forEach(host::read, upTo, typeId, key -> {
        keys[0]++;
        action.accept(key);
      });
      LOG.info("ingestable '{}' scanned log entries 1 to {} for the live keys of type '{}': {} keys, {} ms", id(),
          upTo, typeId, keys[0], (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void reportStatus(IngestStatus status) {
      reported = status;
    }
  }
}
