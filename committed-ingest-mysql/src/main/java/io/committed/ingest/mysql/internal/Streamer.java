package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.TableName;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the binary log: one source transaction (from its GTID or {@code BEGIN} to its
 * {@code XID} or {@code COMMIT}; a DDL statement on its own) becomes one proposal whose position is
 * the coordinates after it, with its GTID position. Transactions already committed to the log are
 * dropped here (by GTID, or by sequence without GTIDs) and again by the log's high-water mark.
 * Transactions that produce no entities commit only a position, coalesced to at most one a second.
 */
final class Streamer {
  private static final Logger LOG = LoggerFactory.getLogger(Streamer.class);
  private static final long EMPTY_COMMIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final IngestContext ctx;
  private final MySqlSettings settings;
  private final Tables tables;
  private final ServerInfo server;
  private final Pipeline pipeline;
  private final ChunkedSnapshot snapshot;
  private final Watermarks marks;
  private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
  private final Map<Long, RowEncoder<ColumnInfo>> encoders = new HashMap<>();
  private final OutboxRows outboxes;
  private ResumeState state;
  private MariaGtids mariaGtids;
  private MySqlGtidSet mysqlGtids;
  private long lastSequence;

  private String file;
  private boolean inTxn;
  /** In a transaction that ends with XID or COMMIT (MariaDB's non-standalone GTID, or a BEGIN). */
  private boolean explicit;
  private MariaGtids.Gtid mariaGtid;
  private String mysqlUuid;
  private long mysqlNumber;
  private List<Entity> txn = new ArrayList<>();
  /** The snapshot's progress to apply to the state of the transaction being read (it holds a chunk). */
  private UnaryOperator<ResumeState> progress;
  private long txnBytes;
  private ResumeState pendingEmpty;
  private long lastEmptyCommit;
  private long lagSeconds = -1;
  private long lastStatus;
  private long skipped;
  private long truncates;
  private String lastTruncate;
  private boolean connected;
  private final Reconciler reconciler;
  private long lastBacklogCheck = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private OptionalLong bytesBehind = OptionalLong.empty();

  Streamer(IngestContext ctx, MySqlSettings settings, Tables tables, ServerInfo server, Pipeline pipeline,
      ResumeState state, ChunkedSnapshot snapshot, Watermarks marks) {
    this.ctx = ctx;
    this.snapshot = snapshot;
    this.marks = marks;
    this.settings = settings;
    this.tables = tables;
    this.outboxes = new OutboxRows(settings, tables);
    this.server = server;
    this.pipeline = pipeline;
    this.state = state;
    this.file = state.file();
    this.lastSequence = state.sequence();
    this.reconciler = new Reconciler(ctx, settings, pipeline, state);
    mariaGtids = settings.dialect() == Dialect.MARIADB ? MariaGtids.parse(state.gtids()) : MariaGtids.empty();
    mysqlGtids = settings.dialect() == Dialect.MYSQL ? MySqlGtidSet.parse(state.gtids()) : MySqlGtidSet.empty();
  }

  /** Where the client starts: by GTID where the server has them and a GTID position is known. */
  String startGtids() {
    return server.gtids() && !state.gtids().isEmpty() ? state.gtids() : null;
  }

  /** Streams until asked to stop; throws when the stream or a proposal fails. */
  void run(BinlogStream stream) throws SQLException, InterruptedException {
    LOG.info("ingestable '{}' streams the binlog of {} from {}:{}{}", ctx.ingestableId(), settings.address(),
        state.file(), state.pos(), startGtids() == null ? "" : " (GTID " + startGtids() + ")");
    stream.start();
    try {
      while (!ctx.stopRequested()) {
        Object item = stream.poll(200, TimeUnit.MILLISECONDS);
        if (item == null) {
          idle();
          continue;
        }
        if (item instanceof BinlogStream.Connected) {
          connected = true;
          report();
        } else if (item instanceof BinlogStream.Ended end) {
          throw StreamEnds.ended(end.cause(), settings, state);
        } else {
          handle((Event) item);
          if (pipeline.full()) {
            pipeline.awaitRoom(() -> { }, 1000);
          }
          pipeline.drain();
        }
        copyStep(false);
        if (System.nanoTime() - lastStatus >= settings.statusInterval().toNanos()) {
          report();
        }
      }
    } catch (Pipeline.Stopped e) {
      // asked to stop while waiting for the log
    } finally {
      if (skipped > 0) {
        LOG.info("ingestable '{}' skipped {} transactions redelivered from before its committed position",
            ctx.ingestableId(), skipped);
      }
    }
  }

