package io.committed.internal;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.IngestControl;
import io.committed.IngestableStatus;
import io.committed.IngestableStatus.WorkerState;
import io.committed.api.NotFoundException;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.ingest.IngestManager;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SnapshottingIngestableFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** {@link IngestControl} over the state machine and the local ingest runners. */
final class DefaultIngestControl implements IngestControl {
  private final DefaultCommittedLog log;
  private final StateView state;
  private final ConfigReader configs;
  private final IngestManager runners;

  DefaultIngestControl(DefaultCommittedLog log, StateView state, ConfigReader configs, IngestManager runners) {
    this.log = log;
    this.state = state;
    this.configs = configs;
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

  @Override
  public SnapshotRequest requestSnapshot(String id, List<String> tables) {
    log.checkOpen();
    ConfigDocument config = state.currentConfig(ConfigKind.INGESTABLE, id)
        .orElseThrow(() -> new NotFoundException("ingestable '" + id + "' is not defined"));
    LinkedHashSet<String> asked = new LinkedHashSet<>();
    for (String t : tables) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("a snapshot request's table names must not be empty");
      }
      asked.add(t.trim());
    }
    if (asked.isEmpty()) {
      throw new IllegalArgumentException("a snapshot request names at least one table");
    }
    NodeConfig root = configs.parse(config, false);
    PluginDocument doc = PluginDocument.of(ConfigKind.INGESTABLE, root);
    IngestableFactory factory = configs.plugins().ingestable(doc.header().path() + ".type", doc.kind(),
        doc.dialect());
    if (!(factory instanceof SnapshottingIngestableFactory snapshotting)) {
      throw new UnsupportedOperationException("ingestables of kind " + factory.kind()
          + " cannot copy tables again on request");
    }
    List<String> recorded = List.copyOf(new LinkedHashSet<>(
        snapshotting.checkSnapshotRequest(root, doc.section(), new ArrayList<>(asked))));
    if (recorded.isEmpty()) {
      throw new IllegalStateException("the factory of ingestable '" + id + "' widened the request to no table");
    }
    Instant now = log.settings().clock().instant();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    long number = log.await(new Command.RequestIngestSnapshot(id, recorded, micros));
    return new SnapshotRequest(number, recorded, Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
  }
}
