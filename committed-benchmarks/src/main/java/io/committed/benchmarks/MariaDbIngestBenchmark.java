package io.committed.benchmarks;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.committed.CommittedLog;
import io.committed.testkit.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end MariaDB binlog change data capture into the in-memory engine (or, with {@code --raft},
 * into the leader of a 3-node raft group in this JVM on loopback): 200,000 rows inserted in
 * transactions of 100 rows, each transaction one log entry.
 *
 * <ol>
 *   <li><b>backlog</b>: the ingestable streams, is cut off from the server (its config points at
 *       a closed port), the rows are written, and its config is put back: rows per second from
 *       then to the last row in the log; next to a bare binlog reader (the connector alone, with
 *       its default decoding) reading the same backlog;
 *   <li><b>live</b>: the ingestable streams while a writer commits the transactions paced at
 *       {@code --pace} rows per second (5,000 by default; 0: as fast as it can): rows per second,
 *       and for each transaction the time from its commit returning to its entry being readable
 *       from the log (p50, p99, max).
 * </ol>
 *
 * <p>Run with the servers of {@code scripts/test.sh}: {@code eval "$(scripts/test-databases.sh)"},
 * then {@code java -cp committed-benchmarks/target/benchmarks.jar
 * io.committed.benchmarks.MariaDbIngestBenchmark [rows] [rowsPerTransaction] [--raft] [--pace N]}.
 * It creates and drops its own database. With {@code --raft} the JVM needs the flags of
 * {@code RaftEngineFactory.jvmFlags()}.
 */
public final class MariaDbIngestBenchmark {
  private final IngestRuns.Settings settings;
  private final String user;
  private final String password;
  private final int rows;
  private final int perTransaction;
  private final boolean raft;
  private final int pace;
  private String database;
  private String url;

  private MariaDbIngestBenchmark(IngestRuns.Settings settings) {
    this.settings = settings;
    this.user = settings.user();
    this.password = settings.password();
    this.rows = settings.rows();
    this.perTransaction = settings.perTransaction();
    this.raft = settings.raft();
    this.pace = settings.pace();
  }

  public static void main(String[] args) throws Exception {
    new MariaDbIngestBenchmark(IngestRuns.Settings.of("MARIADB", args, 5000)).run();
  }

  private void run() throws Exception {
    database = "bench_my_" + ProcessHandle.current().pid();
    url = settings.url(database);
    execute(settings.baseUrl(), "create database " + database);
    try {
      System.out.printf("MariaDB ingest into %s: %,d rows in transactions of %d rows%n", IngestRuns.where(raft), rows,
          perTransaction);
      backlog();
      live();
    } finally {
      execute(settings.baseUrl(), "drop database if exists " + database);
    }
  }

  private void backlog() throws Exception {
    execute(url, table("backlog"));
    try (IngestRuns.Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("backlog", "[type]\nname = \"backlog\"");
      log.ingestables().define("backlog", config("backlog", url));
      awaitStreaming(log, "backlog");
      // cut off: a new config version on a closed port restarts the run, which fails and backs off
      log.ingestables().define("backlog", config("backlog", "jdbc:mariadb://127.0.0.1:1/" + database));
      Await.until("the ingestable cut off", Duration.ofMinutes(1),
          () -> log.ingest().status("backlog").lastError().isPresent());
      String[] from = position();
      long writeStart = System.nanoTime();
      try (Connection c = connect(url)) {
        IngestRuns.write(c, "backlog", rows, perTransaction, null, 0);
      }
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      bare(from);
      long start = System.nanoTime();
      log.ingestables().define("backlog", config("backlog", url));
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

  /** The same backlog read by the binlog connector alone, from {@code from} (file, position), for reference. */
  private void bare(String[] from) throws Exception {
    java.net.URI u = java.net.URI.create(url.substring("jdbc:".length()));
    BinaryLogClient client = new BinaryLogClient(u.getHost(), u.getPort() < 0 ? 3306 : u.getPort(), user,
        password);
    client.setServerId(4_000_000_000L + ProcessHandle.current().pid() % 1_000_000);
    client.setBinlogFilename(from[0]);
    client.setBinlogPosition(Long.parseLong(from[1]));
    client.setKeepAlive(false);
    AtomicLong seen = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    client.registerEventListener(e -> {
      EventType type = e.getHeader().getEventType();
      if ((type == EventType.WRITE_ROWS || type == EventType.EXT_WRITE_ROWS)
          && seen.addAndGet(((WriteRowsEventData) e.getData()).getRows().size()) >= rows) {
        all.countDown();
      }
    });
    long start = System.nanoTime();
    client.connect(TimeUnit.SECONDS.toMillis(30));
    try {
      if (!all.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the bare reader saw only " + seen.get() + " rows");
      }
    } finally {
      client.disconnect();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("bare binlog reader (reference): %,d rows in %.2f s = %,.0f rows/s%n", seen.get(), seconds,
        seen.get() / seconds);
  }

  private void live() throws Exception {
    execute(url, table("live"));
    try (IngestRuns.Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("live", "[type]\nname = \"live\"");
      log.ingestables().define("live", config("live", url));
      awaitStreaming(log, "live");
      try (Connection c = connect(url)) {
        IngestRuns.live(log, log.lastIndex() + 1, "live", c, rows, perTransaction, pace);
      }
      log.ingestables().remove("live");
    }
  }

  private static String table(String name) {
    return "create table " + name + " (id bigint primary key, name text, amount decimal(12,2), created datetime(6),"
        + " payload text)";
  }

  private static void awaitStreaming(CommittedLog log, String id) {
    Await.until("ingestable '" + id + "' streaming", Duration.ofMinutes(2),
        () -> log.ingest().status(id).reported().map(r -> r.phase().equals("streaming")).orElse(false));
  }

  private IngestRuns.Target start() {
    return IngestRuns.start(raft, n -> n.equals("MYSQL_PASSWORD") ? password
        : System.getenv(n));
  }

  /** The ingestable of table {@code id}, reading the server at {@code jdbcUrl}. */
  private String config(String id, String jdbcUrl) {
    return "[ingestable]\nname = \"" + id + "\"\ntype = \"sql\"\n[sql]\ndialect = \"mariadb\"\ntopic = \"" + id
        + "\"\ntables = [\"" + database + "." + id + "\"]\nconnectionString = \"" + jdbcUrl
        + (jdbcUrl.contains("?") ? "&" : "?") + "user=" + user + "&password=${MYSQL_PASSWORD}\"\n"
        + "[sql.mysql]\nsnapshot = \"never\"\nstatus_interval = \"1s\"\nconnect_timeout = \"2s\"\n";
  }

  /** The server's current binlog file and position. */
  private String[] position() throws SQLException {
    try (Connection c = connect(url); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show master status")) {
      r.next();
      return new String[] {r.getString(1), r.getString(2)};
    }
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
