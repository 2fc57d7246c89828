package io.committed.internal.memory;

import io.committed.engine.ApplyResult;
import io.committed.engine.EngineConfig;
import io.committed.engine.EngineLifecycle;
import io.committed.engine.EngineStatus;
import io.committed.engine.EventLog;
import io.committed.engine.LogEngine;
import io.committed.engine.ReplicatedStateMachine;
import io.committed.internal.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node engine that keeps everything in memory, with the replicated engine's semantics:
 * submissions are applied in one total order on a dedicated apply thread and their futures
 * complete asynchronously, on a separate callback thread, never on the caller's.
 */
public final class InMemoryEngine implements LogEngine {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryEngine.class);
  private static final int APPLY_BATCH = 1024;

  private record Pending(byte[] command, CompletableFuture<ApplyResult> future) {}

  private record Done(CompletableFuture<ApplyResult> future, ApplyResult result, RuntimeException error) {}

  private static final Pending STOP = new Pending(new byte[0], new CompletableFuture<>());

  private final EngineConfig config;
  private final MemoryEventLog events = new MemoryEventLog();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final EngineLifecycle lifecycle;
  /** Orders submissions against close: close() cannot slip between a submission's check and its add. */
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private volatile ReplicatedStateMachine stateMachine;
  private volatile long appliedIndex;
  private volatile Thread applyThread;

  public InMemoryEngine(EngineConfig config) {
    this.config = config;
    this.lifecycle = new EngineLifecycle(config.groupId(), "committed-callbacks-" + config.groupId());
  }

  @Override
  public EventLog eventLog() {
    return events;
  }

  @Override
  public void start(ReplicatedStateMachine sm) {
    lifecycle.start();
    this.stateMachine = sm;
    Thread t = Threads.daemon(this::applyLoop, "committed-apply-" + config.groupId());
    applyThread = t;
    t.start();
  }

  @Override
  public CompletableFuture<ApplyResult> submit(byte[] command) {
    CompletableFuture<ApplyResult> f = new CompletableFuture<>();
    closing.readLock().lock();
    try {
      if (lifecycle.isClosed()) {
        f.completeExceptionally(lifecycle.closedException());
      } else {
        queue.add(new Pending(command, f));
      }
    } finally {
      closing.readLock().unlock();
    }
    return f;
  }

  /** A proposal completes only after it is applied, so everything acknowledged is applied: nothing to wait for. */
  @Override
  public CompletableFuture<Void> readBarrier() {
    return lifecycle.isClosed() ? CompletableFuture.failedFuture(lifecycle.closedException())
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public void forgetCommandsThrough(long engineIndex) {
    // applied commands are not kept
  }

  private void applyLoop() {
    stateMachine.leadershipChanged(true);
    List<Pending> batch = new ArrayList<>(APPLY_BATCH);
    List<Done> done = new ArrayList<>(APPLY_BATCH);
    long engineIndex = stateMachine.lastAppliedEngineIndex();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, APPLY_BATCH - 1);
        for (Pending p : batch) {
          if (p == STOP) {
            completeAll(done);
            return;
          }
          try {
            done.add(new Done(p.future(), stateMachine.apply(++engineIndex, p.command()), null));
          } catch (RuntimeException e) {
            // The state machine refuses to go on (corrupt command or event log): so do we.
            LOG.error("apply failed at engine index {}; the log stops", engineIndex, e);
            done.add(new Done(p.future(), null, e));
            completeAll(done);
            closing.writeLock().lock();
            try {
              lifecycle.close();
            } finally {
              closing.writeLock().unlock();
            }
            failRemaining();
            return;
          }
          appliedIndex = engineIndex;
        }
        batch.clear();
        completeAll(done);
        done = new ArrayList<>(APPLY_BATCH);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stateMachine.leadershipChanged(false);
    }
  }

  private void completeAll(List<Done> done) {
    if (done.isEmpty()) {
      return;
    }
    List<Done> toComplete = done;
    lifecycle.callbacks().execute(() -> {
      for (Done d : toComplete) {
        if (d.error() != null) {
          d.future().completeExceptionally(d.error());
        } else {
          d.future().complete(d.result());
        }
      }
    });
  }

  private void failRemaining() {
    Pending p;
    while ((p = queue.poll()) != null) {
      if (p != STOP) {
        p.future().completeExceptionally(lifecycle.closedException());
      }
    }
  }

  @Override
  public boolean isLeader() {
    return lifecycle.isRunning();
  }

  @Override
  public EngineStatus status() {
    TreeMap<Integer, String> peers = new TreeMap<>(config.peers());
    boolean running = isLeader();
    return new EngineStatus(config.nodeId(), running ? io.committed.NodeRole.LEADER : io.committed.NodeRole.STOPPED, running ? java.util.OptionalInt.of(config.nodeId()) : java.util.OptionalInt.empty(),
        java.util.Optional.ofNullable(config.selfAddress()), 1, appliedIndex, appliedIndex, peers);
  }

  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (!lifecycle.close()) {
        return;
      }
      queue.add(STOP); // everything submitted before close is applied first, nothing after it
    } finally {
      closing.writeLock().unlock();
    }
    Thread t = applyThread;
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failRemaining();
    lifecycle.shutdownCallbacks();
    events.close();
  }
}
