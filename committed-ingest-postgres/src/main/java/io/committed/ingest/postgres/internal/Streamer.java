package io.committed.ingest.postgres.internal;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.postgres.internal.PgOutput.Message;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.SchemaPublisher;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams committed transactions from the slot: one source transaction becomes one proposal whose
 * position is the commit's end LSN; the LSN is acknowledged to PostgreSQL once that proposal and
 * all before it are committed. Transactions that produce no entities (other tables, heartbeats)
 * commit only a position, coalesced to at most one a second while busy.
 */
final class Streamer {
  private static final Logger LOG = LoggerFactory.getLogger(Streamer.class);
  static final String HEARTBEAT_PREFIX = "committed.heartbeat";
  private static final long EMPTY_COMMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long ACK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long COPY_REPORT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final IngestContext ctx;
  private final PgSettings settings;
  private final Map<TableName, TableInfo> tables;
  private final Catalog catalog;
  private final Connection side;
  private final Pipeline pipeline;
  private final Map<Integer, RowEncoder<Column>> encoders = new HashMap<>();
  private final Map<Integer, Outbox.Encoder<Column>> outboxes = new HashMap<>();
  private final Map<TableName, PreparedStatement> refetch = new HashMap<>();
  private ResumeState state;
  private PGReplicationStream stream;
  private final RequestedCopy copy;
  private final SchemaPublisher schemas;
  /** The commit LSN of the transaction being read, and of the last one read. */
  private long txnCommitLsn;
  private long lastCommitLsn;

  private List<Entity> txn;
  private long txnBytes;
  private long pendingEmptyLsn;
  private long lastEmptyCommit;
  private long ackedLsn;
  private long lastAck;
  private boolean ackUnsent;
  private long lastActivity;
  private long lastHeartbeat;
  private long lastHealth;
  private long lastReport;
  private long lagBytes = -1;
  private String slotDetail = "";
  private boolean warnedUnreserved;
  private long skipped;

  Streamer(IngestContext ctx, PgSettings settings, Map<TableName, TableInfo> tables, Catalog catalog, Connection side,
      Pipeline pipeline, ResumeState state, Connections connections, SchemaPublisher schemas) {
    this.schemas = schemas;
    this.ctx = ctx;
    this.settings = settings;
    this.tables = tables;
    this.catalog = catalog;
    this.side = side;
    this.pipeline = pipeline;
    this.state = state;
    this.copy = new RequestedCopy(ctx, settings, new Snapshotter(ctx, settings, tables, catalog, pipeline),
        connections, side, pipeline, this::keepAlive);
  }

  /** Streams until asked to stop; throws when the stream, the slot or a proposal fails. */
  void run(Connection replication) throws SQLException {
    long start = state.lsn();
    ackedLsn = start;
    stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
        .withSlotName(state.slot())
        .withStartPosition(LogSequenceNumber.valueOf(start))
        .withSlotOption("proto_version", "1")
        .withSlotOption("publication_names", settings.publication())
        .withSlotOption("messages", "true")
        .withStatusInterval((int) Math.max(1, settings.statusInterval().toMillis()), TimeUnit.MILLISECONDS)
        .withAutomaticFlush(false)
        .start();
    LOG.info("ingestable '{}' streams slot {} from {}", ctx.ingestableId(), state.slot(), Slots.lsn(start));
    long now = System.nanoTime();
    lastActivity = now;
    lastHeartbeat = now;
    lastHealth = now - settings.statusInterval().toNanos();
    int idleSpins = 0;
    try {
      while (!ctx.stopRequested()) {
        ByteBuffer buffer = stream.readPending();
        if (buffer == null) {
          idle();
          // nothing from the server: look again soon, or as soon as a commit lets us acknowledge
          pipeline.awaitProgress(idleSpins++ < 50 ? 200_000 : 2_000_000);
          continue;
        }
        idleSpins = 0;
        Message m = PgOutput.decode(buffer);
        handle(m);
        if (m instanceof PgOutput.Commit) {
          copyStep(); // between source transactions
        }
        if (pipeline.full()) {
          pipeline.awaitRoom(this::keepAlive, Math.max(1000, settings.statusInterval().toMillis() / 2));
        }
        pipeline.drain();
        acknowledge(false);
        if (System.nanoTime() - lastHealth >= settings.statusInterval().toNanos()) {
          lastHealth = System.nanoTime(); // busy streams report too
          health();
        }
      }
    } catch (Pipeline.Stopped e) {
      // asked to stop while waiting for the log
    } finally {
      try {
        pipeline.drain();
        acknowledge(true);
      } catch (RuntimeException | SQLException e) {
        LOG.debug("final acknowledgement of '{}' failed: {}", ctx.ingestableId(), e.toString());
      }
      copy.close();
      refetch.values().forEach(s -> {
        try {
          s.close();
        } catch (SQLException e) {
          // closing
        }
      });
      if (skipped > 0) {
        LOG.info("ingestable '{}' skipped {} transactions redelivered from before its committed position",
            ctx.ingestableId(), skipped);
      }
    }
  }

