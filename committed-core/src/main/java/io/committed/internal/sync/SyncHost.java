package io.committed.internal.sync;

import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** What a sync worker needs from the log. */
public interface SyncHost {

  EventLog events();

  StateView.SyncPosition position(String syncableId);

  /** Commits a command (checkpoint, dead letter); completes on a callback thread. */
  CompletableFuture<ApplyResult> submit(Command command);

  Clock clock();

  /** Where metrics go; none by default. */
  default io.committed.LogObserver observer() {
    return io.committed.LogObserver.NONE;
  }
}
