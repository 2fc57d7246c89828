package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.LogReader;
import io.committed.api.LogEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

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
 * io.committed.benchmarks.PostgresIngestBenchmark [rows] [rowsPerTransaction] [--raft]}. It creates and
 * drops its own database. With {@code --raft} the JVM needs the flags of
 * {@code RaftEngineFactory.jvmFlags()}.
 */
public final class PostgresIngestBenchmark {
  private static final String PASSWORD_VARIABLE = "COMMITTED_TEST_POSTGRES_PASSWORD";

  private final String baseUrl;
  private final String user;
  private final String password;
  private final int rows;
  private final int perTransaction;
  private final boolean raft;
  private String database;
  private long firstEntryAt;
  private String url;

  private PostgresIngestBenchmark(String baseUrl, String user, String password, int rows, int perTransaction,
      boolean raft) {
    this.raft = raft;
    this.baseUrl = baseUrl;
    this.user = user;
    this.password = password;
    this.rows = rows;
    this.perTransaction = perTransaction;
  }

  public static void main(String[] args) throws Exception {
    String base = System.getenv("COMMITTED_TEST_POSTGRES_URL");
    if (base == null) {
      System.err.println("set COMMITTED_TEST_POSTGRES_URL, _USER and _PASSWORD (eval \"$(scripts/test-databases.sh)\")");
      System.exit(2);
    }
    boolean raft = java.util.List.of(args).contains("--raft");
    String[] numbers = Arrays.stream(args).filter(a -> !a.equals("--raft")).toArray(String[]::new);
    int rows = numbers.length > 0 ? Integer.parseInt(numbers[0]) : 200_000;
    int per = numbers.length > 1 ? Integer.parseInt(numbers[1]) : 100;
    PostgresIngestBenchmark b = new PostgresIngestBenchmark(base, System.getenv("COMMITTED_TEST_POSTGRES_USER"),
        System.getenv(PASSWORD_VARIABLE), rows, per, raft);
    b.run();
  }

