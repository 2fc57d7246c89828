package io.committed.internal.sync;

import io.committed.SyncableStatus;
import io.committed.SyncableStatus.WorkerState;
import io.committed.api.CommittedException;
import io.committed.api.LogEntry;
import io.committed.api.NotLeaderException;
import io.committed.api.ProposalRejectedException;
import io.committed.engine.ApplyResult;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.RebuildableSyncable;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the log to one syncable, in order, on its {@link TaskScheduler}. Every piece of work is
 * a step that ends by scheduling the next one; nothing blocks but the syncable's own calls.
 *
 * <p>Fields without {@code volatile} are touched only by steps (one at a time); the volatile ones
 * are read by {@link #status}.
 */
public final class SyncWorker {
  private static final Logger LOG = LoggerFactory.getLogger(SyncWorker.class);

  /** Creates the syncable for a worker; failures are transient. */
  @FunctionalInterface
  public interface Opener {
    Syncable open() throws Exception;
  }

  private final String id;
  private final Opener opener;
  private final TypeFilter filter;
  private final SyncSettings settings;
  private final SyncHost host;
  private final TaskScheduler scheduler;
  private final SyncProgress progress;
  private final AtomicBoolean stepQueued = new AtomicBoolean();

  private Syncable syncable;
  private boolean positioned;
  private long epoch;
  private long next = 1;
  private long isolateUntil;
  private long checkpointProposed;
  private long checkpointConfirmed;
  private int sinceCheckpoint;
  private Instant lastCheckpointAt = Instant.EPOCH;
  private Instant partialBatchSince;

  private volatile WorkerState state = WorkerState.STARTING;
  private volatile boolean stopped;
  private volatile long lastSynced;
  private volatile int failures;
  private volatile Instant failingSince;
  private volatile String lastError;

  /** A worker nobody waits on (tests). */
  public SyncWorker(String id, Opener opener, TypeFilter filter, SyncSettings settings, SyncHost host,
      TaskScheduler scheduler) {
    this(id, opener, filter, settings, host, scheduler, new SyncProgress(scheduler::schedule));
  }

  /** A worker that tells {@code progress} each time it delivered further. */
  public SyncWorker(String id, Opener opener, TypeFilter filter, SyncSettings settings, SyncHost host,
      TaskScheduler scheduler, SyncProgress progress) {
    this.progress = progress;
    this.id = id;
    this.opener = opener;
    this.filter = filter;
    this.settings = settings;
    this.host = host;
    this.scheduler = scheduler;
  }

  public String id() {
    return id;
  }

  public void start() {
    requestStep();
  }

  /** New entries were applied: resume if idle. Any thread. */
  public void wake() {
    if (state == WorkerState.IDLE) {
      requestStep();
    }
  }

  /** Stops delivering and closes the syncable. Blocks up to twice the stop grace. */
  public void stop() {
    stopped = true;
    scheduler.execute(this::closeSyncable);
    if (!scheduler.shutdown(settings.stopGrace())) {
      LOG.warn("syncable '{}' did not stop within {}; its thread was interrupted", id, settings.stopGrace());
    }
    state = WorkerState.STOPPED;
  }

  private void requestStep() {
    if (!stopped && stepQueued.compareAndSet(false, true)) {
      scheduler.execute(this::runStep);
    }
  }

  private void runStep() {
    stepQueued.set(false);
    if (stopped) {
      return;
    }
    try {
      step();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) { // our own failure (e.g. the log closing): retry like a target failure
      transientFailure(e);
    }
  }

  private void step() {
    if (syncable == null && !open()) {
      return;
    }
    if (next > isolateUntil) {
      isolateUntil = 0;
    }
    Batch batch = collect(isolateUntil > 0 ? 1 : settings.batchSize());
    if (batch.entries.isEmpty() && batch.unreadable > 0) {
      advance(batch.scannedTo);
      deadLetter(batch.unreadable, "entry cannot be delivered: " + batch.reason, batch.unreadable);
      return;
    }
    if (batch.entries.isEmpty()) {
      advance(batch.scannedTo);
      long head = host.events().lastIndex();
      maybeCheckpoint(next > head);
      if (next <= head) {
        requestStep();
        return;
      }
      state = WorkerState.IDLE;
      if (host.events().lastIndex() >= next) { // an entry arrived while going idle
        requestStep();
      }
      return;
    }
    if (holdPartialBatch(batch)) {
      return;
    }
    state = isolateUntil > 0 ? WorkerState.ISOLATING : WorkerState.RUNNING;
    long started = System.nanoTime();
    try {
      syncable.sync(batch.entries);
    } catch (PermanentSyncException e) {
      host.observer().syncFailed(id, true);
      permanentFailure(batch, e);
      return;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      transientFailure(e);
      return;
    }
    host.observer().syncBatchWritten(id, batch.entries.size(), System.nanoTime() - started);
    succeeded();
    sinceCheckpoint += batch.entries.size();
    advance(batch.scannedTo);
    maybeCheckpoint(next > host.events().lastIndex());
    requestStep();
  }

  /**
   * With a batch delay, a batch smaller than the batch size waits (once, up to the delay) for more
   * entries before it is delivered. True when this step should deliver nothing yet.
   */
  private boolean holdPartialBatch(Batch batch) {
    Duration delay = settings.batchDelay();
    if (delay.isZero() || isolateUntil > 0 || batch.entries.size() >= settings.batchSize()
        || batch.scannedTo < host.events().lastIndex()) {
      partialBatchSince = null;
      return false;
    }
    Instant now = host.clock().instant();
    if (partialBatchSince == null) {
      partialBatchSince = now;
    }
    Duration waited = Duration.between(partialBatchSince, now);
    if (waited.compareTo(delay) >= 0) {
      partialBatchSince = null;
      return false;
    }
    state = WorkerState.IDLE; // new entries wake the worker early; otherwise the timer does
    scheduler.schedule(this::requestStep, delay.minus(waited));
    return true;
  }

  private boolean open() {
    state = WorkerState.STARTING;
    StateView.SyncPosition pos = host.position(id);
    Syncable s;
    try {
      s = opener.open();
      if (!positioned && pos.epoch() > 0 && pos.checkpoint() == 0 && s instanceof RebuildableSyncable r) {
        LOG.info("syncable '{}' is rebuilding: resetting its target", id);
        r.resetTarget();
      }
      // The first open starts from the replicated checkpoint; a re-open after a failure keeps
      // this worker's own position, which is never behind it.
      long start = positioned ? next - 1 : pos.checkpoint();
      if (s instanceof ResumableSyncable r) {
        long target = r.lastSyncedIndex();
        long head = host.events().lastIndex();
        if (target > head) {
          closeQuietly(s);
          throw new CommittedException("the target reports entry " + target + " synced but this node's log ends at "
              + head + ": waiting for the log to catch up (if it never does, the target was written from another"
              + " log: rebuild the syncable)");
        }
        start = Math.max(start, target);
      }
      syncable = s;
      if (!positioned) {
        epoch = pos.epoch();
        checkpointProposed = checkpointConfirmed = pos.checkpoint();
        lastCheckpointAt = host.clock().instant();
        positioned = true;
      }
      next = start + 1;
      lastSynced = start;
      LOG.debug("syncable '{}' starts after entry {} (checkpoint {}, epoch {})", id, start, pos.checkpoint(), epoch);
      return true;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      transientFailure(e);
      return false;
    }
  }

  /**
   * Entries to deliver, the last index examined, and an entry that cannot be delivered at all
   * (its migration failed): {@code unreadable} is {@code scannedTo + 1} then, with its reason.
   */
  private record Batch(List<LogEntry> entries, long scannedTo, long unreadable, String reason) {}

  /** Up to {@code max} entries of the followed types from {@code next}, scanning at most maxScan. */
  private Batch collect(int max) {
    List<LogEntry> entries = new ArrayList<>(Math.min(max, 256));
    long[] scanned = {next - 1};
    String[] unreadable = {null};
    long from = next;
    int budget = settings.maxScan();
    while (entries.size() < max && budget > 0 && unreadable[0] == null) {
      int n = host.events().read(from, Math.min(budget, max - entries.size()), (index, engineIndex, body) -> {
        if (entries.size() < max && unreadable[0] == null) {
          LogEntry e;
          try {
            e = filter.apply(index, body);
          } catch (RuntimeException ex) {
            unreadable[0] = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            return;
          }
          if (e != null) {
            entries.add(e);
          }
          scanned[0] = index;
        }
      });
      if (n == 0) {
        break;
      }
      budget -= n;
      from = scanned[0] + 1;
    }
    return new Batch(entries, scanned[0], unreadable[0] == null ? 0 : scanned[0] + 1, unreadable[0]);
  }

  private void advance(long scannedTo) {
    if (scannedTo >= next) {
      next = scannedTo + 1;
      lastSynced = scannedTo;
      progress.changed(id);
    }
  }

  private void succeeded() {
    failures = 0;
    failingSince = null;
    lastError = null;
  }

  private void maybeCheckpoint(boolean atEnd) {
    long upTo = next - 1;
    if (upTo <= checkpointProposed) {
      return;
    }
    Instant now = host.clock().instant();
    boolean due = atEnd || sinceCheckpoint >= settings.checkpointEvery()
        || Duration.between(lastCheckpointAt, now).compareTo(settings.checkpointMaxAge()) >= 0;
    if (!due) {
      return;
    }
    checkpointProposed = upTo;
    sinceCheckpoint = 0;
    lastCheckpointAt = now;
    long proposedEpoch = epoch;
    host.submit(new Command.Checkpoint(id, proposedEpoch, upTo)).whenComplete((r, err) ->
        scheduler.execute(() -> checkpointDone(upTo, r, err)));
  }

  private void checkpointDone(long upTo, ApplyResult r, Throwable err) {
    if (err == null && r.accepted()) {
      checkpointConfirmed = Math.max(checkpointConfirmed, upTo);
      return;
    }
    LOG.debug("checkpoint {} of syncable '{}' not committed: {}", upTo, id, err != null ? err : r.message());
    if (checkpointProposed == upTo) { // propose it again at the next opportunity
      checkpointProposed = checkpointConfirmed;
      requestStep();
    }
  }

  private void permanentFailure(Batch batch, PermanentSyncException e) {
    if (batch.entries.size() > 1) {
      isolateUntil = batch.entries.get(batch.entries.size() - 1).index();
      LOG.info("syncable '{}' refused a batch of {} entries permanently ({}); retrying them one at a time",
          id, batch.entries.size(), e.getMessage());
      state = WorkerState.ISOLATING;
      requestStep();
      return;
    }
    long index = batch.entries.get(0).index();
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    deadLetter(index, message, batch.scannedTo);
  }

  /** Records entry {@code index} as a dead letter, then moves past {@code resumeAfter}. */
  private void deadLetter(long index, String message, long resumeAfter) {
    LOG.warn("syncable '{}' cannot deliver entry {}, dead-lettering it: {}", id, index, message);
    Instant now = host.clock().instant();
    host.submit(new Command.AddDeadLetter(id, index, EntryCodec.toMicros(now), message)).whenComplete((r, err) ->
        scheduler.execute(() -> deadLettered(resumeAfter, r, err)));
  }

  private void deadLettered(long resumeAfter, ApplyResult r, Throwable err) {
    if (stopped) {
      return;
    }
    if (err != null || !r.accepted()) {
      transientFailure(err != null ? err : new ProposalRejectedException(r.rejection(), r.message()));
      return;
    }
    host.observer().deadLettered(id, r.value());
    succeeded();
    sinceCheckpoint++;
    advance(resumeAfter);
    maybeCheckpoint(next > host.events().lastIndex());
    requestStep();
  }

  private void transientFailure(Throwable e) {
    if (stopped) {
      return;
    }
    int n = ++failures;
    host.observer().syncFailed(id, false);
    Instant now = host.clock().instant();
    if (failingSince == null) {
      failingSince = now;
    }
    lastError = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    Duration delay = settings.backoff().delay(n);
    if (e instanceof NotLeaderException || n == 1 || n % 10 == 0) {
      LOG.warn("syncable '{}' failed (attempt {}), retrying in {}: {}", id, n, delay, lastError);
    }
    closeSyncable(); // a fresh syncable after the backoff: connections may be broken
    state = WorkerState.RETRYING;
    scheduler.schedule(this::runStep, delay);
  }

  private void closeSyncable() {
    Syncable s = syncable;
    syncable = null;
    isolateUntil = 0;
    if (s != null) {
      closeQuietly(s);
    }
  }

  private void closeQuietly(Syncable s) {
    try {
      s.close();
    } catch (Exception e) {
      LOG.warn("closing syncable '{}' failed: {}", id, e.toString());
    }
  }

  /**
   * Delivers one dead letter's entry again. Runs on the worker's thread, between steps.
   *
   * @return completes when the entry was synced, or with the syncable's failure
   */
  public CompletableFuture<Void> replay(long index) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      try {
        if (syncable == null && !open()) {
          throw new CommittedException("syncable '" + id + "' is not connected to its target: " + lastError);
        }
        List<LogEntry> one = new ArrayList<>(1);
        host.events().read(index, 1, (i, e, body) -> {
          LogEntry entry = filter.apply(i, body);
          if (entry != null) {
            one.add(entry);
          }
        });
        if (!one.isEmpty()) {
          if (syncable instanceof ResumableSyncable r) {
            r.syncAgain(one); // a replay must not be skipped as already synced
          } else {
            syncable.sync(one);
          }
        }
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** The last index delivered: this worker's own position, never behind the replicated checkpoint. Any thread. */
  public long syncedIndex(long checkpoint) {
    return Math.max(lastSynced, checkpoint);
  }

  public SyncableStatus status(StateView.SyncPosition replicated, long head, int deadLetters, int acknowledged) {
    WorkerState s = stopped ? WorkerState.STOPPED : state;
    long synced = syncedIndex(replicated.checkpoint());
    return new SyncableStatus(id, s, replicated.checkpoint(), synced, head,
        Math.max(0, head - synced), synced >= head, Optional.ofNullable(failingSince), failures,
        Optional.ofNullable(lastError), deadLetters, acknowledged);
  }
}