  private void handle(Message m) throws SQLException {
    if (m instanceof PgOutput.Begin b) {
      txn = new ArrayList<>();
      txnBytes = 0;
      txnCommitLsn = b.finalLsn();
    } else if (m instanceof PgOutput.Commit c) {
      lastCommitLsn = c.commitLsn();
      commit(c.endLsn());
    } else if (m instanceof PgOutput.Relation r) {
      relation(r);
    } else if (m instanceof PgOutput.Insert i) {
      RowEncoder<Column> e = encoders.get(i.relationOid());
      Outbox.Encoder<Column> o = outboxes.get(i.relationOid());
      if (o != null) {
        add(PgRows.outbox(o, i.row())); // only inserts of an outbox count: its updates and deletes are ignored
      } else if (e != null) {
        add(Entity.upsert(e.topic(), PgRows.key(e, i.row()), PgRows.data(e, i.row())));
      }
    } else if (m instanceof PgOutput.Update u) {
      update(u);
    } else if (m instanceof PgOutput.Delete d) {
      RowEncoder<Column> e = encoders.get(d.relationOid());
      if (e != null) {
        add(Entity.delete(e.topic(), PgRows.key(e, d.old())));
      }
    } else if (m instanceof PgOutput.Truncate t) {
      for (int oid : t.relationOids()) {
        RowEncoder<Column> e = encoders.get(oid);
        if (e != null) {
          LOG.warn("ingestable '{}': TRUNCATE of {} is not propagated to topic '{}' (its rows stay in the log and in"
              + " syncables)", ctx.ingestableId(), e.table(), e.topic());
        }
      }
    }
    // logical messages (heartbeats) and ignored messages add nothing: their transaction commits a position
  }

  private void relation(PgOutput.Relation r) throws SQLException {
    Optional<Outbox> outbox = settings.outboxOf(r.table());
    if (outbox.isPresent()) {
      outboxes.put(r.oid(), new Outbox.Encoder<>(outbox.get(), r.columns(), Column::name,
          c -> catalog.kindOf(c.typeOid())));
      return;
    }
    outboxes.remove(r.oid());
    TableInfo info = tables.get(r.table());
    Optional<TopicSpec> spec = settings.topicOf(r.table());
    if (info == null || spec.isEmpty()) {
      encoders.remove(r.oid()); // published, but not captured by this ingestable
      return;
    }
    encoders.put(r.oid(), PgRows.encoder(spec.get(), r.table(), r.columns(), info.keyColumns(), catalog::kindOf));
    if (schemas.enabled()) { // rows of the new shape follow
      schemas.shape(catalog.shape(r.table(), r.oid(), r.columns(), info.keyColumns()));
    }
    PreparedStatement old = refetch.remove(r.table()); // the shape may have changed
    if (old != null) {
      try {
        old.close();
      } catch (SQLException e) {
        // replaced
      }
    }
  }

