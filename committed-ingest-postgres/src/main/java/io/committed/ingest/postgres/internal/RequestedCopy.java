package io.committed.ingest.postgres.internal;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.sql.internal.OpenRequests;
import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.StaleKeys;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import io.committed.spi.IngestContext;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot requests while streaming: the requested tables' topics are copied again, whole, and
 * reconciled with their tables, while the stream goes on.
 *
 * <p>The copy reads in the exported snapshot of a temporary replication slot: exactly the
 * transactions that committed before the slot's consistent point C. Its rows are written only
 * once the stream has passed C (a transaction this emits right after C makes sure one comes),
 * so no older change of the stream follows them; a row whose key the stream changed at or after
 * C is skipped (the log has the newer change). When a topic's tables are copied, every key of the
 * topic live in the log that the copy did not write and the stream did not change since C is one
 * the tables no longer have, and is deleted. All of it runs on the stream's thread, between
 * source transactions, a chunk at a time.
 *
 * <p>The topics stay in {@link ResumeState#reconcile} until their deletes are committed: a run
 * that stops before copies them again from the first row, in a new snapshot.
 */
final class RequestedCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestedCopy.class);
  private static final long REQUEST_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final IngestContext ctx;
  private final PgSettings settings;
  private final Snapshotter snapshotter;
  private final Connections connections;
  private final Connection side;
  private final Pipeline pipeline;
  private final Runnable keepAlive;
  /** Per topic being reconciled: the keys the copy wrote or the stream changed since C. */
  private final Map<String, StaleKeys> kept = new HashMap<>();
  /** Per topic being reconciled: the keys the stream changed at or after C (their copied rows are older). */
  private final Map<String, Set<ByteBuffer>> changed = new HashMap<>();
  private final List<TableName> queue = new ArrayList<>();
  private Connection snapshot;
  private long consistentPoint;
  private Snapshotter.ChunkReader reader;
  private List<String> after;
  private long rows;
  private long tombstones;
  private long lastRequestCheck;
  private String detail = "";

  /** @param keepAlive answers the server while the stream waits for the log */
  RequestedCopy(IngestContext ctx, PgSettings settings, Snapshotter snapshotter, Connections connections,
      Connection side, Pipeline pipeline, Runnable keepAlive) {
    this.keepAlive = keepAlive;
    this.ctx = ctx;
    this.settings = settings;
    this.snapshotter = snapshotter;
    this.connections = connections;
    this.side = side;
    this.pipeline = pipeline;
  }

  /** An entity of a streamed transaction that commits at {@code commitLsn}. */
  void streamed(Entity e, long commitLsn) {
    if (snapshot == null || commitLsn < consistentPoint) {
      return; // in the copy's snapshot (or before a copy starts): the copied row is as new
    }
    Set<ByteBuffer> keys = changed.get(e.typeId());
    if (keys != null) {
      byte[] key = e.key();
      keys.add(ByteBuffer.wrap(key));
      kept.get(e.typeId()).copied(key);
    }
  }

  /**
   * Between source transactions: takes new snapshot requests (checked at most twice a second),
   * starts a copy, copies a chunk once the stream has passed the copy's snapshot, deletes the
   * stale keys of a topic whose tables are copied.
   *
   * @param streamedCommitLsn the commit LSN of the last transaction the stream handled
   * @return the state, with requests taken and topics reconciled
   */
  ResumeState step(ResumeState state, long streamedCommitLsn) throws SQLException {
    ResumeState s = take(state);
    if (s.reconcile().isEmpty()) {
      return s;
    }
    if (snapshot == null) {
      return start(s);
    }
    if (streamedCommitLsn < consistentPoint) {
      return s; // the stream still brings changes the snapshot has: rows written now could be followed by older ones
    }
    TableName table = queue.get(0);
    String topic = settings.topicOf(table).orElseThrow().topic();
    if (reader == null) {
      reader = snapshotter.new ChunkReader(snapshot, table);
      after = null;
    }
    Snapshotter.Chunk chunk = reader.read(after);
    List<Entity> write = new ArrayList<>(chunk.rows().size());
    Set<ByteBuffer> newer = changed.get(topic);
    StaleKeys keys = kept.get(topic);
    for (Entity e : chunk.rows()) {
      byte[] key = e.key();
      if (!newer.contains(ByteBuffer.wrap(key))) {
        write.add(e);
        keys.copied(key);
      }
    }
    rows += write.size();
    if (!write.isEmpty()) {
      Proposal p = new Proposal(write);
      pipeline.add(0, p.payloadBytes(), ctx.propose(p, s.position(0)));
    }
    after = chunk.lastKey();
    detail = "copying " + table + " again for snapshot request " + s.request() + ": " + rows + " rows so far";
    if (chunk.last()) {
      reader.close();
      reader = null;
      queue.remove(0);
      if (queue.stream().noneMatch(t -> settings.topicOf(t).orElseThrow().topic().equals(topic))) {
        s = deleteStale(topic, s);
      }
      if (queue.isEmpty()) {
        finish();
        detail = "snapshot request " + s.request() + " done: " + rows + " rows copied again, " + tombstones
            + " keys deleted that the tables no longer have";
        LOG.info("ingestable '{}': {}", ctx.ingestableId(), detail);
      }
    }
    return s;
  }

  /** Whether a copy is under way. */
  boolean copying() {
    return snapshot != null;
  }

  /** What the status says about requests and copies. */
  String detail() {
    return detail;
  }

  /** The requests above the last one taken: their tables' topics join {@link ResumeState#reconcile}. */
  private ResumeState take(ResumeState state) {
    if (snapshot != null || System.nanoTime() - lastRequestCheck < REQUEST_CHECK_NANOS) {
      return state;
    }
    lastRequestCheck = System.nanoTime();
    Optional<OpenRequests> open = OpenRequests.above(ctx, settings.topics(), state.request());
    if (open.isEmpty()) {
      return state;
    }
    long number = open.get().number();
    List<String> topics = open.get().topics();
    if (open.get().namesUncaptured()) {
      LOG.warn("ingestable '{}': snapshot request {} names tables its config no longer captures ({}); copying the"
          + " topics of {}", ctx.ingestableId(), number, open.get().named(), open.get().tables());
    }
    ResumeState taken = state.withRequest(number, topics);
    pipeline.add(0, 0, ctx.commitPosition(taken.position(0)));
    LOG.info("ingestable '{}': took snapshot request {}: copying the tables of {} again while streaming",
        ctx.ingestableId(), number, taken.reconcile());
    return taken;
  }

  /**
   * A temporary slot exports the snapshot the copy reads in; a transaction committed right after
   * its consistent point makes the stream pass it even when nothing else is written.
   */
  private ResumeState start(ResumeState state) throws SQLException {
    ResumeState s = state;
    for (String topic : state.reconcile()) {
      if (settings.topics().stream().noneMatch(t -> t.topic().equals(topic))) {
        LOG.warn("ingestable '{}': topic '{}' is no longer in its config: it is not copied again", ctx.ingestableId(),
            topic);
        s = s.reconciled(topic);
      }
    }
    if (s.reconcile().isEmpty()) {
      pipeline.add(0, 0, ctx.commitPosition(s.position(0)));
      return s;
    }
    String name = tempSlotName();
    try (Connection replication = connections.openReplication()) {
      ReplicationSlotInfo slot = Slots.createTemporary(replication, name);
      consistentPoint = slot.getConsistentPoint().asLong();
      snapshot = connections.open();
      PostgresIngestable.begin(snapshot, slot.getSnapshotName()); // imported: the slot may go with its connection
    } catch (SQLException | RuntimeException e) {
      if (snapshot != null) {
        snapshot.close();
        snapshot = null;
      }
      throw e;
    }
    try (PreparedStatement emit = side.prepareStatement("select pg_logical_emit_message(true, ?, ?)")) {
      emit.setString(1, Streamer.HEARTBEAT_PREFIX);
      emit.setString(2, state.slot());
      emit.execute();
    }
    queue.clear();
    kept.clear();
    changed.clear();
    for (TopicSpec topic : settings.topics()) {
      if (s.reconcile().contains(topic.topic())) {
        queue.addAll(topic.tables());
        kept.put(topic.topic(), new StaleKeys(topic.topic(), settings.batchSize()));
        changed.put(topic.topic(), new HashSet<>());
      }
    }
    rows = 0;
    LOG.info("ingestable '{}': copying {} again in the snapshot of temporary slot {} at {}", ctx.ingestableId(),
        queue, name, Slots.lsn(consistentPoint));
    detail = "copying " + queue + " again for snapshot request " + s.request() + ": waiting for the stream to"
        + " reach " + Slots.lsn(consistentPoint);
    return s;
  }

  private String tempSlotName() {
    String suffix = "_copy_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    String base = settings.slot();
    return (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
  }

  /**
   * The copy of {@code topic}'s tables is committed up to here: every key of the topic live in the
   * log that the copy did not write and the stream did not change since C is deleted. No change of
   * the stream comes between the scan and the deletes (both on the stream's thread).
   */
  private ResumeState deleteStale(String topic, ResumeState state) {
    pipeline.awaitAll(keepAlive, 1000); // the scan sees everything proposed before it
    StaleKeys keys = kept.remove(topic);
    changed.remove(topic);
    ResumeState done = state.reconciled(topic);
    tombstones += keys.deleteStale(ctx, pipeline, n -> state.position(0), n -> done.position(0), keepAlive);
    LOG.info("ingestable '{}': topic '{}' copied again ({} keys) and reconciled: {} keys its tables no longer have"
        + " deleted", ctx.ingestableId(), topic, keys.copiedCount(), keys.stale());
    return done;
  }

  private void finish() throws SQLException {
    Connection c = snapshot;
    snapshot = null;
    if (c != null) {
      try {
        c.commit();
      } finally {
        c.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      if (reader != null) {
        reader.close();
      }
      if (snapshot != null) {
        snapshot.close();
      }
    } catch (SQLException e) {
      LOG.debug("closing the copy of '{}' failed: {}", ctx.ingestableId(), e.toString());
    }
    reader = null;
    snapshot = null;
  }
}
