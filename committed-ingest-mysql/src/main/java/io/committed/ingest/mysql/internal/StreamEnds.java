package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.network.ServerException;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import java.util.Locale;

/** Why the binlog stream ended, as the error the ingestable throws. */
final class StreamEnds {
  private StreamEnds() {}

  /** The server no longer has the position streaming was to resume from, and the config says to copy afresh. */
  static final class PositionLost extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ResumeState lost;

    PositionLost(ResumeState lost, String serverMessage) {
      super("the binary log no longer has the committed position " + lost.file() + ":" + lost.pos()
          + (lost.gtids().isEmpty() ? "" : " (GTID " + lost.gtids() + ")") + ": " + serverMessage);
      this.lost = lost;
    }
  }

  /**
   * What the end of the binlog stream means: a lost position, a duplicate server id or a refused
   * user as errors that say what to do (permanent ones park the ingestable), otherwise a transient
   * failure the supervisor retries.
   *
   * @param state where streaming stood
   */
  static RuntimeException ended(Exception cause, MySqlSettings settings, ResumeState state) {
    if (cause instanceof ServerException se) {
      String m = se.getMessage() == null ? "" : se.getMessage();
      if (se.getErrorCode() == 1236) { // ER_MASTER_FATAL_ERROR_READING_BINLOG
        if (m.toLowerCase(Locale.ROOT).contains("server_id") || m.toLowerCase(Locale.ROOT).contains("server id")) {
          return new SourceException("the server dropped the binlog stream because another client uses server_id "
              + settings.serverId() + " (" + m + "): set a unique [sql.mysql] server_id");
        }
        if (settings.onPositionLost() == OnPositionLost.RESNAPSHOT) {
          return new PositionLost(state, m);
        }
        return new SourceException("the binary log no longer has the committed position " + state.file() + ":"
            + state.pos() + (state.gtids().isEmpty() ? "" : " (GTID " + state.gtids() + ")") + ": " + m
            + ". Changes may be missing from the log, so ingestion stops here; remove the ingestable and define it"
            + " again to copy the tables afresh");
      }
      if (se.getErrorCode() == 1227 || se.getErrorCode() == 1044 || se.getErrorCode() == 1045) {
        return new SourceException("the server refused the binlog stream to user " + settings.address().user() + ": "
            + m + " (it needs REPLICATION SLAVE)");
      }
    }
    return new IllegalStateException("the binlog stream from " + settings.address() + " ended"
        + (cause == null ? "" : ": " + cause.getMessage()), cause);
  }
}
