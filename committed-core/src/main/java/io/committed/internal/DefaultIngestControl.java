package io.committed.internal;

import io.committed.ConfigKind;
import io.committed.IngestControl;
import io.committed.IngestableStatus;
import io.committed.IngestableStatus.WorkerState;
import io.committed.api.NotFoundException;
import io.committed.internal.ingest.IngestManager;
import io.committed.internal.state.StateView;
import java.util.Optional;

/** {@link IngestControl} over the state machine and the local ingest runners. */
final class DefaultIngestControl implements IngestControl {
  private final StateView state;
  private final IngestManager runners;

  DefaultIngestControl(StateView state, IngestManager runners) {
    this.state = state;
    this.runners = runners;
  }

  @Override
  public IngestableStatus status(String id) {
    if (state.currentVersion(ConfigKind.INGESTABLE, id) == 0) {
      throw new NotFoundException("ingestable '" + id + "' is not defined");
    }
    StateView.IngestPosition pos = state.ingestPosition(id);
    return runners.status(id, pos).orElseGet(() -> new IngestableStatus(id,
        pos.parked() ? WorkerState.PARKED : WorkerState.NOT_RUNNING_HERE, pos.position(), pos.highWaterMark(),
        Optional.empty(), 0, Optional.empty(), Optional.empty(),
        pos.parked() ? Optional.of(pos.parkedReason()) : Optional.empty()));
  }
}
