package io.committed.internal;

import io.committed.ConfigKind;
import io.committed.internal.ingest.IngestManager;
import io.committed.internal.state.StateMachine;
import io.committed.internal.sync.SyncManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's sync and ingest workers, told by the state machine (on its apply thread) what
 * changed, the readers' head signal and the key-value views.
 */
final class Workers implements StateMachine.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final LogSettings settings;
  private final HeadSignal signal;
  private final SyncManager syncs;
  private final IngestManager ingests;
  private final KeyValueViews kv;
  private final io.committed.engine.LogEngine engine;

  Workers(LogSettings settings, HeadSignal signal, SyncManager syncs, IngestManager ingests, KeyValueViews kv,
      io.committed.engine.LogEngine engine) {
    this.engine = engine;
    this.settings = settings;
    this.signal = signal;
    this.syncs = syncs;
    this.ingests = ingests;
    this.kv = kv;
  }

  /**
   * Waits until the workers reflect every config change applied so far on this node (bounded by
   * the operation timeout; a slow worker stop is logged, not thrown).
   */
  void settle() {
    try {
      CompletableFuture.allOf(syncs.barrier(), ingests.barrier())
          .get(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("workers of log '{}' did not settle within {}", settings.groupId(), settings.operationTimeout());
    }
  }

  /** Stops ingest first (it proposes), then sync. */
  void close() {
    ingests.close();
    syncs.close();
  }

  @Override
  public void appended(long lastIndex) {
    settings.observer().entryApplied(lastIndex);
    signal.advanced();
    kv.advanced();
    syncs.appended();
  }

  @Override
  public void configChanged(ConfigKind kind, String id) {
    syncs.configChanged(kind, id);
    ingests.configChanged(kind, id);
    if (kind == ConfigKind.TYPE) {
      kv.typesChanged();
    }
  }

  @Override
  public void syncableReset(String syncableId) {
    syncs.syncableReset(syncableId);
  }

  @Override
  public void syncCheckpointed(String syncableId) {
    syncs.checkpointed(syncableId);
  }

  @Override
  public void ingestChanged(String ingestableId) {
    ingests.ingestChanged(ingestableId);
  }

  @Override
  public void leadershipChanged(boolean leader) {
    LOG.info("node {} {} leader of log '{}'", settings.nodeId(), leader ? "became" : "is no longer",
        settings.groupId());
    settings.observer().leadershipChanged(leader);
    syncs.leadershipChanged(leader);
    ingests.leadershipChanged(leader);
  }

  @Override
  public void scrubbed(long engineIndex) {
    engine.forgetCommandsThrough(engineIndex);
  }

  @Override
  public void restored() {
    signal.advanced();
    kv.typesChanged();
    syncs.restored();
    ingests.restored();
  }
}
