package io.committed.ingest.mysql.internal;

import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.SchemaPublisher;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.SourcePosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a MySQL or MariaDB ingestable: preflight, the position to start from (the server's
 * current one on a first start, else the committed one), then streaming the binary log, with the
 * tables not yet copied copied chunk by chunk meanwhile ({@link ChunkedSnapshot}).
 */
public final class MySqlIngestable implements Ingestable {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlIngestable.class);
  /** Proposals and bytes in flight before the stream waits for the log. */
  private static final int MAX_IN_FLIGHT = 1024;
  private static final long MAX_IN_FLIGHT_BYTES = 64L << 20;

  private final MySqlSettings settings;
  private final Connections connections;

  public MySqlIngestable(MySqlSettings settings) {
    this.settings = settings;
    this.connections = new Connections(settings.address(), settings.connectTimeout().toMillis());
  }

  @Override
  public void run(IngestContext ctx) throws Exception {
    Pipeline pipeline = new Pipeline(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, ctx::stopRequested);
    try (Connection side = connections.open()) {
      ctx.reportStatus(IngestStatus.phase("starting", "preflight"));
      Catalog catalog = new Catalog(side, settings.dialect());
      ServerInfo server = catalog.preflight(settings);
      Map<TableName, TableInfo> tables = catalog.tables(settings);
      SchemaPublisher schemas = new SchemaPublisher(ctx, settings.topics(), settings.publishSchemas());
      schemas.publishAll(tables.values().stream().map(TableInfo::shape).toList()); // before any row is proposed
      Optional<SourcePosition> committed = ctx.position();
      Watermarks marks = new Watermarks(settings.watermarkTable(), ctx.ingestableId());
      if (committed.isPresent() && !ResumeState.of(committed.get()).reconcile().isEmpty()
          || settings.initialSnapshot() && (committed.isEmpty() || !ResumeState.of(committed.get()).done()
          .containsAll(settings.tables().stream().map(TableName::toString).toList()))) {
        marks.ensure(side); // before anything is committed: a table to copy needs a watermark table
      }
      ResumeState state = committed.isEmpty() ? start(ctx, side, server, pipeline)
          : tablesToCopy(ctx, reconcileAgain(ctx, resume(ctx, ResumeState.of(committed.get()), server)));
      pipeline.awaitAll(() -> { }, 1000);
      Tables captured = new Tables(settings, catalog, tables, schemas);
      while (true) {
        ChunkedSnapshot snapshot = new ChunkedSnapshot(ctx.ingestableId(), settings, captured, side, marks, state);
        Streamer streamer = new Streamer(ctx, settings, captured, server, pipeline, state, snapshot, marks);
        try (BinlogStream stream = new BinlogStream(settings, ctx.ingestableId(), state.file(), state.pos(),
            streamer.startGtids())) {
          streamer.run(stream);
          return;
        } catch (StreamEnds.PositionLost lost) {
          state = afresh(ctx, side, server, pipeline, marks, lost);
        }
      }
    } catch (Pipeline.Stopped e) {
      // asked to stop
    } catch (io.committed.api.ProposalRejectedException e) {
      throw Pipeline.parkIfUndefinedType(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // asked to stop while waiting for the stream
    }
  }

  /** Nothing to release: every connection of a run is closed when {@link #run} ends. */
  @Override
  public void close() {}

  /** A first start: streaming from the server's current position, committed before the first change. */
  private ResumeState start(IngestContext ctx, Connection side, ServerInfo server, Pipeline pipeline)
      throws SQLException {
    String[] current = current(side);
    String gtids = server.gtids() ? gtidsAt(side, current) : "";
    ResumeState state = new ResumeState(1, settings.dialect().id(), server.serverId(), server.serverUuid(), 1,
        ResumeState.STREAMING, current[0], Long.parseLong(current[1]), gtids, List.of(), null, null, 0, 0, List.of());
    state = tablesToCopy(ctx, state);
    LOG.info("ingestable '{}' starts at {}:{}{}", ctx.ingestableId(), state.file(), state.pos(),
        gtids.isEmpty() ? "" : " (GTID " + gtids + ")");
    pipeline.add(0, 0, ctx.commitPosition(state.position(true)));
    return state;
  }

  /**
   * {@code on_position_lost = "resnapshot"}: streaming starts again at the server's current
   * position, in a new epoch, with every table copied again and every topic reconciled (the keys
   * of rows deleted while the position was lost are deleted too). Committed before the stream
   * starts, so a crash from here on resumes the copy, not the lost position.
   */
  private ResumeState afresh(IngestContext ctx, Connection side, ServerInfo server, Pipeline pipeline,
      Watermarks marks, StreamEnds.PositionLost lost) throws SQLException {
    pipeline.awaitAll(() -> { }, 1000);
    String[] current = current(side);
    String gtids = server.gtids() ? gtidsAt(side, current) : "";
    List<String> topics = settings.topics().stream().map(io.committed.ingest.sql.internal.TopicSpec::topic).toList();
    ResumeState state = lost.lost.afresh(server.serverId(), server.serverUuid(), current[0], Long.parseLong(current[1]),
        gtids, topics);
    LOG.warn("ingestable '{}': {}; on_position_lost = \"resnapshot\": streaming from {}:{}{} (position epoch {}),"
        + " copying {} again and deleting the keys the tables no longer have", ctx.ingestableId(), lost.getMessage(),
        state.file(), state.pos(), gtids.isEmpty() ? "" : " (GTID " + gtids + ")", state.epoch(), settings.tables());
    marks.ensure(side);
    pipeline.add(0, 0, ctx.commitPosition(state.position(true)));
    pipeline.awaitAll(() -> { }, 1000);
    return state;
  }

  private ResumeState resume(IngestContext ctx, ResumeState state, ServerInfo server) {
    if (!state.dialect().equals(settings.dialect().id())) {
      throw new SourceException("the committed position was taken from a " + state.dialect() + " server, and the"
          + " ingestable is now " + settings.dialect().id() + ": remove the ingestable and define it again");
    }
    boolean sameServer = state.serverId() == server.serverId() && state.serverUuid().equals(server.serverUuid());
    if (sameServer) {
      return state;
    }
    if (server.gtids() && !state.gtids().isEmpty()) {
      LOG.warn("ingestable '{}': the source is another server now (server_id {}, was {}): resuming from GTID {}"
          + " (position epoch {})", ctx.ingestableId(), server.serverId(), state.serverId(), state.gtids(),
          state.epoch() + 1);
      return state.nextEpoch(server.serverId(), server.serverUuid());
    }
    throw new SourceException("the source is another server (server_id " + server.serverId() + ", was "
        + state.serverId() + ") and the committed position " + state.file() + ":" + state.pos() + " has no GTIDs, so"
        + " it cannot be found there: remove the ingestable and define it again to start afresh");
  }

  /**
   * A run that stopped while reconciling topics lost the keys its copy had seen: their tables are
   * copied again from the first row, and the scan for stale keys follows that copy.
   */
  private ResumeState reconcileAgain(IngestContext ctx, ResumeState state) {
    if (state.reconcile().isEmpty()) {
      return state;
    }
    List<TableName> again = settings.topics().stream().filter(t -> state.reconcile().contains(t.topic()))
        .flatMap(t -> t.tables().stream()).toList();
    LOG.info("ingestable '{}': reconciling topics {} was under way: copying {} again from the first row",
        ctx.ingestableId(), state.reconcile(), again);
    ResumeState s = state.copyAgain(again, List.of(), 0);
    // a reconciled topic that left the config has nothing to compare with
    for (String topic : state.reconcile()) {
      if (settings.topics().stream().noneMatch(t -> t.topic().equals(topic))) {
        s = s.reconciled(topic);
      }
    }
    return s;
  }

  /**
   * The tables of the config not yet copied ({@link ResumeState#done}): with {@code snapshot =
   * "initial"} they are copied while streaming (also tables added to the config later), else
   * marked done.
   */
  private ResumeState tablesToCopy(IngestContext ctx, ResumeState state) {
    List<TableName> toCopy = settings.tables().stream().filter(t -> !state.done().contains(t.toString())).toList();
    if (toCopy.isEmpty()) {
      return state.snapshotting() ? state.streaming() : state;
    }
    if (!settings.initialSnapshot()) {
      // no initial copy, but a requested copy (its topics being reconciled) goes on
      List<TableName> requested = settings.topics().stream().filter(t -> state.reconcile().contains(t.topic()))
          .flatMap(t -> t.tables().stream()).toList();
      ResumeState s = state;
      for (TableName t : toCopy) {
        if (!requested.contains(t)) {
          s = s.copied(t, s.rows());
        }
      }
      return requested.isEmpty() ? s.streaming() : s.snapshot();
    }
    if (!state.snapshotting() && !state.done().isEmpty()) {
      LOG.info("ingestable '{}': copying tables added since it streams: {}", ctx.ingestableId(), toCopy);
    }
    return state.snapshot();
  }

  /** The GTID position at binlog coordinates {@code current} (from {@link #current}). */
  private String gtidsAt(Connection side, String[] current) throws SQLException {
    if (settings.dialect() != Dialect.MARIADB) {
      return current[2];
    }
    try (PreparedStatement s = side.prepareStatement("select binlog_gtid_pos(?, ?)")) {
      s.setString(1, current[0]);
      s.setLong(2, Long.parseLong(current[1]));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1) == null ? "" : r.getString(1);
      }
    }
  }

  /** The current binlog file, position and (MySQL) executed GTID set. */
  private static String[] current(Connection side) throws SQLException {
    SQLException first = null;
    for (String q : new String[] {"show master status", "show binary log status"}) {
      try (Statement s = side.createStatement(); ResultSet r = s.executeQuery(q)) {
        if (!r.next()) {
          throw new SourceException("the server reports no binary log position (SHOW MASTER STATUS is empty): is"
              + " log_bin on?");
        }
        String gtids = r.getMetaData().getColumnCount() >= 5 ? r.getString(5) : "";
        return new String[] {r.getString(1), r.getString(2), gtids == null ? "" : gtids.replaceAll("\\s", "")};
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    throw first;
  }
}
