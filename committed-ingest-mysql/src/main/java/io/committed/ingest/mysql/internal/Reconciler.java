package io.committed.ingest.mysql.internal;

import io.committed.api.Entity;
import io.committed.ingest.sql.internal.OpenRequests;
import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.StaleKeys;
import io.committed.ingest.sql.internal.TableName;
import io.committed.spi.IngestContext;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot requests and the reconciling of topics with their tables: takes the requests above the
 * last one taken (their tables are then copied again by {@link ChunkedSnapshot}), remembers every
 * key of a topic being reconciled that the copy wrote or the stream changed, and once the topic's
 * tables are copied deletes the keys live in the log that it does not remember.
 *
 * <p>Used by the ingest thread only, from {@link Streamer}; the state it returns replaces the
 * streamer's.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final long REQUEST_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final IngestContext ctx;
  private final MySqlSettings settings;
  private final Pipeline pipeline;
  /** The topics being reconciled: the keys copied, or changed by the stream, since their copy began. */
  private final Map<String, StaleKeys> reconciling = new HashMap<>();
  private long tombstones;
  private long lastRequestCheck;

  Reconciler(IngestContext ctx, MySqlSettings settings, Pipeline pipeline, ResumeState state) {
    this.ctx = ctx;
    this.settings = settings;
    this.pipeline = pipeline;
    state.reconcile().forEach(t -> reconciling.put(t, new StaleKeys(t, settings.batchSize())));
  }

  /** An entity of a transaction being read, copied or streamed: a key of a reconciled topic the tables have. */
  void touched(Entity entity) {
    StaleKeys keys = reconciling.get(entity.typeId());
    if (keys != null) {
      keys.copied(entity.key());
    }
  }

  /**
   * Takes the snapshot requests above the one last taken, when no copy runs (checked at most twice
   * a second; call between source transactions): their tables (widened to whole topics when
   * recorded) are copied again while streaming, and their topics reconciled. The new state is
   * committed before the copy starts.
   *
   * @return the state with the requests taken, or {@code state} when there were none
   */
  ResumeState take(ResumeState state, ChunkedSnapshot snapshot) throws SQLException {
    if (snapshot.active() || System.nanoTime() - lastRequestCheck < REQUEST_CHECK_NANOS) {
      return state;
    }
    lastRequestCheck = System.nanoTime();
    Optional<OpenRequests> open = OpenRequests.above(ctx, settings.topics(), state.request());
    if (open.isEmpty()) {
      return state;
    }
    List<TableName> again = open.get().tables();
    List<String> topics = open.get().topics();
    long number = open.get().number();
    if (open.get().namesUncaptured()) {
      LOG.warn("ingestable '{}': snapshot request {} names tables its config no longer captures; copying {}",
          ctx.ingestableId(), number, again);
    }
    if (!again.isEmpty()) {
      snapshot.ensureMarks();
    }
    ResumeState taken = state.copyAgain(again, topics, number);
    topics.forEach(t -> reconciling.putIfAbsent(t, new StaleKeys(t, settings.batchSize())));
    pipeline.add(0, 0, ctx.commitPosition(taken.position(false)));
    LOG.info("ingestable '{}': took snapshot request {}: copying {} again while streaming", ctx.ingestableId(),
        number, again);
    if (!again.isEmpty()) {
      snapshot.copyAgain(again);
    }
    return taken;
  }

  /**
   * After a chunk of the copy is committed: each reconciled topic whose tables are all copied now
   * has its stale keys deleted.
   */
  ResumeState afterChunk(ResumeState state) {
    ResumeState s = state;
    for (String topic : new ArrayList<>(state.reconcile())) {
      ResumeState current = s;
      if (settings.topics().stream().filter(t -> t.topic().equals(topic)).flatMap(t -> t.tables().stream())
          .allMatch(t -> current.done().contains(t.toString()))) {
        s = deleteStale(topic, s);
      }
    }
    return s;
  }

  /** What the status says: requests taken, keys deleted. */
  String detail(ResumeState state) {
    return (state.request() > 0 ? "; snapshot requests taken up to " + state.request() : "")
        + (tombstones > 0 ? "; " + tombstones + " keys deleted that the tables no longer have" : "");
  }

  /**
   * The copy of {@code topic}'s tables is done: every key of the topic live in the log that the copy
   * did not write and the stream did not change since the copy began is one the tables no longer
   * have, and is deleted. Runs on the stream's thread, so no change of the stream comes between the
   * scan and the deletes. The topic stays in {@link ResumeState#reconcile} until the last batch, so
   * a run that stops before copies the topic's tables and scans again (deletes are idempotent).
   */
  private ResumeState deleteStale(String topic, ResumeState state) {
    StaleKeys keys = reconciling.remove(topic);
    if (keys == null) {
      keys = new StaleKeys(topic, settings.batchSize()); // unreachable: every reconciled topic has its keys
    }
    LOG.info("ingestable '{}': copy of topic '{}' done ({} keys); deleting the keys its tables no longer have",
        ctx.ingestableId(), topic, keys.copiedCount());
    ResumeState done = state.reconciled(topic);
    tombstones += keys.deleteStale(ctx, pipeline, n -> state.position(false), n -> done.position(false), () -> { });
    LOG.info("ingestable '{}': topic '{}' reconciled: {} keys its tables no longer have deleted", ctx.ingestableId(),
        topic, keys.stale());
    return done;
  }
}