  private void run() throws Exception {
    database = "bench_pg_" + ProcessHandle.current().pid();
    url = baseUrl.replaceAll("/[^/?]*(\\?|$)", "/" + database + "$1");
    execute(baseUrl, "create database " + database);
    try {
      System.out.printf("PostgreSQL ingest into %s: %,d rows in transactions of %d rows%n",
          raft ? "the leader of 3 raft nodes on loopback (fsync on)" : "the in-memory engine", rows, perTransaction);
      backlog();
      live();
    } finally {
      execute(url, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '"
          + database + "' and not active");
      execute(baseUrl, "drop database if exists " + database);
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
      write(c, "backlog", null);
    }
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    bare(slot + "_bare");
    try (Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("backlog", "[type]\nname = \"backlog\"");
      long start = System.nanoTime();
      log.ingestables().define("backlog", config("backlog", slot, "snapshot = \"never\""));
      long last = awaitRows(log, "backlog", Duration.ofMinutes(10));
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      double streaming = (end - firstEntryAt) / 1e9;
      System.out.printf("backlog: written in %.1f s; ingested %,d rows (%,d entries) in %.2f s = %,.0f rows/s"
          + " (%.2f s = %,.0f rows/s from the first entry, without start-up and preflight)%n", writeSeconds, rows,
          last, seconds, rows / seconds, streaming, rows / streaming);
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
        java.nio.ByteBuffer b = stream.readPending();
        if (b == null) {
          LockSupport.parkNanos(100_000);
          continue;
        }
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
    int transactions = rows / perTransaction;
    long[] committedAt = new long[transactions];
    long[] loggedAt = new long[transactions];
    try (Target target = start()) {
      CommittedLog log = target.log();
      log.types().define("live", "[type]\nname = \"live\"");
      log.ingestables().define("live", config("live", slot, ""));
      while (!log.ingest().status("live").reported().map(r -> r.phase().equals("streaming")).orElse(false)) {
        LockSupport.parkNanos(1_000_000);
      }
      long from = log.lastIndex() + 1;
      AtomicBoolean done = new AtomicBoolean();
      Thread tail = new Thread(() -> {
        try (LogReader reader = log.reader(from)) {
          int seen = 0;
          while (seen < transactions) {
            for (LogEntry e : reader.poll(1000, Duration.ofMillis(100))) {
              long now = System.nanoTime();
              if (!e.entities().isEmpty() && e.entities().get(0).typeId().equals("live")) {
                long id = Long.parseLong(e.entities().get(0).keyAsString());
                loggedAt[(int) (id / perTransaction)] = now;
                seen++;
              }
            }
          }
          done.set(true);
        }
      });
      tail.start();
      long start = System.nanoTime();
      try (Connection c = connect(url)) {
        write(c, "live", committedAt);
      }
      double writeSeconds = (System.nanoTime() - start) / 1e9;
      tail.join(Duration.ofMinutes(10).toMillis());
      if (!done.get()) {
        throw new IllegalStateException("the log did not receive every transaction");
      }
      long end = Arrays.stream(loggedAt).max().orElseThrow();
      double seconds = (end - start) / 1e9;
      long[] latency = new long[transactions];
      for (int i = 0; i < transactions; i++) {
        latency[i] = loggedAt[i] - committedAt[i];
      }
      Arrays.sort(latency);
      System.out.printf("live: writer committed %,d rows in %.2f s (%,.0f rows/s); all in the log after %.2f s ="
          + " %,.0f rows/s end to end%n", rows, writeSeconds, rows / writeSeconds, seconds, rows / seconds);
      System.out.printf("live: commit-to-log latency per transaction: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          latency[transactions / 2] / 1e6, latency[(int) (transactions * 0.99)] / 1e6, latency[transactions - 1] / 1e6);
      log.ingestables().remove("live");
    }
  }

  /** Inserts the rows, {@code perTransaction} per transaction, recording when each commit returned. */
  private void write(Connection c, String table, long[] committedAt) throws SQLException {
    c.setAutoCommit(false);
    StringBuilder sql = new StringBuilder("insert into ").append(table).append(" values ");
    for (int i = 0; i < perTransaction; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, now(), ?)");
    }
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int t = 0; t < rows / perTransaction; t++) {
        int p = 1;
        for (int i = 0; i < perTransaction; i++) {
          long id = (long) t * perTransaction + i;
          s.setLong(p++, id);
          s.setString(p++, "customer " + id);
          s.setBigDecimal(p++, java.math.BigDecimal.valueOf(id % 100_000, 2));
          s.setString(p++, "payload of row " + id + " with some text to make it a realistic size");
        }
        s.execute();
        c.commit();
        if (committedAt != null) {
          committedAt[t] = System.nanoTime();
        }
      }
    }
  }

  private long awaitRows(CommittedLog log, String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long entries = 0;
    long seen = 0;
    long next = 1;
    while (seen < rows) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + seen + " rows arrived within " + timeout);
      }
      var page = log.read(next, 10_000);
      if (page.isEmpty()) {
        LockSupport.parkNanos(1_000_000);
        continue;
      }
      for (LogEntry e : page) {
        if (e.entities().get(0).typeId().equals(topic)) {
          if (entries == 0) {
            firstEntryAt = System.nanoTime();
          }
          entries++;
          seen += e.entities().size();
        }
      }
      next = page.get(page.size() - 1).index() + 1;
    }
    return entries;
  }

  /** The log the rows go into, and what closes it (with the other raft nodes when there are some). */
  private record Target(CommittedLog log, AutoCloseable resources) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      resources.close();
    }
  }

  private Target start() {
    java.util.function.UnaryOperator<String> env = n -> n.equals("PGPASSWORD") ? password : System.getenv(n);
    if (raft) {
      LoopbackCluster cluster = LoopbackCluster.start(null, 3, b -> b.environment(env));
      return new Target(cluster.leader(Duration.ofSeconds(30)), cluster);
    }
    CommittedLog log = Committed.builder().inMemory().environment(env).start();
    return new Target(log, log);
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
