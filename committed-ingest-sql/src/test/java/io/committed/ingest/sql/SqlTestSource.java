package io.committed.ingest.sql;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.testkit.TestDatabases.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh database on a test server for one test, dropped on close, and the ingestable configs
 * that capture from it (the password as a {@code ${VAR}} of {@link #environment}). Each source's
 * tests extend it with what only that source has (slots, binlog settings).
 */
public abstract class SqlTestSource implements AutoCloseable {
  /** The server the database is on. */
  protected final Database server;
  /** The database of this test. */
  public final Database db;
  private final String dialect;
  private final String sourceSection;
  private final String passwordVariable;

  /**
   * @param dialect the {@code [sql] dialect} of the configs
   * @param sourceSection the name of the source's own section ({@code postgres}, {@code mysql})
   * @param passwordVariable the variable the configs take the password from
   */
  protected SqlTestSource(Database server, String prefix, String dialect, String sourceSection,
      String passwordVariable) throws SQLException {
    this.server = server;
    this.db = server.freshDatabase(prefix);
    this.dialect = dialect;
    this.sourceSection = sourceSection;
    this.passwordVariable = passwordVariable;
  }

  /** The settings of the source's own section a test config starts with (short intervals). */
  protected abstract String sourceDefaults(String ingestableId, String extraSource);

  /** The connection string of this database as the server's user, its password as a variable. */
  public String connectionString() {
    return connectionString(server.user());
  }

  public String connectionString(String user) {
    return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + user + "&password=${"
        + passwordVariable + "}";
  }

  /** The variables the configs refer to. */
  public Map<String, String> environment() {
    return Map.of(passwordVariable, server.password());
  }

  /** A flat-form ingestable config. */
  public String config(String id, String topic, String tables, String extraSql, String extraSource) {
    return config(id, connectionString(), topic, tables, extraSql, extraSource);
  }

  public String config(String id, String connectionString, String topic, String tables, String extraSql,
      String extraSource) {
    return "[ingestable]\nname = \"" + id + "\"\ntype = \"sql\"\n"
        + "[sql]\ndialect = \"" + dialect + "\"\ntopic = \"" + topic + "\"\nconnectionString = \"" + connectionString
        + "\"\ntables = " + tables + "\n" + extraSql + "\n"
        + "[sql." + sourceSection + "]\n" + sourceDefaults(id, extraSource) + extraSource + "\n";
  }

  public void sql(String... statements) throws SQLException {
    db.execute(statements);
  }

  /** Runs statements in one transaction. */
  public void transaction(String... statements) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String q : statements) {
        s.execute(q);
      }
      c.commit();
    }
  }

  @Override
  public void close() throws SQLException {
    server.dropDatabase(db);
  }

  /** Every entry of the log. */
  public static List<LogEntry> all(CommittedLog log) {
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
  public static List<LogEntry> entries(CommittedLog log, String topic) {
    List<LogEntry> out = new ArrayList<>();
    for (LogEntry e : all(log)) {
      if (e.entities().stream().anyMatch(x -> x.typeId().equals(topic))) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Commits transactions n = 1, 2, ... to table {@code seq (n int primary key, other int)}: an
   * insert each, and every third also an update of the row before (two entities, one entry),
   * pausing 5 ms every 50; at least {@code minTransactions}, and on while {@code more} holds.
   *
   * @return how many were committed
   */
  public int writeSeq(int minTransactions, java.util.function.BooleanSupplier more) throws SQLException {
    int transactions = 0;
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (transactions < minTransactions || more.getAsBoolean()) {
        int n = ++transactions;
        s.execute("insert into seq values (" + n + ", 0)");
        if (n % 3 == 0) {
          s.execute("update seq set other = " + n + " where n = " + (n - 1));
        }
        c.commit();
        if (n % 50 == 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // paced, so that stops land mid-stream
        }
      }
    }
    return transactions;
  }

  /**
   * Waits until each of {@code size} running nodes holds transaction {@code transactions} of
   * {@link #writeSeq}, then checks that every node holds transactions 1 to {@code transactions}
   * exactly once each, in commit order, and that the nodes' entries are identical.
   */
  public static void assertSeqOnceInOrderOnEveryNode(java.util.function.Supplier<Map<Integer, CommittedLog>> nodes,
      int size, int transactions, String context) {
    String last = Integer.toString(transactions);
    io.committed.testkit.Await.until("every transaction on every node", java.time.Duration.ofSeconds(120),
        () -> nodes.get().size() == size && nodes.get().values().stream().allMatch(l -> fold(l, "seq").containsKey(last)));
    List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, transactions).boxed().toList();
    List<LogEntry> reference = null;
    for (CommittedLog log : nodes.get().values()) {
      List<LogEntry> entries = entries(log, "seq");
      List<Integer> inserted = new ArrayList<>();
      for (LogEntry e : entries) {
        inserted.add(Integer.parseInt(e.entities().get(0).keyAsString()));
      }
      org.assertj.core.api.Assertions.assertThat(inserted).as("each transaction once, in commit order (%s)", context)
          .isEqualTo(expected);
      if (reference == null) {
        reference = entries;
      } else {
        org.assertj.core.api.Assertions.assertThat(entries).isEqualTo(reference);
      }
    }
  }

  /** The latest data per key of {@code topic}, folding upserts and deletes in log order. */
  public static Map<String, String> fold(CommittedLog log, String topic) {
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

  private static final java.util.regex.Pattern V = java.util.regex.Pattern.compile("\"v\":(\\d+)");

  /**
   * For a table whose writers only ever increment {@code v} and never re-insert a deleted key:
   * fails when a key's {@code v} goes down in log order, or a deleted key comes back (a copied row
   * written out of order with the stream). Entities {@code ignored} says are left out.
   */
  public static void assertNoKeyOutOfOrder(CommittedLog log, String topic, java.util.function.Predicate<Entity> ignored) {
    Map<String, Integer> lastV = new java.util.HashMap<>();
    java.util.Set<String> deleted = new java.util.HashSet<>();
    for (LogEntry e : entries(log, topic)) {
      for (Entity x : e.entities()) {
        String k = x.keyAsString();
        if (!x.typeId().equals(topic) || ignored.test(x)) {
          continue;
        }
        if (x.delete()) {
          deleted.add(k);
          continue;
        }
        org.assertj.core.api.Assertions.assertThat(deleted).as("key %s upserted at entry %d after its delete", k,
            e.index()).doesNotContain(k);
        java.util.regex.Matcher m = V.matcher(x.dataAsString());
        org.assertj.core.api.Assertions.assertThat(m.find()).as("v in %s", x.dataAsString()).isTrue();
        int v = Integer.parseInt(m.group(1));
        org.assertj.core.api.Assertions.assertThat(v).as("v of key %s at entry %d", k, e.index())
            .isGreaterThanOrEqualTo(lastV.getOrDefault(k, 0));
        lastV.put(k, v);
      }
    }
  }
}
