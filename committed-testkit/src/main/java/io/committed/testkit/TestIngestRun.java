package io.committed.testkit;

import io.committed.CommittedLog;
import io.committed.api.Proposal;
import io.committed.internal.ingest.IngestSession;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.LiveKeyScan;
import io.committed.spi.PluginConfig;
import io.committed.spi.SourcePosition;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of an ingestable in a {@link TestIngestLog}: the {@link IngestContext} the supervisor
 * would give it, plus the controls a test needs (stop it, crash it, see what it reported). Obtained
 * from {@link TestIngestLog#newRun()}. Thread-safe.
 */
public final class TestIngestRun implements IngestContext {
  private final IngestSession session;
  private volatile boolean stopRequested;
  private volatile IngestStatus reported;
  private volatile Thread thread;
  private final java.util.concurrent.atomic.AtomicLong redelivered = new java.util.concurrent.atomic.AtomicLong();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  TestIngestRun(CommittedLog log, String ingestableId) {
    this.session = IngestSession.open(log, ingestableId, () -> stopRequested, new IngestSession.Events() {
      @Override
      public void reported(IngestStatus status) {
        reported = status;
      }
    });
  }

  /**
   * Creates the ingestable with this run's context and runs it on a thread of its own, as the
   * supervisor does; closes it when {@code run} returns. At most once per run.
   *
   * @return completes when {@code run} returns, exceptionally with what {@code create} or
   *     {@code run} threw
   * @throws IllegalStateException when this run was started already
   */
  public synchronized CompletableFuture<Void> runInBackground(IngestableFactory factory) {
    if (thread != null) {
      throw new IllegalStateException("this run was started already: take a new one from newRun()");
    }
    Thread t = new Thread(() -> {
      try (Ingestable ingestable = factory.create(this)) {
        ingestable.run(this);
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "testkit-ingest-" + ingestableId());
    t.setDaemon(true);
    thread = t;
    t.start();
    return done;
  }

  /** What the ingestable last reported with {@link #reportStatus}, if anything. */
  public Optional<IngestStatus> lastReported() {
    return Optional.ofNullable(reported);
  }

  /** Makes {@link #stopRequested()} true, as the supervisor does when it stops a run. */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Stops the run as the supervisor does: {@link #requestStop}, the run's thread interrupted, and
   * up to {@code grace} for {@code run} to return; then the run ends (later proposals fail).
   *
   * @return true when {@code run} returned within {@code grace} (or was never started)
   */
  public boolean stop(Duration grace) {
    requestStop();
    return end(grace);
  }

  /**
   * Ends the run as if its process had died: its later proposals fail at once and its thread is
   * interrupted, then it gets up to {@code grace} to return from {@code run} (in a test the
   * ingestable's own resources, such as connections, are only released when it returns).
   *
   * @return true when {@code run} returned within {@code grace} (or was never started)
   */
  public boolean crash(Duration grace) {
    session.close(Duration.ZERO);
    return end(grace);
  }

  private boolean end(Duration grace) {
    Thread t = thread;
    boolean returned = true;
    if (t != null) {
      t.interrupt();
      try {
        done.get(grace.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        returned = false;
      } catch (ExecutionException e) {
        // it returned by throwing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        returned = false;
      }
    }
    session.close(grace);
    return returned;
  }

  @Override
  public String ingestableId() {
    return session.ingestableId();
  }

  @Override
  public PluginConfig document() {
    return session.document();
  }

  @Override
  public PluginConfig config() {
    return session.config();
  }

  @Override
  public Optional<SourcePosition> position() {
    return session.position();
  }

  @Override
  public CompletableFuture<Long> propose(Proposal proposal, SourcePosition position) {
    return session.propose(proposal, position).thenApply(index -> {
      if (index == 0) {
        redelivered.incrementAndGet();
      }
      return index;
    });
  }

  /**
   * How many of this run's proposals were redeliveries, dropped by the high-water mark (their
   * futures completed with 0).
   */
  public long redelivered() {
    return redelivered.get();
  }

  @Override
  public CompletableFuture<Long> commitPosition(SourcePosition position) {
    return session.commitPosition(position);
  }

  /** Publishes to the test log's types, as a node's context does. */
  @Override
  public java.util.OptionalInt publishSchema(String typeId, String jsonSchema) {
    return session.publishSchema(typeId, jsonSchema);
  }

  @Override
  public Optional<LiveKeyScan> liveKeys() {
    return session.liveKeys();
  }

  /** The requests made with {@code log().ingest().requestSnapshot}, as the node's context gives them. */
  @Override
  public java.util.List<io.committed.spi.SnapshotRequest> snapshotRequests() {
    return session.snapshotRequests();
  }

  @Override
  public boolean stopRequested() {
    return session.stopRequested();
  }

  @Override
  public void reportStatus(IngestStatus status) {
    session.reportStatus(status);
  }
}
