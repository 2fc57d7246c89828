package io.committed.ingest.postgres.internal;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import io.committed.ingest.sql.internal.Pipeline;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.StaleKeys;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
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
 *
 * <p>A re-snapshot after a lost slot also deletes, topic by topic, the keys live in the log that
 * the copy did not find (rows deleted while no slot kept their changes); see {@link #resnapshot}.
 */
final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  private final IngestContext ctx;
  private final PgSettings settings;
  private final Map<TableName, TableInfo> tables;
  private final Catalog catalog;
  private final Pipeline pipeline;
  private long estimate = -1;
  private long lastLog = System.nanoTime();

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
   * In a re-snapshot ({@link ResumeState#resnapshot()}) it copies topic by topic, each followed by
   * its tombstone pass (see {@link #resnapshot}).
   *
   * @return the state with every table done, its last proposal submitted (not necessarily committed)
   */
  ResumeState copy(Connection connection, List<TableName> toCopy, ResumeState state) throws SQLException {
    if (state.resnapshot()) {
      return resnapshot(connection, toCopy, state);
    }
    List<String> done = state.done();
    estimate = estimate(connection, toCopy.stream().filter(t -> !done.contains(t.toString())).toList(), state.rows());
    LOG.info("ingestable '{}': snapshot of {} ({} rows estimated) starts", ctx.ingestableId(), toCopy, estimate);
    for (TableName t : toCopy) {
      if (!state.done().contains(t.toString())) {
        List<String> after = t.toString().equals(state.table()) ? state.after() : null;
        state = copyTable(connection, t, after, state, null);
      }
    }
    LOG.info("ingestable '{}': snapshot copied {} rows", ctx.ingestableId(), state.rows());
    return state;
  }

  /**
   * A re-snapshot after the slot was lost: rows deleted while no slot kept their changes are still
   * live in the log. Each topic with a table not done is copied whole (every one of its tables,
   * from the first row, whatever an interrupted run left behind), remembering the keys written;
   * once those proposals are committed, every key of the topic live in the log that the copy did
   * not write gets a delete, {@code batch_size} per proposal. The tables are marked done only with
   * the last of these proposals, so a restart anywhere before repeats the topic's copy and pass
   * (upserts and deletes are idempotent). All of it precedes the stream from the new slot.
   */
  private ResumeState resnapshot(Connection connection, List<TableName> toCopy, ResumeState state)
      throws SQLException {
    List<TopicSpec> topics = new ArrayList<>();
    List<TableName> tablesOfTopics = new ArrayList<>();
    for (TopicSpec topic : settings.topics()) {
      ResumeState s = state;
      if (topic.tables().stream().anyMatch(t -> toCopy.contains(t) && !s.done().contains(t.toString()))) {
        topics.add(topic);
        tablesOfTopics.addAll(topic.tables());
      }
    }
    if (topics.isEmpty()) {
      return state;
    }
    estimate = estimate(connection, tablesOfTopics, state.rows());
    LOG.info("ingestable '{}': re-snapshot of {} ({} rows estimated) starts; keys of their topics the tables no"
        + " longer have will be deleted", ctx.ingestableId(), tablesOfTopics, estimate);
    for (TopicSpec topic : topics) {
      StaleKeys keys = new StaleKeys(topic.topic(), settings.batchSize());
      for (TableName t : topic.tables()) {
        state = copyTable(connection, t, null, state, keys);
      }
      state = deleteStale(keys, topic, state);
    }
    LOG.info("ingestable '{}': re-snapshot copied {} rows and deleted {} keys", ctx.ingestableId(), state.rows(),
        state.tombstones());
    return state;
  }

  /**
   * Deletes the keys of the topic live in the log that the copy did not write, then marks the
   * topic's tables done.
   */
  private ResumeState deleteStale(StaleKeys keys, TopicSpec topic, ResumeState copied) {
    // everything before the scan is then applied here: this run's copy and any earlier run's entries
    pipeline.awaitAll(() -> { }, 1000);
    status(copied, "deleting keys of topic '" + topic.topic() + "' the tables no longer have");
    ResumeState[] state = {copied};
    keys.deleteStale(ctx, pipeline, n -> {
      state[0] = copied.deleted(n);
      status(state[0], "deleting keys of topic '" + topic.topic() + "' the tables no longer have: " + n + " so far");
      return state[0].position(0);
    }, n -> {
      ResumeState d = copied.deleted(n);
      for (TableName t : topic.tables()) {
        d = d.copied(t, d.rows());
      }
      state[0] = d;
      return d.position(0);
    }, () -> { });
    ResumeState done = state[0];
    LOG.info("ingestable '{}': re-snapshot of topic '{}' copied {} keys and deleted {} keys its tables no longer have",
        ctx.ingestableId(), topic.topic(), keys.copiedCount(), keys.stale());
    status(done, "topic '" + topic.topic() + "': " + keys.stale() + " keys deleted that the tables no longer have");
    return done;
  }

  /**
   * Copies table {@code t} from after the key {@code after} (null: from its first row) to its end.
   * With {@code keys} (a re-snapshot), records each key written and leaves the table not done.
   */
  private ResumeState copyTable(Connection connection, TableName t, List<String> after, ResumeState state,
      StaleKeys keys) throws SQLException {
    try (ChunkReader reader = new ChunkReader(connection, t)) {
      while (true) {
        Chunk chunk = reader.read(after);
        if (keys != null) {
          chunk.rows().forEach(e -> keys.copied(e.key()));
        }
        long rows = state.rows() + chunk.rows().size();
        boolean last = chunk.last();
        state = last && keys == null ? state.copied(t, rows) : state.copying(t, last ? after : chunk.lastKey(), rows);
        if (!chunk.rows().isEmpty()) {
          Proposal p = Proposal.of(chunk.rows());
          pipeline.add(0, p.payloadBytes(), ctx.propose(p, state.position(0)));
        } else {
          pipeline.add(0, 0, ctx.commitPosition(state.position(0)));
        }
        status(state, "copying " + t);
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
          return state;
        }
        after = chunk.lastKey();
      }
    }
  }

  /** Rows of a table read in key order, {@code batch_size} at a time: their upserts and the last key read. */
  record Chunk(List<Entity> rows, List<String> lastKey, boolean last) {}

  /** Reads a table in key order, chunk by chunk, in a transaction of a connection already open. */
  final class ChunkReader implements AutoCloseable {
    private final TableInfo info;
    private final TopicSpec spec;
    private final RowEncoder<Column> encoder;
    private final PreparedStatement first;
    private final PreparedStatement next;

    ChunkReader(Connection connection, TableName t) throws SQLException {
      this.info = tables.get(t);
      this.spec = settings.topicOf(t).orElseThrow();
      this.encoder = PgRows.encoder(spec, t, info.columns(), info.keyColumns(), catalog::kindOf);
      this.first = connection.prepareStatement(query(info, false));
      PreparedStatement n;
      try {
        n = connection.prepareStatement(query(info, true));
      } catch (SQLException e) {
        first.close();
        throw e;
      }
      this.next = n;
    }

    /** The {@code batch_size} rows after key {@code after} (null: from the first row). */
    Chunk read(List<String> after) throws SQLException {
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
          lastKey = PgRows.keyValues(encoder, row);
          batch.add(Entity.upsert(spec.topic(), PgRows.key(encoder, row), PgRows.data(encoder, row)));
        }
      }
      return new Chunk(batch, lastKey, batch.size() < settings.batchSize());
    }

    @Override
    public void close() throws SQLException {
      try {
        first.close();
      } finally {
        next.close();
      }
    }
  }

  private void status(ResumeState state, String detail) {
    ctx.reportStatus(new IngestStatus(ResumeState.SNAPSHOT, java.util.OptionalLong.of(state.rows()),
        estimate < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(estimate),
        java.util.OptionalLong.empty(), "bytes", detail));
  }

  private static String query(TableInfo info, boolean after) {
    StringJoiner cols = new StringJoiner(", ");
    info.columns().forEach(c -> cols.add(Sql.ident(c.name())));
    List<String> key = info.keyColumns();
    StringBuilder q = new StringBuilder("select ").append(cols).append(" from ").append(Sql.table(info.name()));
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

  /**
   * Rows to copy, {@code copied} plus those of {@code toCopy}, from the statistics (no count: it
   * would wait for locks); -1 if unknown.
   */
  private long estimate(Connection c, List<TableName> toCopy, long copied) throws SQLException {
    long total = copied;
    for (TableName t : toCopy) {
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