  private void update(PgOutput.Update u) throws SQLException {
    RowEncoder<Column> e = encoders.get(u.relationOid());
    if (e == null) {
      return;
    }
    Tuple row = u.row();
    if (PgRows.lacksValues(e, row)) {
      row = fill(e, row, u.oldKind() == 'O' ? u.old() : null);
      if (row == null) {
        // the row is gone (deleted or re-keyed by a later transaction, which will say so): nothing to upsert
        if (u.old() != null && !Arrays.equals(PgRows.key(e, u.old()), PgRows.key(e, u.row()))) {
          add(Entity.delete(e.topic(), PgRows.key(e, u.old())));
        }
        return;
      }
    }
    byte[] key = PgRows.key(e, row);
    if (u.old() != null) {
      byte[] oldKey = PgRows.key(e, u.old());
      if (!Arrays.equals(oldKey, key)) {
        add(Entity.delete(e.topic(), oldKey)); // a key change: the old key is gone
      }
    }
    add(Entity.upsert(e.topic(), key, PgRows.data(e, row)));
  }

  /**
   * Fills unchanged TOASTed values: from the old row when the table has REPLICA IDENTITY FULL,
   * otherwise by reading the row again by key (its current value, possibly newer than this
   * transaction; later transactions bring it up to date). Null when the row no longer exists.
   */
  private Tuple fill(RowEncoder<Column> e, Tuple row, Tuple fullOld) throws SQLException {
    byte[] kinds = row.kinds().clone();
    String[] values = row.values().clone();
    boolean missing = false;
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == 'u') {
        if (fullOld != null && i < fullOld.size() && !fullOld.isUnchanged(i)) {
          kinds[i] = fullOld.kinds()[i];
          values[i] = fullOld.values()[i];
        } else {
          missing = true;
        }
      }
    }
    Tuple filled = new Tuple(kinds, values);
    if (!missing) {
      return filled;
    }
    PreparedStatement s = refetch.computeIfAbsent(e.table(), t -> prepareRefetch(e));
    List<String> key = PgRows.keyValues(e, filled);
    for (int i = 0; i < key.size(); i++) {
      s.setString(i + 1, key.get(i));
    }
    try (var r = s.executeQuery()) {
      if (!r.next()) {
        return null;
      }
      for (int i = 0; i < kinds.length; i++) {
        if (kinds[i] == 'u') {
          values[i] = r.getString(i + 1);
          kinds[i] = (byte) (values[i] == null ? 'n' : 't');
        }
      }
    }
    return new Tuple(kinds, values);
  }

  private PreparedStatement prepareRefetch(RowEncoder<Column> e) {
    TableInfo info = tables.get(e.table());
    StringBuilder q = new StringBuilder("select ");
    for (int i = 0; i < e.columns().size(); i++) {
      q.append(i == 0 ? "" : ", ").append(Sql.ident(e.columns().get(i).name()));
    }
    q.append(" from ").append(Sql.table(e.table())).append(" where ");
    int[] keys = e.keyIndexes();
    for (int k = 0; k < keys.length; k++) {
      String col = e.columns().get(keys[k]).name();
      q.append(k == 0 ? "" : " and ").append(Sql.ident(col)).append(" = cast(? as ").append(info.sqlType(col))
          .append(')');
    }
    try {
      return side.prepareStatement(q.toString());
    } catch (SQLException ex) {
      throw new IllegalStateException("cannot prepare the re-read of " + e.table() + ": " + ex.getMessage(), ex);
    }
  }

  private void add(Entity entity) {
    if (txn == null) {
      throw new IllegalStateException("pgoutput sent a change outside a transaction");
    }
    txn.add(entity);
    txnBytes += entity.keyLength() + entity.dataLength();
    copy.streamed(entity, txnCommitLsn);
  }

  private void commit(long endLsn) {
    List<Entity> entities = txn;
    txn = null;
    long now = System.nanoTime();
    lastActivity = now;
    if (endLsn <= state.lsn()) {
      skipped++; // already committed before this run: PostgreSQL redelivers after a restart
      return;
    }
    state = state.streamedTo(endLsn);
    if (entities == null || entities.isEmpty()) {
      pendingEmptyLsn = endLsn;
      if (now - lastEmptyCommit >= EMPTY_COMMIT_NANOS) {
        commitEmpty();
      }
      return;
    }
    pendingEmptyLsn = 0; // this transaction's position supersedes it
    Proposal p = Proposal.of(entities);
    pipeline.add(endLsn, txnBytes, ctx.propose(p, state.position(endLsn)));
  }

  private void commitEmpty() {
    if (pendingEmptyLsn == 0) {
      return;
    }
    long lsn = pendingEmptyLsn;
    pendingEmptyLsn = 0;
    lastEmptyCommit = System.nanoTime();
    pipeline.add(lsn, 0, ctx.commitPosition(state.streamedTo(lsn).position(lsn)));
  }

  private void idle() throws SQLException {
    copyStep();
    commitEmpty();
    pipeline.drain();
    acknowledge(false);
    long now = System.nanoTime();
    if (!settings.heartbeat().isZero() && now - lastActivity >= settings.heartbeat().toNanos()
        && now - lastHeartbeat >= settings.heartbeat().toNanos()) {
      lastHeartbeat = now;
      try (PreparedStatement s = side.prepareStatement("select pg_logical_emit_message(true, ?, ?)")) {
        s.setString(1, HEARTBEAT_PREFIX);
        s.setString(2, state.slot());
        s.execute();
      }
    }
    if (now - lastHealth >= settings.statusInterval().toNanos()) {
      lastHealth = now;
      health();
    }
  }

  /** Refreshes lag and slot health and publishes them. */
  private void health() throws SQLException {
    // not permanent: the next run looks at the slot and follows on_slot_lost
    Slots.SlotInfo slot = Slots.slot(side, state.slot()).orElseThrow(() -> new IllegalStateException(
        "replication slot " + state.slot() + " was dropped while streaming from it"));
    if (slot.walStatus().equals("lost")) {
      throw new IllegalStateException("replication slot " + state.slot() + " lost WAL it needs (wal_status = lost): the"
          + " changes in it are gone");
    }
    if (slot.walStatus().equals("unreserved") && !warnedUnreserved) {
      warnedUnreserved = true;
      LOG.warn("ingestable '{}': replication slot {} is about to lose WAL (wal_status = unreserved, lag {} bytes)",
          ctx.ingestableId(), state.slot(), slot.lagBytes());
    }
    lagBytes = slot.lagBytes();
    slotDetail = "slot " + state.slot() + " wal_status=" + slot.walStatus()
        + (slot.safeWalSize() >= 0 ? " safe_wal_size=" + slot.safeWalSize() : "")
        + " confirmed=" + Slots.lsn(slot.confirmedFlushLsn()) + " committed=" + Slots.lsn(ackedLsn)
        + (state.generation() > 1 ? " generation=" + state.generation() + " (its re-snapshot deleted "
            + state.tombstones() + " keys the tables no longer had)" : "");
    report();
  }

  private void report() {
    lastReport = System.nanoTime();
    String detail = copy.detail().isEmpty() ? slotDetail : slotDetail + "; " + copy.detail();
    ctx.reportStatus(new IngestStatus(ResumeState.STREAMING, java.util.OptionalLong.empty(), java.util.OptionalLong.empty(),
        lagBytes < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(lagBytes), "bytes", detail));
  }

  /** Between source transactions: the requested copy's next step, its progress reported while it copies. */
  private void copyStep() throws SQLException {
    state = copy.step(state, lastCommitLsn);
    if (copy.copying() && System.nanoTime() - lastReport >= COPY_REPORT_NANOS) {
      report();
    }
  }

  /** Answers the server while waiting for the log, so that it does not time the connection out. */
  private void keepAlive() {
    try {
      acknowledge(true);
    } catch (SQLException e) {
      throw new IllegalStateException("replication connection failed: " + e.getMessage(), e);
    }
  }

  private void acknowledge(boolean force) throws SQLException {
    long committed = pipeline.committedLsn();
    long now = System.nanoTime();
    if (committed > ackedLsn) {
      ackedLsn = committed;
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(committed);
      stream.setFlushedLSN(lsn);
      stream.setAppliedLSN(lsn);
      ackUnsent = true;
    }
    if ((force || (ackUnsent && now - lastAck >= ACK_NANOS)) && !stream.isClosed()) {
      lastAck = now;
      ackUnsent = false;
      stream.forceUpdateStatus();
    }
  }
}
