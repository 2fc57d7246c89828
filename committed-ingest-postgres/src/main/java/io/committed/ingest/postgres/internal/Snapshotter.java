package io.committed.ingest.postgres.internal;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the rows that exist before streaming starts: table by table, in primary-key order,
 * {@code batch_size} rows per proposal. Each proposal carries the last key copied, so a restart
 * continues after it instead of starting over. Rows have source sequence 0 (never deduplicated).
 *
 * <p>The first run reads in the slot's exported snapshot, exactly the state the stream starts
 * from. A run resumed after a restart reads the current state instead (the exported snapshot died
 * with its connection); the stream then replays changes from the slot's start, some of which the
 * copy already saw: the log converges to the table's state once the stream has caught up.
 */
final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  private final IngestContext ctx;
  private final PgSettings settings;
  private final Map<TableName, TableInfo> tables;
  private final Catalog catalog;
  private final Pipeline pipeline;

  Snapshotter(IngestContext ctx, PgSettings settings, Map<TableName, TableInfo> tables, Catalog catalog,
      Pipeline pipeline) {
    this.ctx = ctx;
    this.settings = settings;
    this.tables = tables;
    this.catalog = catalog;
    this.pipeline = pipeline;
  }

  /**
   * Copies the tables of {@code toCopy} not yet done in {@code state}, in a transaction of
   * {@code connection} that is already open (REPEATABLE READ, possibly with an imported snapshot).
   *
   * @return the state with every table done, its last proposal submitted (not necessarily committed)
   */
  ResumeState copy(Connection connection, List<TableName> toCopy, ResumeState state) throws SQLException {
    long estimate = estimate(connection, toCopy, state);
    long rows = state.rows();
    long lastLog = System.nanoTime();
    LOG.info("ingestable '{}': snapshot of {} ({} rows estimated) starts", ctx.ingestableId(), toCopy, estimate);
    for (TableName t : toCopy) {
      if (state.done().contains(t.toString())) {
        continue;
      }
      TableInfo info = tables.get(t);
      TopicSpec spec = settings.topicOf(t).orElseThrow();
      RowEncoder encoder = new RowEncoder(spec, t, info.columns(), info.keyColumns(), catalog::kindOf);
      List<String> after = t.toString().equals(state.table()) ? state.after() : null;
      try (PreparedStatement first = connection.prepareStatement(query(info, false));
          PreparedStatement next = connection.prepareStatement(query(info, true))) {
        while (true) {
          PreparedStatement s = after == null ? first : next;
          if (after != null) {
            for (int i = 0; i < after.size(); i++) {
              s.setString(i + 1, after.get(i));
            }
          }
          s.setInt(after == null ? 1 : after.size() + 1, settings.batchSize());
          List<Entity> batch = new ArrayList<>(Math.min(settings.batchSize(), 10_000));
          List<String> lastKey = null;
          try (ResultSet r = s.executeQuery()) {
            int n = info.columns().size();
            while (r.next()) {
              byte[] kinds = new byte[n];
              String[] values = new String[n];
              for (int i = 0; i < n; i++) {
                values[i] = r.getString(i + 1);
                kinds[i] = (byte) (values[i] == null ? 'n' : 't');
              }
              Tuple row = new Tuple(kinds, values);
              lastKey = encoder.keyValues(row);
              batch.add(Entity.upsert(spec.topic(), encoder.key(row), encoder.data(row)));
            }
          }
          rows += batch.size();
          boolean last = batch.size() < settings.batchSize();
          state = last ? state.copied(t, rows) : state.copying(t, lastKey, rows);
          if (!batch.isEmpty()) {
            Proposal p = Proposal.of(batch);
            pipeline.add(0, p.payloadBytes(), ctx.propose(p, state.position(0)));
          } else {
            pipeline.add(0, 0, ctx.commitPosition(state.position(0)));
          }
          ctx.reportStatus(new IngestStatus(ResumeState.SNAPSHOT, rows, estimate, -1, "bytes", "copying " + t));
          pipeline.awaitRoom(() -> { }, 1000);
          if (System.nanoTime() - lastLog > 10_000_000_000L) {
            lastLog = System.nanoTime();
            LOG.info("ingestable '{}': snapshot copied {} of about {} rows (at {})", ctx.ingestableId(), rows,
                estimate, t);
          }
          if (ctx.stopRequested()) {
            throw new Pipeline.Stopped();
          }
          if (last) {
            break;
          }
          after = lastKey;
        }
      }
    }
    LOG.info("ingestable '{}': snapshot copied {} rows", ctx.ingestableId(), rows);
    return state;
  }

  private static String query(TableInfo info, boolean after) {
    StringJoiner cols = new StringJoiner(", ");
    info.columns().forEach(c -> cols.add(Sql.ident(c.name())));
    List<String> key = info.keyColumns();
    StringBuilder q = new StringBuilder("select ").append(cols).append(" from ").append(info.name().quoted());
    if (after) {
      StringJoiner left = new StringJoiner(", ", "(", ")");
      StringJoiner right = new StringJoiner(", ", "(", ")");
      for (String k : key) {
        left.add(Sql.ident(k));
        right.add("cast(? as " + info.sqlType(k) + ")");
      }
      q.append(" where ").append(left).append(" > ").append(right);
    }
    q.append(" order by ").append(Sql.idents(key)).append(" limit ?");
    return q.toString();
  }

  /** Rows to copy, from the statistics (no count: it would wait for locks); -1 if unknown. */
  private long estimate(Connection c, List<TableName> toCopy, ResumeState state) throws SQLException {
    long total = state.rows();
    for (TableName t : toCopy) {
      if (state.done().contains(t.toString())) {
        continue;
      }
      try (PreparedStatement s = c.prepareStatement("select greatest(c.reltuples::bigint, coalesce(s.n_live_tup, -1))"
          + " from pg_class c left join pg_stat_all_tables s on s.relid = c.oid where c.oid = ?")) {
        s.setInt(1, tables.get(t).oid());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          long n = r.getLong(1);
          if (n < 0) {
            return -1;
          }
          total += n;
        }
      }
    }
    return total;
  }
}
