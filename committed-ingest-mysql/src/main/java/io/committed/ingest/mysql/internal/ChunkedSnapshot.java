package io.committed.ingest.mysql.internal;

import io.committed.api.Entity;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial snapshot, copied while the binlog streams (DBLog's watermark method; no lock is
 * taken): for each chunk of a table, in key order, a low mark is written to the watermark table,
 * the chunk selected, a high mark written. The stream goes on meanwhile; between the two marks it
 * shows the changes that may be newer than the chunk's copy, so their keys leave the chunk. At the
 * high mark the rest of the chunk joins that transaction's entry, whose position carries the
 * chunk's last key: a restart resumes with the next chunk. Every row is in the log, and no row's
 * copy comes after a newer change to it.
 *
 * <p>Used by the ingest thread only, from {@link Streamer}.
 */
final class ChunkedSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkedSnapshot.class);
  /** A high mark that does not come back within this long is not reaching the binlog. */
  private static final long MARK_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** An open chunk, between the writing of its low mark and the arrival of its high one. */
  private static final class Window {
    final TableName table;
    final long low;
    final long high;
    final ChunkReader.Chunk chunk;
    final long written = System.nanoTime();
    boolean lowSeen;

    Window(TableName table, long low, long high, ChunkReader.Chunk chunk) {
      this.table = table;
      this.low = low;
      this.high = high;
      this.chunk = chunk;
    }
  }

  private final String ingestableId;
  private final Tables tables;
  private final Connection connection;
  private final ChunkReader reader;
  private final Watermarks marks;
  private final Deque<TableName> toCopy = new ArrayDeque<>();
  private List<String> after;
  private long copied;
  private long estimate;
  private Window window;
  private long chunks;
  private int tablesTotal;

  /** The tables of {@code state} not done are copied, the current one from after its last key. */
  ChunkedSnapshot(String ingestableId, MySqlSettings settings, Tables tables, Connection connection,
      Watermarks marks, ResumeState state) throws SQLException {
    this.ingestableId = ingestableId;
    this.tables = tables;
    this.connection = connection;
    this.reader = new ChunkReader(connection, settings.batchSize());
    this.marks = marks;
    this.copied = state.rows();
    if (state.snapshotting()) {
      for (TableName t : settings.tables()) {
        if (!state.done().contains(t.toString())) {
          toCopy.add(t);
        }
      }
      // the table being copied first, from after its last committed chunk
      TableName current = toCopy.stream().filter(t -> t.toString().equals(state.table())).findFirst().orElse(null);
      if (current != null) {
        toCopy.remove(current);
        toCopy.addFirst(current);
        after = state.after();
      }
    }
    recount();
    if (!toCopy.isEmpty()) {
      LOG.info("ingestable '{}': snapshot of {} ({} rows estimated) starts{}", ingestableId, toCopy, estimate,
          after == null ? "" : " after key " + after + " of " + toCopy.peek());
    }
  }

  private void recount() {
    tablesTotal = toCopy.size();
    estimate = copied;
    for (TableName t : toCopy) {
      long n = tables.info(t).rowsEstimated();
      estimate = n < 0 || estimate < 0 ? -1 : estimate + n;
    }
  }

  /**
   * Copies {@code again} from their first rows (a snapshot request), after what is left to copy;
   * the rows counted start again at 0 when nothing was left.
   */
  void copyAgain(List<TableName> again) {
    if (toCopy.isEmpty()) {
      copied = 0;
      chunks = 0;
    }
    again.stream().filter(t -> !toCopy.contains(t)).forEach(toCopy::add);
    recount();
    LOG.info("ingestable '{}': copying {} again ({} rows estimated)", ingestableId, again, estimate);
  }

  /** The run's side connection (for the snapshot's reads and the status's questions to the server). */
  Connection connection() {
    return connection;
  }

  /** Creates the watermark table if it is missing (before a requested copy). */
  void ensureMarks() throws SQLException {
    marks.ensure(connection);
  }

  /** True while tables are left to copy. */
  boolean active() {
    return !toCopy.isEmpty();
  }

  /** True when the next chunk may be read: no chunk is open and tables are left. */
  boolean wantsChunk() {
    return window == null && !toCopy.isEmpty();
  }

  long copied() {
    return copied;
  }

  long estimate() {
    return estimate;
  }

  /** What the status says about the copy. */
  String detail() {
    TableName t = toCopy.peek();
    return t == null ? "snapshot done" : "copying " + t + " (table " + (tablesTotal - toCopy.size() + 1) + " of "
        + tablesTotal + ")" + (after == null ? "" : " after key " + after) + ", " + chunks + " chunks this run"
        + (window != null && !window.lowSeen ? "; waiting for the low watermark" : "");
  }

  /**
   * Opens the next chunk: low mark, select, high mark.
   *
   * @throws SourceException when the previous chunk's marks never reached the binlog
   */
  void nextChunk() throws SQLException {
    TableName t = toCopy.peek();
    long low = Watermarks.newMark();
    long high = Watermarks.newMark();
    marks.write(connection, low);
    ChunkReader.Chunk chunk = reader.read(tables.current(t), tables.encoder(t), after);
    marks.write(connection, high);
    window = new Window(t, low, high, chunk);
    chunks++;
  }

  /**
   * Fails when an open chunk's high mark is overdue: called while the stream is idle, so the mark
   * is not behind a backlog; the watermark table's writes are not in the binary log.
   */
  void checkOverdue() {
    if (window != null && System.nanoTime() - window.written > MARK_TIMEOUT_NANOS) {
      throw new SourceException("the snapshot's watermarks written to " + marks.table() + " have not appeared in the"
          + " binary log for " + TimeUnit.NANOSECONDS.toMinutes(MARK_TIMEOUT_NANOS) + " minutes: is the table's"
          + " database left out by binlog_do_db/binlog_ignore_db? Choose a logged one with [sql.mysql] watermark_table");
    }
  }

  /** A row of captured table {@code t} changed in the stream: if its key is in the open chunk, the stream's change wins. */
  void changed(TableName t, byte[] key) {
    if (window != null && window.lowSeen && window.table.equals(t)) {
      window.chunk.rows().remove(ByteBuffer.wrap(key));
    }
  }

  /**
   * A mark arrived in the stream. At the open chunk's high mark, the chunk's rows not changed since
   * its low mark are added to {@code entities} (the mark's transaction), and the progress to apply
   * to that transaction's state is returned; null otherwise.
   */
  UnaryOperator<ResumeState> mark(long mark, List<Entity> entities) {
    if (window == null) {
      return null; // a mark of an earlier run
    }
    if (mark == window.low) {
      window.lowSeen = true;
      return null;
    }
    if (mark != window.high || !window.lowSeen) {
      return null;
    }
    Window w = window;
    window = null;
    entities.addAll(new ArrayList<>(w.chunk.rows().values()));
    copied += w.chunk.rows().size();
    long rows = copied;
    if (!w.chunk.last()) {
      after = w.chunk.lastKey();
      List<String> key = after;
      return s -> s.copying(w.table, key, rows);
    }
    toCopy.poll();
    after = null;
    LOG.info("ingestable '{}': snapshot copied {}; {} rows so far", ingestableId, w.table, rows);
    boolean finished = toCopy.isEmpty();
    return s -> finished ? s.copied(w.table, rows).streaming() : s.copied(w.table, rows);
  }
}