  private void handle(Event event) {
    EventHeaderV4 h = event.getHeader();
    EventType type = h.getEventType();
    switch (type) {
      case ROTATE -> file = ((RotateEventData) event.getData()).getBinlogFilename();
      case MARIADB_GTID -> {
        MariadbGtidEventData g = event.getData();
        begin();
        mariaGtid = new MariaGtids.Gtid(g.getDomainId(), g.getServerId(), g.getSequence());
        explicit = (g.getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
      }
      case GTID -> {
        GtidEventData g = event.getData();
        begin();
        mysqlUuid = g.getMySqlGtid().getServerId().toString();
        mysqlNumber = g.getMySqlGtid().getTransactionId();
      }
      case ANONYMOUS_GTID -> begin();
      case QUERY -> query(event.getData(), h);
      case TABLE_MAP -> {
        TableMapEventData m = event.getData();
        tableMaps.put(m.getTableId(), m);
      }
      case WRITE_ROWS, EXT_WRITE_ROWS -> {
        WriteRowsEventData d = event.getData();
        int mark = markColumn(d.getTableId());
        if (mark >= 0) {
          d.getRows().forEach(row -> watermark(row, mark));
          break;
        }
        if (outboxes.isOutbox(tableMaps.get(d.getTableId()))) { // only inserts of an outbox count
          outboxes.inserted(d.getTableId(), tableMaps.get(d.getTableId()), d.getIncludedColumns(), d.getRows())
              .forEach(this::addRouted);
          break;
        }
        RowEncoder<ColumnInfo> e = encoder(d.getTableId());
        if (e != null) {
          for (Serializable[] row : d.getRows()) {
            String[] r = texts(e, d.getIncludedColumns(), row);
            add(e, Entity.upsert(e.topic(), e.key(r), e.data(r)));
          }
        }
      }
      case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
        UpdateRowsEventData d = event.getData();
        int mark = markColumn(d.getTableId());
        if (mark >= 0) {
          d.getRows().forEach(row -> watermark(row.getValue(), mark));
          break;
        }
        RowEncoder<ColumnInfo> e = encoder(d.getTableId());
        if (e != null) {
          for (Map.Entry<Serializable[], Serializable[]> row : d.getRows()) {
            String[] before = texts(e, d.getIncludedColumnsBeforeUpdate(), row.getKey());
            String[] after = texts(e, d.getIncludedColumns(), row.getValue());
            byte[] oldKey = e.key(before);
            byte[] key = e.key(after);
            if (!Arrays.equals(oldKey, key)) {
              add(e, Entity.delete(e.topic(), oldKey)); // a key change: the old key is gone
            }
            add(e, Entity.upsert(e.topic(), key, e.data(after)));
          }
        }
      }
      case DELETE_ROWS, EXT_DELETE_ROWS -> {
        DeleteRowsEventData d = event.getData();
        RowEncoder<ColumnInfo> e = encoder(d.getTableId());
        if (e != null) {
          for (Serializable[] row : d.getRows()) {
            add(e, Entity.delete(e.topic(), e.key(texts(e, d.getIncludedColumns(), row))));
          }
        }
      }
      case XID -> commit(h);
      case HEARTBEAT -> lagSeconds = 0;
      default -> {
        // format description, GTID lists, checkpoints, annotations: nothing to capture
      }
    }
    if (h.getTimestamp() > 0 && type != EventType.HEARTBEAT) {
      lagSeconds = Math.max(0, (System.currentTimeMillis() - h.getTimestamp()) / 1000);
    }
  }

  private void begin() {
    inTxn = true;
    explicit = false;
    mariaGtid = null;
    mysqlUuid = null;
    txn = new ArrayList<>();
    txnBytes = 0;
    progress = null;
  }

  private void query(QueryEventData q, EventHeaderV4 h) {
    String sql = q.getSql().trim();
    String upper = sql.length() > 16 ? sql.substring(0, 16).toUpperCase(Locale.ROOT) : sql.toUpperCase(Locale.ROOT);
    if (upper.equals("BEGIN")) {
      if (!inTxn) {
        begin();
      }
      explicit = true;
      return;
    }
    if (upper.equals("COMMIT") || upper.equals("ROLLBACK")) {
      commit(h);
      return;
    }
    if (inTxn && explicit) {
      return; // SAVEPOINT, ROLLBACK TO, or a statement inside a transaction: its rows come as row events
    }
    // a statement of its own (DDL): its transaction ends here; the table maps that follow describe the new shape
    if (!inTxn) {
      begin();
    }
    TableName truncated = TruncateStatement.table(sql, q.getDatabase());
    if (truncated != null && settings.topicOf(truncated).isPresent()) {
      truncates++;
      lastTruncate = "TRUNCATE of " + truncated + " at " + file + ":" + h.getPosition() + " not propagated to topic '"
          + settings.topicOf(truncated).orElseThrow().topic() + "' (its rows stay in the log and in syncables)";
      LOG.warn("ingestable '{}': {}", ctx.ingestableId(), lastTruncate);
    }
    tables.changed(q.getDatabase(), sql);
    encoders.clear();
    outboxes.clear();
    commit(h);
  }

