package io.committed.ingest.mysql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** How many bytes of binary log the server has written past a position: the ingest lag in bytes. */
final class BinlogBacklog {
  /** One binary log file and its size, as {@code SHOW BINARY LOGS} lists them. */
  record LogFile(String name, long size) {}

  private BinlogBacklog() {}

  /**
   * The bytes after {@code file:pos} in {@code logs} (oldest first): the rest of {@code file} and
   * every later file; empty when {@code file} is not listed (purged, or another server's).
   */
  static OptionalLong bytesBehind(List<LogFile> logs, String file, long pos) {
    long behind = 0;
    boolean found = false;
    for (LogFile f : logs) {
      if (found) {
        behind += f.size();
      } else if (f.name().equals(file)) {
        found = true;
        behind += Math.max(0, f.size() - pos);
      }
    }
    return found ? OptionalLong.of(behind) : OptionalLong.empty();
  }

  /** {@link #bytesBehind} against the server's current list; empty when it cannot be read. */
  static OptionalLong bytesBehind(Connection c, String file, long pos) {
    List<LogFile> logs = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("show binary logs")) {
      while (r.next()) {
        logs.add(new LogFile(r.getString(1), r.getLong(2)));
      }
    } catch (SQLException e) {
      return OptionalLong.empty();
    }
    return bytesBehind(logs, file, pos);
  }
}
