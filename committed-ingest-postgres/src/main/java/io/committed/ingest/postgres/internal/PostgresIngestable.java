package io.committed.ingest.postgres.internal;

import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.SchemaPublisher;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSchema;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.SourcePosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a PostgreSQL ingestable: preflight, publication and slot, the initial snapshot (or
 * its continuation), then streaming. Every step resumes from the committed {@link ResumeState}.
 */
public final class PostgresIngestable implements Ingestable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresIngestable.class);
  /** Proposals and bytes in flight before the stream waits for the log. */
  private static final int MAX_IN_FLIGHT = 1024;
  private static final long MAX_IN_FLIGHT_BYTES = 64L << 20;

  private final PgSettings settings;
  private final Connections connections;

  public PostgresIngestable(PgSettings settings, String ingestableId) {
    this.settings = settings;
    this.connections = new Connections(settings.jdbcUrl(), "committed-ingest-" + ingestableId);
  }

  @Override
  public void run(IngestContext ctx) throws Exception {
    Pipeline pipeline = new Pipeline(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, ctx::stopRequested);
    try (Connection side = connections.open()) {
      ctx.reportStatus(new IngestStatus("starting", java.util.OptionalLong.empty(), java.util.OptionalLong.empty(),
          java.util.OptionalLong.empty(), "bytes", "preflight"));
      Catalog catalog = new Catalog(side);
      Map<TableName, TableInfo> tables = catalog.preflight(settings);
      Slots.ensurePublication(side, settings.publication(), ctx.ingestableId(), settings.publishedTables());
      SchemaPublisher schemas = new SchemaPublisher(ctx, settings.topics(), settings.publishSchemas());
      if (schemas.enabled()) { // before any row: the types exist, with their tables' shapes
        List<TopicSchema.Table> shapes = new ArrayList<>();
        for (TableInfo t : tables.values()) {
          shapes.add(catalog.shape(t.name(), t.oid(), t.columns(), t.keyColumns()));
        }
        schemas.publishAll(shapes);
      }
      Optional<SourcePosition> position = ctx.position();
      ResumeState state;
      if (position.isEmpty()) {
        state = start(ctx, side, catalog, tables, pipeline, 1, 0);
      } else {
        state = resume(ctx, side, catalog, tables, pipeline, ResumeState.of(position.get()),
            position.get().sequence());
      }
      pipeline.awaitAll(() -> { }, 1000);
      try (Connection replication = connections.openReplication()) {
        new Streamer(ctx, settings, tables, catalog, side, pipeline, state, connections, schemas).run(replication);
      }
    } catch (Pipeline.Stopped e) {
      // asked to stop
    } catch (io.committed.api.ProposalRejectedException e) {
      throw Pipeline.parkIfUndefinedType(e);
    }
  }

  /** Nothing to release: every connection of a run is closed when {@link #run} ends. */
  @Override
  public void close() {}

  /** A first start (or a re-snapshot): a new slot, and a copy of the tables in its exported snapshot. */
  private ResumeState start(IngestContext ctx, Connection side, Catalog catalog, Map<TableName, TableInfo> tables,
      Pipeline pipeline, int generation, long mustStartAfter) throws SQLException {
    Optional<Slots.SlotInfo> existing = Slots.slot(side, settings.slot());
    if (existing.isPresent() && !settings.initialSnapshot() && generation == 1 && !existing.get().active()
        && "pgoutput".equals(existing.get().plugin())) {
      // no copy wanted: adopt the slot as it is, streaming from its confirmed position
      try (Connection replication = connections.openReplication()) {
        Slots.Identity id = Slots.identify(replication);
        long lsn = existing.get().confirmedFlushLsn();
        LOG.info("ingestable '{}' adopts the existing replication slot {} at {}", ctx.ingestableId(), settings.slot(),
            Slots.lsn(lsn));
        ResumeState state = new ResumeState(1, id.systemId(), id.database(), settings.slot(), lsn, generation,
            ResumeState.SNAPSHOT, lsn, List.of(), null, null, 0, 0, false, 0, List.of());
        return streamFrom(ctx, pipeline, markDone(state, settings.tables()));
      }
    }
    if (existing.isPresent()) {
      LOG.warn("ingestable '{}' has no committed position but replication slot {} exists: dropping and creating it"
          + " again, for a snapshot consistent with it", ctx.ingestableId(), settings.slot());
      Slots.drop(side, settings.slot(), false);
    }
    ResumeState state;
    Connection snapshot = null;
    try {
      try (Connection replication = connections.openReplication()) {
        Slots.Identity id = Slots.identify(replication);
        ReplicationSlotInfo slot = Slots.create(replication, settings.slot());
        long lsn = slot.getConsistentPoint().asLong();
        if (lsn <= mustStartAfter) {
          throw new SourceException("the new replication slot starts at " + Slots.lsn(lsn) + ", not after the"
              + " committed position " + Slots.lsn(mustStartAfter) + ": remove the ingestable and define it again");
        }
        // a re-snapshot also deletes the keys the tables no longer have (see Snapshotter)
        state = new ResumeState(1, id.systemId(), id.database(), settings.slot(), lsn, generation,
            ResumeState.SNAPSHOT, lsn, List.of(), null, null, 0, 0, generation > 1, 0, List.of());
        if (settings.initialSnapshot()) {
          snapshot = connections.open();
          begin(snapshot, slot.getSnapshotName()); // imported: the replication connection may close
        }
      }
      if (snapshot != null) {
        state = new Snapshotter(ctx, settings, tables, catalog, pipeline).copy(snapshot, settings.tables(), state);
        snapshot.commit();
      }
    } finally {
      if (snapshot != null) {
        snapshot.close();
      }
    }
    return streamFrom(ctx, pipeline, markDone(state, settings.tables()));
  }

  private ResumeState resume(IngestContext ctx, Connection side, Catalog catalog, Map<TableName, TableInfo> tables,
      Pipeline pipeline, ResumeState state, long highWaterMark) throws SQLException {
    Slots.Identity id;
    try (Connection replication = connections.openReplication()) {
      id = Slots.identify(replication);
    }
    Optional<String> lost = lost(side, state, id);
    if (lost.isPresent()) {
      if (settings.onSlotLost() == OnPositionLost.PARK || !id.systemId().equals(state.systemId())) {
        throw new SourceException(lost.get() + ". Changes may be missing from the log, so ingestion stops here."
            + (settings.onSlotLost() == OnPositionLost.PARK ? " Set [sql.postgres] on_slot_lost = \"resnapshot\""
            + " to copy the tables again, or remove" : " The server is another one, so its positions cannot be"
            + " compared with the committed ones: remove") + " the ingestable and define it again to start afresh");
      }
      LOG.warn("ingestable '{}': {}; copying the tables again (generation {})", ctx.ingestableId(), lost.get(),
          state.generation() + 1);
      Slots.drop(side, settings.slot(), false);
      return start(ctx, side, catalog, tables, pipeline, state.generation() + 1, Math.max(highWaterMark, state.lsn()));
    }
    List<TableName> toCopy = new ArrayList<>();
    for (TableName t : settings.tables()) {
      if (!state.done().contains(t.toString())) {
        toCopy.add(t);
      }
    }
    if (toCopy.isEmpty()) {
      return state.snapshotting() ? streamFrom(ctx, pipeline, state) : state;
    }
    if (!settings.initialSnapshot()) {
      return streamFrom(ctx, pipeline, markDone(state, toCopy));
    }
    if (!state.snapshotting()) {
      LOG.info("ingestable '{}': copying tables added since it streams: {}", ctx.ingestableId(), toCopy);
      state = state.withPhase(ResumeState.SNAPSHOT, state.lsn());
    }
    try (Connection snapshot = connections.open()) {
      begin(snapshot, null);
      state = new Snapshotter(ctx, settings, tables, catalog, pipeline).copy(snapshot, toCopy, state);
      snapshot.commit();
    }
    return streamFrom(ctx, pipeline, state);
  }

  /** Why the slot cannot continue from {@code state}, if it cannot. */
  private Optional<String> lost(Connection side, ResumeState state, Slots.Identity id) throws SQLException {
    if (!id.systemId().equals(state.systemId())) {
      return Optional.of("the source is another PostgreSQL server (system identifier " + id.systemId()
          + ", was " + state.systemId() + ")");
    }
    if (!id.database().equals(state.database())) {
      return Optional.of("the source is database " + id.database() + ", was " + state.database());
    }
    if (!state.slot().equals(settings.slot())) {
      return Optional.of("the slot was renamed from " + state.slot() + " to " + settings.slot()
          + " in the config; the new slot has not kept the changes since the committed position");
    }
    Optional<Slots.SlotInfo> slot = Slots.slot(side, state.slot());
    if (slot.isEmpty()) {
      return Optional.of("replication slot " + state.slot() + " no longer exists (dropped, or the server was"
          + " restored or failed over)");
    }
    Slots.SlotInfo s = slot.get();
    if (s.walStatus().equals("lost")) {
      return Optional.of("replication slot " + state.slot() + " lost WAL it needed (wal_status = lost; see"
          + " max_slot_wal_keep_size)");
    }
    if (!"pgoutput".equals(s.plugin()) || !state.database().equals(s.database())) {
      return Optional.of("replication slot " + state.slot() + " is another slot now (plug-in " + s.plugin()
          + ", database " + s.database() + ")");
    }
    if (s.confirmedFlushLsn() > state.lsn()) {
      return Optional.of("replication slot " + state.slot() + " starts at " + Slots.lsn(s.confirmedFlushLsn())
          + ", after the committed position " + Slots.lsn(state.lsn()) + ": it was recreated or advanced by"
          + " someone else");
    }
    return Optional.empty();
  }

  private static ResumeState markDone(ResumeState state, List<TableName> tables) {
    ResumeState s = state;
    for (TableName t : tables) {
      s = s.copied(t, s.rows());
    }
    return s;
  }

  /** Commits the end of the snapshot: from here on the position is the stream's. */
  private static ResumeState streamFrom(IngestContext ctx, Pipeline pipeline, ResumeState state) {
    ResumeState streaming = state.streamedTo(state.lsn());
    pipeline.add(0, 0, ctx.commitPosition(streaming.position(0)));
    return streaming;
  }

  /** Opens a REPEATABLE READ, read-only transaction, in the exported snapshot if one is named. */
  static void begin(Connection c, String snapshotName) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setReadOnly(true);
    try (Statement s = c.createStatement()) {
      if (snapshotName != null) {
        s.execute("set transaction snapshot " + Sql.literal(snapshotName));
      } else {
        s.execute("select 1"); // takes the transaction's snapshot now
      }
    }
  }
}
