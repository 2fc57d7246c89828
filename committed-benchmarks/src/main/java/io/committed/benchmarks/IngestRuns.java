package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.LogReader;
import io.committed.api.LogEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * What the CDC benchmarks share: the log the rows go into (in-memory, or the leader of three raft
 * nodes on loopback), the writer of the source transactions, the wait for a backlog, and the tail
 * that times each transaction from its commit to its entry in the log.
 *
 * <p>The source table is {@code (id bigint primary key, name, amount decimal(12,2), created,
 * payload)}; transaction {@code t} holds ids {@code t * perTransaction} to {@code (t + 1) *
 * perTransaction - 1}, so an entry's first key names its transaction.
 */
final class IngestRuns {
  private IngestRuns() {}

  /** The log the rows go into, and what closes it (with the other raft nodes when there are some). */
  record Target(CommittedLog log, AutoCloseable resources) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      resources.close();
    }
  }

  static Target start(boolean raft, UnaryOperator<String> env) {
    if (raft) {
      LoopbackCluster cluster = LoopbackCluster.start(null, 3, b -> b.environment(env));
      return new Target(cluster.leader(Duration.ofSeconds(30)), cluster);
    }
    CommittedLog log = Committed.builder().inMemory().environment(env).start();
    return new Target(log, log);
  }

  static String where(boolean raft) {
    return raft ? "the leader of 3 raft nodes on loopback (fsync on)" : "the in-memory engine";
  }

  /**
   * Inserts {@code rows} rows, {@code perTransaction} per transaction, recording in
   * {@code committedAt} (when not null) when each commit returned. With {@code rowsPerSecond} above
   * 0 the transactions are paced to that rate (each waits for its slot; a late one goes at once).
   */
  static void write(Connection c, String table, int rows, int perTransaction, long[] committedAt,
      int rowsPerSecond) throws SQLException {
    c.setAutoCommit(false);
    StringBuilder sql = new StringBuilder("insert into ").append(table).append(" values ");
    for (int i = 0; i < perTransaction; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, now(), ?)");
    }
    long interval = rowsPerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) * perTransaction / rowsPerSecond : 0;
    long start = System.nanoTime();
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int t = 0; t < rows / perTransaction; t++) {
        if (interval > 0) {
          long slot = start + t * interval;
          while (System.nanoTime() < slot) {
            LockSupport.parkNanos(slot - System.nanoTime()); // pacing the source is the point here
          }
        }
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

  /** How a backlog arrived: entries of the topic, and when the first one was read. */
  record Arrival(long entries, long firstEntryAt) {}

  /** Waits until {@code rows} rows of {@code topic} are in the log. */
  static Arrival awaitRows(CommittedLog log, String topic, long rows, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long entries = 0;
    long seen = 0;
    long first = 0;
    try (LogReader reader = log.reader(1)) {
      while (seen < rows) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("only " + seen + " rows arrived within " + timeout);
        }
        for (LogEntry e : reader.poll(10_000, Duration.ofNanos(left))) {
          if (!e.entities().isEmpty() && e.entities().get(0).typeId().equals(topic)) {
            if (entries == 0) {
              first = System.nanoTime();
            }
            entries++;
            seen += e.entities().size();
          }
        }
      }
    }
    return new Arrival(entries, first);
  }

  /**
   * Writes {@code rows} into {@code table} through {@code c} while a tail reads the log from
   * {@code from}, then prints the rates and the commit-to-log latency per transaction.
   */
  static void live(CommittedLog log, long from, String topic, Connection c, int rows, int perTransaction,
      int rowsPerSecond) throws Exception {
    int transactions = rows / perTransaction;
    long[] committedAt = new long[transactions];
    long[] loggedAt = new long[transactions];
    AtomicBoolean done = new AtomicBoolean();
    Thread tail = new Thread(() -> {
      try (LogReader reader = log.reader(from)) {
        int seen = 0;
        while (seen < transactions) {
          for (LogEntry e : reader.poll(1000, Duration.ofMillis(100))) {
            long now = System.nanoTime();
            if (!e.entities().isEmpty() && e.entities().get(0).typeId().equals(topic)) {
              long id = Long.parseLong(e.entities().get(0).keyAsString());
              loggedAt[(int) (id / perTransaction)] = now;
              seen++;
            }
          }
        }
        done.set(true);
      }
    }, "benchmark-tail");
    tail.start();
    long start = System.nanoTime();
    write(c, topic, rows, perTransaction, committedAt, rowsPerSecond);
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
    String pace = rowsPerSecond > 0 ? "paced at " + String.format("%,d", rowsPerSecond) + " rows/s" : "unpaced";
    System.out.printf("live (%s): writer committed %,d rows in %.2f s (%,.0f rows/s); all in the log after %.2f s ="
        + " %,.0f rows/s end to end%n", pace, rows, writeSeconds, rows / writeSeconds, seconds, rows / seconds);
    System.out.printf("live (%s): commit-to-log latency per transaction: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        pace, latency[transactions / 2] / 1e6, latency[(int) (transactions * 0.99)] / 1e6,
        latency[transactions - 1] / 1e6);
  }

  /**
   * A run's settings: the test server (from {@code COMMITTED_TEST_<SERVER>_URL}, {@code _USER},
   * {@code _PASSWORD}), {@code [rows] [rowsPerTransaction]} (200,000 and 100 by default), {@code --raft}
   * and {@code --pace N} ({@code pace} by default).
   */
  record Settings(String baseUrl, String user, String password, int rows, int perTransaction, boolean raft,
      int pace) {

    /** Exits with status 2 when the server's variables are not set. */
    static Settings of(String server, String[] args, int pace) {
      String prefix = "COMMITTED_TEST_" + server + "_";
      String base = System.getenv(prefix + "URL");
      if (base == null) {
        System.err.println("set " + prefix + "URL, _USER and _PASSWORD (eval \"$(scripts/test-databases.sh)\")");
        System.exit(2);
      }
      String[] numbers = positional(args);
      return new Settings(base, System.getenv(prefix + "USER"), System.getenv().getOrDefault(prefix + "PASSWORD", ""),
          numbers.length > 0 ? Integer.parseInt(numbers[0]) : 200_000,
          numbers.length > 1 ? Integer.parseInt(numbers[1]) : 100, java.util.List.of(args).contains("--raft"),
          option(args, "--pace", pace));
    }

    /** The server's URL with another database. */
    String url(String database) {
      return baseUrl.replaceAll("/[^/?]*(\\?|$)", "/" + database + "$1");
    }
  }

  private static int option(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  /** The arguments that are neither flags nor their values: {@code --raft} and {@code --pace N} are left out. */
  private static String[] positional(String[] args) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--pace")) {
        i++;
      } else if (!args[i].startsWith("--")) {
        out.add(args[i]);
      }
    }
    return out.toArray(String[]::new);
  }
}
