package io.committed.internal;

import io.committed.LogObserver;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.internal.ingest.IngestHost;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.SyncHost;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the log gives its sync and ingest workers: the state to read, the write and read paths. */
final class LogHost implements SyncHost, IngestHost {
  private final LogSettings settings;
  private final EventLog events;
  private final StateView state;
  private final ConfigReader configs;
  private final ProposalPipeline pipeline;
  private final LogEntries entries;
  /** Set once the log's validator exists (it needs the host's reader). */
  private volatile TypePublisher types;

  LogHost(LogSettings settings, EventLog events, StateView state, ConfigReader configs, ProposalPipeline pipeline,
      LogEntries entries) {
    this.settings = settings;
    this.events = events;
    this.state = state;
    this.configs = configs;
    this.pipeline = pipeline;
    this.entries = entries;
  }

  @Override
  public EventLog events() {
    return events;
  }

  @Override
  public StateView.SyncPosition position(String syncableId) {
    return state.syncPosition(syncableId);
  }

  @Override
  public StateView state() {
    return state;
  }

  @Override
  public ConfigReader configs() {
    return configs;
  }

  @Override
  public List<LogEntry> read(long fromIndex, int maxEntries) {
    return entries.read(fromIndex, maxEntries);
  }

  @Override
  public long lastIndex() {
    return state.lastIndex();
  }

  @Override
  public List<byte[]> prepareParts(Proposal proposal, int reserve) {
    return pipeline.prepareParts(proposal, reserve);
  }

  @Override
  public CompletableFuture<ApplyResult> submit(Command command) {
    return pipeline.submit(command);
  }

  void types(TypePublisher publisher) {
    this.types = publisher;
  }

  @Override
  public java.util.OptionalInt publishSchema(String ingestableId, String typeId, String jsonSchema) {
    return types.publish(ingestableId, typeId, jsonSchema);
  }

  @Override
  public Clock clock() {
    return settings.clock();
  }

  @Override
  public LogObserver observer() {
    return settings.observer();
  }
}
