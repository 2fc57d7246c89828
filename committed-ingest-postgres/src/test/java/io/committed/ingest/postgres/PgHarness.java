package io.committed.ingest.postgres;

import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.testkit.TestDatabases;
import io.committed.testkit.TestDatabases.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh PostgreSQL database and an in-memory log ingesting from it. Slots are named after the
 * database (unique on the server) and dropped, with the database, on close.
 */
final class PgHarness implements AutoCloseable {
  static final Database SERVER = TestDatabases.postgres();

  final Database db;
  /** Logs may be started from several threads at once (a parallel start of raft nodes). */
  private final List<CommittedLog> logs = new java.util.concurrent.CopyOnWriteArrayList<>();

  PgHarness(String prefix) throws SQLException {
    db = SERVER.freshDatabase(prefix);
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

  /** The connection string of this database, its password as ${PGPASSWORD}. */
  String connectionString() {
    return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + SERVER.user()
        + "&password=${PGPASSWORD}";
  }

  /** A flat-form ingestable config. */
  String config(String id, String topic, String tables, String extraSql, String extraPostgres) {
    return "[ingestable]\nname = \"" + id + "\"\ntype = \"sql\"\n"
        + "[sql]\ndialect = \"postgres\"\ntopic = \"" + topic + "\"\nconnectionString = \"" + connectionString() + "\"\n"
        + "tables = " + tables + "\n" + extraSql + "\n"
        + "[sql.postgres]\nslot_name = \"" + slot(id) + "\"\nstatus_interval = \"1s\"\n"
        + (extraPostgres.contains("heartbeat_interval") ? "" : "heartbeat_interval = \"1s\"\n")
        + extraPostgres + "\n";
  }

  void sql(String... statements) throws SQLException {
    db.execute(statements);
  }

  /** Runs statements in one transaction. */
  void transaction(String... statements) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String q : statements) {
        s.execute(q);
      }
      c.commit();
    }
  }

  /** Every entry of the log. */
  static List<LogEntry> all(CommittedLog log) {
    List<LogEntry> out = new ArrayList<>();
    while (true) {
      List<LogEntry> page = log.read(out.size() + 1, 100_000);
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
    }
  }

  /** The entries of the log that hold entities of {@code topic}. */
  static List<LogEntry> entries(CommittedLog log, String topic) {
    List<LogEntry> out = new ArrayList<>();
    for (LogEntry e : all(log)) {
      if (e.entities().stream().anyMatch(x -> x.typeId().equals(topic))) {
        out.add(e);
      }
    }
    return out;
  }

  /** The latest data per key of {@code topic}, folding upserts and deletes in log order. */
  static Map<String, String> fold(CommittedLog log, String topic) {
    Map<String, String> state = new LinkedHashMap<>();
    for (LogEntry e : all(log)) {
      for (Entity x : e.entities()) {
        if (!x.typeId().equals(topic)) {
          continue;
        }
        if (x.delete()) {
          state.remove(x.keyAsString());
        } else {
          state.put(x.keyAsString(), x.dataAsString());
        }
      }
    }
    return state;
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
    SERVER.dropDatabase(db);
  }
}
