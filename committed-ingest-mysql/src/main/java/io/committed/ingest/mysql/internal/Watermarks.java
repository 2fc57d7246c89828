package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import java.io.Serializable;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The watermark table of the chunked snapshot: one row per ingestable whose {@code mark} column
 * the snapshot sets before and after it selects a chunk. The writes are committed transactions, so
 * they reach the binary log in commit order with everything else: a change the stream shows
 * between the low and the high mark may be newer than the chunk's copy of its row, any change
 * before the low mark is in the copy, any after the high mark comes after it in the log. (The
 * binlog's coordinates alone would not do: a transaction is in the binary log before its rows are
 * visible to other sessions, so a select right after reading the coordinates can miss it.)
 */
final class Watermarks {
  private static final int ER_TABLEACCESS_DENIED = 1142;
  private static final int ER_DBACCESS_DENIED = 1044;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TableName table;
  private final String ingestableId;

  Watermarks(TableName table, String ingestableId) {
    this.table = table;
    this.ingestableId = ingestableId;
  }

  TableName table() {
    return table;
  }

  /** A new mark: random, so that marks of an earlier run (still in the binlog) never match. */
  static long newMark() {
    return RANDOM.nextLong() & Long.MAX_VALUE;
  }

  /**
   * Creates the table if it does not exist and checks that the user may write it.
   *
   * @throws SourceException saying what to grant or create
   */
  void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("create table if not exists " + Sql.table(table) + " (ingestable varchar(190) primary key,"
          + " mark bigint not null) comment 'Committed: snapshot watermarks (see docs/mysql-ingest.md)'");
    } catch (SQLException e) {
      if (e.getErrorCode() != ER_TABLEACCESS_DENIED && e.getErrorCode() != ER_DBACCESS_DENIED) {
        throw e;
      }
      // no CREATE: the table may exist already; the write below says
    }
    try {
      write(c, newMark());
    } catch (SQLException e) {
      throw new SourceException("the snapshot's watermark table " + table + " cannot be written (" + e.getMessage()
          + "): CREATE TABLE " + Sql.table(table) + " (ingestable varchar(190) primary key, mark bigint not null)"
          + " and GRANT INSERT, UPDATE ON " + Sql.table(table) + " to the user, set [sql.mysql] watermark_table to"
          + " a table it may write, or set snapshot = \"never\"");
    }
  }

  /** Sets this ingestable's mark, in a transaction of its own (the connection is in auto-commit mode). */
  void write(Connection c, long mark) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("insert into " + Sql.table(table) + " (ingestable, mark)"
        + " values (?, ?) on duplicate key update mark = values(mark)")) {
      s.setString(1, ingestableId);
      s.setLong(2, mark);
      s.executeUpdate();
    }
  }

  /** The index of the mark column in rows of {@code map}, or -1 when the map is not of the watermark table. */
  int markColumn(TableMapEventData map) {
    if (!table.schema().equals(map.getDatabase()) || !table.name().equals(map.getTable())) {
      return -1;
    }
    List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
    return names == null ? -1 : names.indexOf("mark");
  }

  /** The mark in a row of the watermark table, or -1. */
  static long mark(Serializable[] row, int column) {
    return column >= 0 && column < row.length && row[column] instanceof Number n ? n.longValue() : -1;
  }
}
