package io.committed.sync.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.committed.api.Entity;
import io.committed.api.EntityKeys;
import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.RebuildableSyncable;
import io.committed.spi.ResumableSyncable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects entries into one table: upserts by primary key, deletes by the tombstone's key, and
 * the last applied log index recorded in {@value SqlSyncableConfig#POSITIONS_TABLE} in the same
 * transaction as the rows (effectively once).
 *
 * <p>One {@link #sync} call is one target transaction. It skips entries at or below the recorded
 * index (a replay changes nothing), writes the rest with JDBC batches in log order, and moves the
 * position with a compare-and-set from the value it started from, so a second writer that overlaps
 * (a deposed leader) rolls back instead of moving the table back in time. A bad value or a
 * constraint violation rolls the whole transaction back and is reported as a
 * {@link PermanentSyncException}; the worker then retries the entries one at a time, so only the
 * bad entry is dead-lettered.
 *
 * <p>The table and the position table are created on first use (see {@link TargetTable}); an
 * existing table is never altered.
 */
public final class SqlSyncable implements ResumableSyncable, RebuildableSyncable {
  private static final Logger LOG = LoggerFactory.getLogger(SqlSyncable.class);
  private static final int MAX_STATEMENTS_PER_BATCH = 1000;

  private final SqlSyncableConfig config;
  private final Dialect dialect;
  private final SharedPools.Lease lease;
  private final DataSource dataSource;
  private final TargetTable table;
  private long known = -1; // the recorded position as this instance last read or wrote it; -1 unknown

  public SqlSyncable(SqlSyncableConfig config, SharedPools.Lease lease) {
    this.config = config;
    this.dialect = config.database().dialect();
    this.lease = lease;
    this.dataSource = lease.dataSource();
    this.table = new TargetTable(config);
  }

  @Override
  public long lastSyncedIndex() throws Exception {
    try (Connection c = connect()) {
      table.ensure(c);
      known = table.readPosition(c);
      c.commit();
      return known;
    }
  }

  @Override
  public void sync(List<LogEntry> batch) throws Exception {
    apply(batch, false);
  }

  /** Applies the entries even below the recorded index (a dead letter's replay); the index never moves back. */
  @Override
  public void syncAgain(List<LogEntry> entries) throws Exception {
    apply(entries, true);
  }

  @Override
  public void resetTarget() throws Exception {
    try (Connection c = connect()) {
      table.reset(c);
      known = -1;
    }
  }

  @Override
  public void close() {
    lease.close();
  }

  /** A connection from the pool; a failure names the database and the underlying cause. */
  private Connection connect() throws SQLException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new SQLTransientConnectionException("cannot connect to database '" + config.database().databaseId()
          + "' (" + dialect.id() + "): " + Errors.describe(e.getCause() != null ? e.getCause() : e), e);
    }
  }

  /**
   * One target transaction. The position is known from the last commit of this instance (or read
   * once); the transaction ends with a conditional update of the position row from that value, so
   * if anyone else moved it meanwhile (a deposed leader still writing), the update matches nothing,
   * everything is rolled back, and the next attempt re-reads the position and skips what is done.
   */
  private void apply(List<LogEntry> batch, boolean force) throws Exception {
    try (Connection c = connect()) {
      table.ensure(c);
      if (known < 0) {
        known = table.readPosition(c);
        c.commit();
      }
      long position = known;
      List<LogEntry> pending = new ArrayList<>(batch.size());
      long last = position;
      for (LogEntry e : batch) {
        if (force || e.index() > position) {
          pending.add(e);
          last = Math.max(last, e.index());
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      List<RowOp> ops = rows(pending);
      known = -1; // unknown until the commit is known to have happened
      try {
        write(c, ops);
        if (!table.advancePosition(c, position, last)) {
          rollbackQuietly(c);
          throw new IllegalStateException("the position of syncable '" + config.syncableId() + "' in "
              + SqlSyncableConfig.POSITIONS_TABLE + " moved while it was writing (another writer?): retrying from"
              + " the recorded position");
        }
        c.commit();
        known = last;
      } catch (SQLException e) {
        rollbackQuietly(c);
        if (Errors.isPermanent(e)) {
          long index = pending.size() == 1 ? pending.get(0).index() : 0;
          throw new PermanentSyncException(describe(pending) + " refused by " + dialect.id() + ": "
              + Errors.describe(e), index, e);
        }
        throw e;
      }
    }
  }

  /** One row operation: an upsert of all columns or a delete by key. */
  private record RowOp(boolean delete, List<Object> rowKey, Object[] values) {}

  private List<RowOp> rows(List<LogEntry> entries) {
    List<RowOp> ops = new ArrayList<>();
    List<ColumnSpec> columns = config.columns();
    List<ColumnSpec> pk = config.primaryKey();
    for (LogEntry entry : entries) {
      for (Entity entity : entry.entities()) {
        try {
          if (entity.delete()) {
            List<String> parts = decodeKey(entity);
            Object[] values = new Object[pk.size()];
            for (int i = 0; i < values.length; i++) {
              values[i] = Values.fromText(pk.get(i), parts.get(i), dialect);
            }
            ops.add(new RowOp(true, rowKey(values), values));
          } else {
            Object[] values = upsertValues(entity, columns);
            Object[] keyValues = new Object[pk.size()];
            for (int i = 0; i < keyValues.length; i++) {
              ColumnSpec k = pk.get(i);
              keyValues[i] = values[columns.indexOf(k)];
              if (keyValues[i] == null) {
                throw new Values.BadValue("primary key column " + k.name() + " is null: " + k.source()
                    + " is missing from the payload or null");
              }
            }
            ops.add(new RowOp(false, rowKey(keyValues), values));
          }
        } catch (Values.BadValue e) {
          throw new PermanentSyncException("entry " + entry.index() + ", " + (entity.delete() ? "delete" : "upsert")
              + " of key '" + abbreviate(entity.keyAsString()) + "': " + e.getMessage(), entry.index(), e);
        }
      }
    }
    return ops;
  }

  private List<String> decodeKey(Entity entity) throws Values.BadValue {
    try {
      return EntityKeys.decode(entity.key(), config.primaryKey().size());
    } catch (IllegalArgumentException e) {
      throw new Values.BadValue("the key does not have the " + config.primaryKey().size()
          + " parts the primary key needs (a JSON array of strings in primary-key order): " + e.getMessage());
    }
  }

  private Object[] upsertValues(Entity entity, List<ColumnSpec> columns) throws Values.BadValue {
    String raw = entity.dataAsString();
    JsonNode root;
    try {
      root = Values.JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new Values.BadValue("the payload is not JSON: " + e.getOriginalMessage());
    }
    if (root == null) {
      throw new Values.BadValue("the payload is empty");
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns.get(i);
      if (c.isKeyColumn()) {
        values[i] = entity.keyAsString();
      } else if (c.path().isRoot() && (c.category() == SqlType.Category.JSON
          || c.category() == SqlType.Category.TEXT)) {
        values[i] = raw; // the whole payload, byte for byte
      } else {
        values[i] = Values.fromJson(c, c.path().select(root), null, dialect);
      }
    }
    return values;
  }

  private static List<Object> rowKey(Object[] values) {
    Object[] parts = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      parts[i] = Values.keyPart(values[i]);
    }
    return Arrays.asList(parts);
  }

  /**
   * Writes the operations in log order, as runs of upserts and runs of deletes, each run one JDBC
   * batch. Within a run only the last operation on a row is kept: the run commits as a whole, so
   * the result is the same, and a multi-row INSERT may not touch a row twice.
   */
  private void write(Connection c, List<RowOp> ops) throws SQLException {
    PreparedStatement upsert = null;
    PreparedStatement delete = null;
    try {
      int start = 0;
      while (start < ops.size()) {
        boolean isDelete = ops.get(start).delete();
        int end = start;
        while (end < ops.size() && ops.get(end).delete() == isDelete) {
          end++;
        }
        List<RowOp> run = lastPerRow(ops.subList(start, end));
        if (!isDelete && dialect == Dialect.MYSQL && run.size() > 1) {
          writeMultiRow(c, run);
        } else {
          PreparedStatement ps;
          if (isDelete) {
            ps = delete != null ? delete : (delete = c.prepareStatement(table.statements().delete()));
          } else {
            ps = upsert != null ? upsert : (upsert = c.prepareStatement(table.statements().upsert()));
          }
          List<ColumnSpec> cols = isDelete ? config.primaryKey() : config.columns();
          int inBatch = 0;
          for (RowOp op : run) {
            for (int i = 0; i < cols.size(); i++) {
              Values.bind(ps, i + 1, cols.get(i), op.values()[i], dialect);
            }
            ps.addBatch();
            if (++inBatch == MAX_STATEMENTS_PER_BATCH) {
              ps.executeBatch();
              inBatch = 0;
            }
          }
          if (inBatch > 0) {
            ps.executeBatch();
          }
        }
        start = end;
      }
    } finally {
      closeQuietly(upsert);
      closeQuietly(delete);
    }
  }

  /**
   * MySQL/MariaDB: upserts as multi-row INSERT statements (the drivers do not rewrite an INSERT
   * ... ON DUPLICATE KEY UPDATE batch themselves); at most 1000 rows or 60000 parameters each.
   */
  private void writeMultiRow(Connection c, List<RowOp> run) throws SQLException {
    List<ColumnSpec> cols = config.columns();
    int perStatement = Math.max(1, Math.min(MAX_STATEMENTS_PER_BATCH, 60_000 / cols.size()));
    int done = 0;
    while (done < run.size()) {
      int k = Math.min(perStatement, run.size() - done);
      try (PreparedStatement ps = c.prepareStatement(table.statements().upsert(k))) {
        int p = 1;
        for (RowOp op : run.subList(done, done + k)) {
          for (int i = 0; i < cols.size(); i++) {
            Values.bind(ps, p++, cols.get(i), op.values()[i], dialect);
          }
        }
        ps.executeUpdate();
      }
      done += k;
    }
  }

  private static List<RowOp> lastPerRow(List<RowOp> run) {
    if (run.size() == 1) {
      return run;
    }
    Set<List<Object>> seen = new HashSet<>();
    List<RowOp> out = new ArrayList<>(run.size());
    for (int i = run.size() - 1; i >= 0; i--) {
      if (seen.add(run.get(i).rowKey())) {
        out.add(run.get(i));
      }
    }
    java.util.Collections.reverse(out);
    return out;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed: {}", e.toString());
    }
  }

  private static void closeQuietly(Statement s) {
    if (s != null) {
      try {
        s.close();
      } catch (SQLException e) {
        LOG.debug("closing a statement failed: {}", e.toString());
      }
    }
  }

  private static String describe(List<LogEntry> entries) {
    return entries.size() == 1 ? "entry " + entries.get(0).index()
        : entries.size() + " entries (" + entries.get(0).index() + " to " + entries.get(entries.size() - 1).index() + ")";
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
