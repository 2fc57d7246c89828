package io.committed.benchmarks;

import io.committed.CommittedLog;
import io.committed.testkit.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * End-to-end PostgreSQL change data capture into the in-memory engine (or, with {@code --raft}, into
 * the leader of a 3-node raft group in this JVM on loopback): 200,000 rows inserted in transactions
 * of 100 rows, each transaction one log entry.
 *
 * <ol>
 *   <li><b>backlog</b>: the rows are written while nothing reads the slot, then the ingestable
 *       streams them: rows per second from start to the last row in the log;
 *   <li><b>live</b>: the ingestable streams while a writer commits the transactions as fast as
 *       it can: rows per second, and for each transaction the time from its commit returning to
 *       its entry being readable from the log (p50, p99, max).
 * </ol>
 *
 * <p>Run with the servers of {@code scripts/test.sh}: {@code eval "$(scripts/test-databases.sh)"},
 * then {@code java -cp committed-benchmarks/target/benchmarks.jar
 * io.committed.benchmarks.PostgresIngestBenchmark [rows] [rowsPerTransaction] [--raft] [--pace rowsPerSecond]}
 * ({@code --pace} paces the live writer; unpaced by default). It creates and
 * drops its own database. With {@code --raft} the JVM needs the flags of
 * {@code RaftEngineFactory.jvmFlags()}.
 */
public final class PostgresIngestBenchmark {
  private final IngestRuns.Settings settings;
  private final String user;
  private final String password;
  private final int rows;
  private final int perTransaction;
  private final boolean raft;
  private final int pace;
  private String database;
  private String url;

  private PostgresIngestBenchmark(IngestRuns.Settings settings) {
    this.settings = settings;
    this.user = settings.user();
    this.password = settings.password();
    this.rows = settings.rows();
    this.perTransaction = settings.perTransaction();
    this.raft = settings.raft();
    this.pace = settings.pace();
  }

  public static void main(String[] args) throws Exception {
    new PostgresIngestBenchmark(IngestRuns.Settings.of("POSTGRES", args, 0)).run();
  }

  private void run() throws Exception {
    database = "bench_pg_" + ProcessHandle.current().pid();
    url = settings.url(database);
    execute(settings.baseUrl(), "create database " + database);
    try {
      System.out.printf("PostgreSQL ingest into %s: %,d rows in transactions of %d rows%n", IngestRuns.where(raft),
          rows, perTransaction);
      backlog();
      live();
    } finally {
      execute(url, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '"
          + database + "' and not active");
      execute(settings.baseUrl(), "drop database if exists " + database);
    }
  }

  private void backlog() throws Exception {
    String slot = database + "_backlog";
    execute(url, "create table backlog (id bigint primary key, name text, amount numeric(12,2), created timestamptz,"
        + " payload text)", "create publication committed_backlog for table backlog",
        "select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
        "select pg_create_logical_replication_slot('" + slot + "_bare', 'pgoutput')");
    long writeStart = System.nanoTime();
    try (Connection c = connect(url)) {
      IngestRuns.write(c, "backlog", rows, perTransaction, null, 0);
    }
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    bare(slot + "_bare");
    try (IngestRuns.Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("backlog", "[type]\nname = \"backlog\"");
      long start = System.nanoTime();
      log.ingestables().define("backlog", config("backlog", slot, "snapshot = \"never\""));
      IngestRuns.Arrival arrival = IngestRuns.awaitRows(log, "backlog", rows, Duration.ofMinutes(10));
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      double streaming = (end - arrival.firstEntryAt()) / 1e9;
      System.out.printf("backlog: written in %.1f s; ingested %,d rows (%,d entries) in %.2f s = %,.0f rows/s"
          + " (%.2f s = %,.0f rows/s from the first entry, without start-up and preflight)%n", writeSeconds, rows,
          arrival.entries(), seconds, rows / seconds, streaming, rows / streaming);
      log.ingestables().remove("backlog");
    }
  }

  /** The same backlog read by a bare decoder (PgJDBC stream and pgoutput decoding only), for reference. */
  private void bare(String slot) throws Exception {
    java.util.Properties p = new java.util.Properties();
    org.postgresql.PGProperty.USER.set(p, user);
    org.postgresql.PGProperty.PASSWORD.set(p, password);
    org.postgresql.PGProperty.REPLICATION.set(p, "database");
    org.postgresql.PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    org.postgresql.PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    long start = System.nanoTime();
    long seen = 0;
    try (Connection c = DriverManager.getConnection(url, p)) {
      var stream = c.unwrap(org.postgresql.PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot).withSlotOption("proto_version", "1")
          .withSlotOption("publication_names", "committed_backlog").start();
      while (seen < rows) {
        java.nio.ByteBuffer b = stream.read(); // blocks until the server sends the next message
        if (io.committed.ingest.postgres.internal.PgOutput.decode(b)
            instanceof io.committed.ingest.postgres.internal.PgOutput.Insert) {
          seen++;
        }
      }
      stream.close();
    }
    execute(url, "select pg_drop_replication_slot('" + slot + "')");
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("bare decoder (reference): %,d rows in %.2f s = %,.0f rows/s%n", seen, seconds, seen / seconds);
  }

  private void live() throws Exception {
    String slot = database + "_live";
    execute(url, "create table live (id bigint primary key, name text, amount numeric(12,2), created timestamptz,"
        + " payload text)");
    try (IngestRuns.Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("live", "[type]\nname = \"live\"");
      log.ingestables().define("live", config("live", slot, ""));
      Await.until("ingestable 'live' streaming", Duration.ofMinutes(2),
          () -> log.ingest().status("live").reported().map(r -> r.phase().equals("streaming")).orElse(false));
      try (Connection c = connect(url)) {
        IngestRuns.live(log, log.lastIndex() + 1, "live", c, rows, perTransaction, pace);
      }
      log.ingestables().remove("live");
    }
  }

  private IngestRuns.Target start() {
    return IngestRuns.start(raft, n -> n.equals("PGPASSWORD") ? password : System.getenv(n));
  }

  private String config(String id, String slot, String extra) {
    return "[ingestable]\nname = \"" + id + "\"\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\ntopic = \"" + id
        + "\"\ntables = [\"" + id + "\"]\nconnectionString = \"" + url + "?user=" + user + "&password=${PGPASSWORD}\"\n"
        + "[sql.postgres]\nslot_name = \"" + slot + "\"\npublication = \"committed_" + id + "\"\n" + extra + "\n";
  }

  private Connection connect(String jdbcUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  private void execute(String jdbcUrl, String... sql) throws SQLException {
    try (Connection c = connect(jdbcUrl); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

}
