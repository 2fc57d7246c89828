package io.committed.ingest.postgres;

import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.TestDatabases;
import io.committed.testkit.TestDatabases.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A fresh PostgreSQL database and an in-memory log ingesting from it. Slots are named after the
 * database (unique on the server) and dropped, with the database, on close.
 */
final class PgHarness extends SqlTestSource {
  static final Database SERVER = TestDatabases.postgres();

  /** Logs may be started from several threads at once (a parallel start of raft nodes). */
  private final List<CommittedLog> logs = new java.util.concurrent.CopyOnWriteArrayList<>();

  PgHarness(String prefix) throws SQLException {
    super(SERVER, prefix, "postgres", "postgres", "PGPASSWORD");
  }

  @Override
  protected String sourceDefaults(String id, String extraPostgres) {
    return "slot_name = \"" + slot(id) + "\"\nstatus_interval = \"1s\"\n"
        + (extraPostgres.contains("heartbeat_interval") ? "" : "heartbeat_interval = \"1s\"\n");
  }

  /** A log whose environment has PGPASSWORD, restarting failed ingestables quickly. */
  CommittedLog startLog() {
    return startLog(Committed.builder().inMemory().ingestRetry(Duration.ofMillis(20), Duration.ofMillis(500), 1000));
  }

  CommittedLog startLog(io.committed.CommittedBuilder builder) {
    CommittedLog log = builder
        .environment(name -> name.equals("PGPASSWORD") ? SERVER.password() : System.getenv(name))
        .start();
    logs.add(log);
    return log;
  }

  /** The slot name for an ingestable of this database. */
  String slot(String id) {
    return (db.databaseName() + "_" + id).toLowerCase();
  }

  static void awaitStreaming(CommittedLog log, String id) {
    await("ingestable " + id + " streaming").atMost(Duration.ofSeconds(60)).until(() -> {
      IngestableStatus s = log.ingest().status(id);
      return s.reported().map(r -> r.phase().equals("streaming")).orElse(false);
    });
  }

  /** The slot's confirmed_flush_lsn as a number, or -1 when there is no slot. */
  long confirmedFlush(String slot) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select confirmed_flush_lsn - '0/0'::pg_lsn from pg_replication_slots"
            + " where slot_name = '" + slot + "'")) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  long currentLsn() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select pg_current_wal_lsn() - '0/0'::pg_lsn")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Ends every session of this database (the ingestable's walsender and queries): a lost connection. */
  int terminateSessions(String applicationNameLike) throws SQLException {
    try (Connection c = SERVER.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '"
            + db.databaseName() + "' and application_name like '" + applicationNameLike + "'"
            + " and pid <> pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  @Override
  public void close() throws SQLException {
    for (CommittedLog log : logs) {
      log.close();
    }
    try (Connection c = SERVER.connect(); Statement s = c.createStatement()) {
      for (int i = 0; i < 100; i++) {
        try (ResultSet r = s.executeQuery("select count(*) from pg_replication_slots where database = '"
            + db.databaseName() + "'")) {
          r.next();
          if (r.getInt(1) == 0) {
            break;
          }
        }
        s.execute("select pg_terminate_backend(active_pid) from pg_replication_slots where database = '"
            + db.databaseName() + "' and active");
        try {
          s.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '"
              + db.databaseName() + "' and not active");
        } catch (SQLException e) {
          // became active or was dropped meanwhile: look again
        }
      }
    }
    super.close();
  }
}
