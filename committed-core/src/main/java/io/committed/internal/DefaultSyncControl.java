package io.committed.internal;

import io.committed.ConfigKind;
import io.committed.DeadLetter;
import io.committed.SyncControl;
import io.committed.SyncableStatus;
import io.committed.api.NotFoundException;
import io.committed.api.NotLeaderException;
import io.committed.api.OperationInterruptedException;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.SyncManager;
import io.committed.internal.sync.SyncWorker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link SyncControl} over the state machine and the local sync workers. */
final class DefaultSyncControl implements SyncControl {
  private final DefaultCommittedLog log;
  private final SyncManager workers;

  DefaultSyncControl(DefaultCommittedLog log, SyncManager workers) {
    this.log = log;
    this.workers = workers;
  }

  private void requireSyncable(String id) {
    if (log.state().currentVersion(ConfigKind.SYNCABLE, id) == 0) {
      throw new NotFoundException("syncable '" + id + "' is not defined");
    }
  }

  @Override
  public SyncableStatus status(String id) {
    requireSyncable(id);
    StateView.SyncPosition pos = log.state().syncPosition(id);
    List<DeadLetter> letters = log.state().deadLetters(id);
    int acked = (int) letters.stream().filter(DeadLetter::acknowledged).count();
    int open = letters.size() - acked;
    long head = log.lastIndex();
    return workers.status(id, pos, head, open, acked).orElseGet(() -> new SyncableStatus(id, SyncableStatus.WorkerState.NOT_RUNNING_HERE,
        pos.checkpoint(), pos.checkpoint(), head, Math.max(0, head - pos.checkpoint()), pos.checkpoint() >= head,
        Optional.empty(), 0, Optional.empty(), open, acked));
  }

  /** What {@link SyncableStatus#lastSyncedIndex()} reports, without building the whole status. */
  private long syncedIndex(String id) {
    requireSyncable(id);
    long checkpoint = log.state().syncPosition(id).checkpoint();
    return workers.worker(id).map(w -> w.syncedIndex(checkpoint)).orElse(checkpoint);
  }

  @Override
  public boolean awaitSynced(String id, long index, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    requireSyncable(id);
    // woken by the worker's deliveries, applied checkpoints and worker changes (SyncProgress)
    CompletableFuture<Boolean> reached = workers.progress().await(id, index, timeout, this::syncedIndex);
    try {
      return reached.get();
    } catch (InterruptedException e) {
      reached.cancel(false);
      throw OperationInterruptedException.interrupted("interrupted while waiting for syncable '" + id
          + "' to reach entry " + index, false, e);
    } catch (ExecutionException e) {
      throw DefaultCommittedLog.unwrap(e.getCause());
    }
  }

  @Override
  public List<DeadLetter> deadLetters(String id) {
    requireSyncable(id);
    return log.state().deadLetters(id);
  }

  private void requireDeadLetter(String id, long index) {
    requireSyncable(id);
    if (log.state().deadLetters(id).stream().noneMatch(d -> d.index() == index)) {
      throw new NotFoundException("syncable '" + id + "' has no dead letter at index " + index);
    }
  }

  @Override
  public void acknowledge(String id, long index) {
    log.checkOpen();
    requireDeadLetter(id, index);
    log.await(new Command.SettleDeadLetter(id, index, false));
  }

  @Override
  public void replay(String id, long index) {
    log.checkOpen();
    requireDeadLetter(id, index);
    SyncWorker worker = workers.worker(id).orElseThrow(() -> new NotLeaderException("syncable '" + id
        + "' runs on the leader, not on this node", log.engine().status().leaderAddress().orElse(null)));
    try {
      worker.replay(index).get(log.settings().operationTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new io.committed.api.RetriableException("the replay did not finish within "
          + log.settings().operationTimeout(), true, e);
    } catch (InterruptedException e) {
      throw OperationInterruptedException.interrupted("interrupted while waiting for the replay of entry " + index
          + " to syncable '" + id + "'; it may still be delivered", true, e);
    } catch (ExecutionException e) {
      throw DefaultCommittedLog.unwrap(e.getCause());
    }
    log.await(new Command.SettleDeadLetter(id, index, true));
  }

  @Override
  public void rebuild(String id) {
    log.checkOpen();
    requireSyncable(id);
    log.await(new Command.ResetSyncable(id));
    log.settleWorkers();
  }
}