  private RowEncoder<ColumnInfo> encoder(long tableId) {
    TableMapEventData m = tableMaps.get(tableId);
    if (m == null) {
      throw new IllegalStateException("a rows event refers to table id " + tableId + " without a table map event");
    }
    RowEncoder<ColumnInfo> e = encoders.get(tableId);
    if (e != null) {
      return e;
    }
    TableName name = new TableName(m.getDatabase(), m.getTable());
    if (settings.topicOf(name).isEmpty()) {
      return null;
    }
    e = tables.encoder(name, m);
    encoders.put(tableId, e);
    return e;
  }

  private String[] texts(RowEncoder<ColumnInfo> e, BitSet included, Serializable[] values) {
    List<ColumnInfo> columns = e.columns();
    String[] out = new String[columns.size()];
    for (int i = 0, v = 0; i < columns.size(); i++) {
      if (!included.get(i)) {
        continue;
      }
      out[i] = BinlogValues.text(columns.get(i), values[v++], settings.dialect());
    }
    return out;
  }

  /** The mark column's index when {@code tableId} is the snapshot's watermark table, else -1. */
  private int markColumn(long tableId) {
    TableMapEventData m = tableMaps.get(tableId);
    return m == null ? -1 : marks.markColumn(m);
  }

  /** A row of the watermark table: its mark to the snapshot; at a chunk's high mark the chunk joins this transaction. */
  private void watermark(Serializable[] row, int column) {
    List<Entity> chunk = new ArrayList<>();
    UnaryOperator<ResumeState> p = snapshot.mark(Watermarks.mark(row, column), chunk);
    if (p != null) {
      chunk.forEach(this::addRouted);
      progress = p;
    }
  }

  private void add(RowEncoder<ColumnInfo> e, Entity entity) {
    snapshot.changed(e.table(), entity.key());
    addRouted(entity);
  }

  /** An entity of the transaction being read; a key of a topic being reconciled is one the tables have. */
  private void addRouted(Entity entity) {
    reconciler.touched(entity);
    txn.add(entity);
    txnBytes += entity.keyLength() + entity.dataLength();
  }

  private void commit(EventHeaderV4 h) {
    List<Entity> entities = txn;
    UnaryOperator<ResumeState> chunk = progress;
    progress = null;
    inTxn = false;
    explicit = false;
    txn = new ArrayList<>();
    long pos = h.getNextPosition();
    boolean seen;
    String gtids;
    if (mariaGtid != null) {
      seen = mariaGtids.contains(mariaGtid);
      if (!seen) {
        mariaGtids = mariaGtids.with(mariaGtid);
      }
      gtids = mariaGtids.toString();
    } else if (mysqlUuid != null) {
      seen = mysqlGtids.contains(mysqlUuid, mysqlNumber);
      if (!seen) {
        mysqlGtids = mysqlGtids.with(mysqlUuid, mysqlNumber);
      }
      gtids = mysqlGtids.toString();
    } else {
      seen = ResumeState.sequence(state.epoch(), file, pos) <= lastSequence;
      gtids = state.gtids();
    }
    mariaGtid = null;
    mysqlUuid = null;
    if (seen) {
      skipped++; // already committed before this run
      return;
    }
    long sequence = ResumeState.sequence(state.epoch(), file, pos);
    if (sequence <= lastSequence) {
      // a new transaction (by its GTID) at coordinates before the committed ones: the binary log was reset or
      // this is another server; a new epoch keeps the sequence growing
      LOG.warn("ingestable '{}': transaction at {}:{} is new (GTID position {}) but lies before the committed"
          + " coordinates {}:{}: the binary log was reset or the server changed; starting position epoch {}",
          ctx.ingestableId(), file, pos, gtids, state.file(), state.pos(), state.epoch() + 1);
      state = state.nextEpoch(server.serverId(), server.serverUuid());
      sequence = ResumeState.sequence(state.epoch(), file, pos);
    }
    lastSequence = sequence;
    state = state.streamedTo(file, pos, gtids);
    if (chunk != null) {
      snapshotProgress(chunk, entities, sequence);
      return;
    }
    long now = System.nanoTime();
    if (entities.isEmpty()) {
      pendingEmpty = state;
      if (now - lastEmptyCommit >= EMPTY_COMMIT_NANOS) {
        commitEmpty();
      }
      return;
    }
    pendingEmpty = null; // this transaction's position supersedes it
    pipeline.add(sequence, txnBytes, ctx.propose(Proposal.of(entities), state.position(true)));
  }

  /**
   * Commits a transaction that carries a chunk of the snapshot (its high mark), never coalesced:
   * the position says how far the copy got. The copy's end is awaited before the status says
   * streaming, so a run that ends later does not copy the tables again.
   */
  private void snapshotProgress(UnaryOperator<ResumeState> chunk, List<Entity> entities, long sequence) {
    state = chunk.apply(state);
    pendingEmpty = null;
    if (entities.isEmpty()) {
      pipeline.add(sequence, 0, ctx.commitPosition(state.position(true)));
    } else {
      pipeline.add(sequence, txnBytes, ctx.propose(Proposal.of(entities), state.position(true)));
    }
    state = reconciler.afterChunk(state);
    if (!state.snapshotting()) {
      pipeline.awaitAll(() -> { }, 1000);
      LOG.info("ingestable '{}': snapshot done, {} rows copied; streaming", ctx.ingestableId(), snapshot.copied());
      report();
    }
  }

  /** Takes the snapshot requests not taken yet, between source transactions. */
  private void takeRequests() throws SQLException {
    if (inTxn) {
      return;
    }
    ResumeState taken = reconciler.take(state, snapshot);
    if (taken != state) {
      state = taken;
      pendingEmpty = null; // superseded by the position just committed, which carries the same coordinates
      report();
    }
  }

  private void commitEmpty() {
    if (pendingEmpty == null) {
      return;
    }
    ResumeState s = pendingEmpty;
    pendingEmpty = null;
    lastEmptyCommit = System.nanoTime();
    pipeline.add(s.sequence(), 0, ctx.commitPosition(s.position(true)));
  }

  /**
   * Opens the snapshot's next chunk when none is open (its marks come back once the stream has read
   * what lies before them, however far behind it is). While idle, the stream is at the end of the
   * binary log: an open chunk's marks that are still missing then will not come.
   */
  private void copyStep(boolean idle) throws SQLException {
    if (!connected) {
      return;
    }
    takeRequests();
    if (!snapshot.active()) {
      return;
    }
    if (idle) {
      snapshot.checkOverdue();
    }
    if (snapshot.wantsChunk()) {
      snapshot.nextChunk();
      report();
    }
  }

  private void idle() throws SQLException {
    commitEmpty();
    pipeline.drain();
    copyStep(true);
    if (System.nanoTime() - lastStatus >= settings.statusInterval().toNanos()) {
      report();
    }
  }

  private void report() {
    lastStatus = System.nanoTime();
    if (!connected) {
      return;
    }
    if (System.nanoTime() - lastBacklogCheck >= settings.statusInterval().toNanos()) {
      lastBacklogCheck = System.nanoTime(); // one SHOW BINARY LOGS per status interval, not per report
      bytesBehind = BinlogBacklog.bytesBehind(snapshot.connection(), state.file(), state.pos());
    }
    OptionalLong bytes = bytesBehind;
    String position = "position " + state.file() + ":" + state.pos() + (state.gtids().isEmpty() ? "" : " gtid "
        + state.gtids()) + " (epoch " + state.epoch() + ")"
        + (bytes.isPresent() ? ", " + bytes.getAsLong() + " bytes of binary log behind the server" : "")
        + "; server " + server.version() + ", binlog retention "
        + server.retention() + (skipped > 0 ? "; " + skipped + " redelivered transactions skipped" : "")
        + (truncates > 0 ? "; " + truncates + " TRUNCATE statements not propagated, the last: " + lastTruncate : "")
        + reconciler.detail(state);
    OptionalLong lag = lagSeconds < 0 ? OptionalLong.empty() : OptionalLong.of(lagSeconds);
    if (state.snapshotting()) {
      OptionalLong estimate = snapshot.estimate() < 0 ? OptionalLong.empty() : OptionalLong.of(snapshot.estimate());
      ctx.reportStatus(new IngestStatus(ResumeState.SNAPSHOT, OptionalLong.of(snapshot.copied()), estimate, lag,
          "seconds", snapshot.detail() + "; " + position));
    } else {
      ctx.reportStatus(new IngestStatus(ResumeState.STREAMING, OptionalLong.empty(), OptionalLong.empty(), lag,
          "seconds", position));
    }
  }
}
