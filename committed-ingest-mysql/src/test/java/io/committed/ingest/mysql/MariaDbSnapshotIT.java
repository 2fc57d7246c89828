package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.spi.IngestStatus;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SnapshotRequest;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chunked snapshot against the real MariaDB: copied while writes go on, crashed half-way and
 * resumed, and the values it reads equal to those the binlog gives.
 */
class MariaDbSnapshotIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("mysnap");
    my.sql("create table snap (id int primary key, v int not null, note varchar(50))");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  private TestIngestLog log(String topic, String table, String extraMysql) {
    return TestIngestLog.builder(FACTORY).ingestableId("snap").environment(my.environment())
        .document(my.config("snap", topic, "[\"" + table + "\"]", "", extraMysql)).type(topic).start();
  }

  private void fill(int rows) throws Exception {
    StringBuilder q = new StringBuilder("insert into snap values ");
    for (int i = 1; i <= rows; i++) {
      q.append(i == 1 ? "" : ", ").append("(").append(i).append(", 0, 'row ").append(i).append("')");
    }
    my.sql(q.toString());
  }

  /** The table as the entities the log should end with. */
  private Map<String, String> table() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = my.db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select id, v, note from snap order by id")) {
      while (r.next()) {
        String note = r.getString(3);
        out.put(Integer.toString(r.getInt(1)), "{\"id\":" + r.getInt(1) + ",\"v\":" + r.getInt(2) + ",\"note\":"
            + (note == null ? "null" : "\"" + note + "\"") + "}");
      }
    }
    return out;
  }

  /**
   * Writes until stopped: increments v of random keys (so each key's v only grows), deletes some
   * keys for good, inserts new keys above {@code rows}; every key is deleted at most once and never
   * inserted again.
   */
  private CompletableFuture<Integer> writer(int rows, long seed, AtomicBoolean stop) {
    return CompletableFuture.supplyAsync(() -> {
      Random random = new Random(seed);
      int n = 0;
      int next = rows + 1;
      try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
        while (!stop.get()) {
          int op = random.nextInt(10);
          int id = 1 + random.nextInt(rows);
          if (op < 7) {
            s.execute("update snap set v = v + 1, note = 'w" + n + "' where id = " + id);
          } else if (op < 8) {
            s.execute("delete from snap where id = " + id);
          } else {
            s.execute("insert into snap values (" + next++ + ", 1, null)");
          }
          n++;
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return n;
    });
  }

  /** Stops the writer, then waits for the log to fold to the table's rows and checks their order. */
  private int stopAndAwaitTheTable(TestIngestLog t, AtomicBoolean stop, CompletableFuture<Integer> writes, long seed)
      throws Exception {
    stop.set(true);
    int written = writes.get();
    Map<String, String> expected = table();
    Await.until("the log to equal the table (seed " + seed + ", " + written + " writes)", WAIT,
        () -> SqlTestSource.fold(t.log(), "snap").equals(expected));
    SqlTestSource.assertNoKeyOutOfOrder(t.log(), "snap", x -> false);
    return written;
  }

  private static void awaitStreaming(TestIngestRun run) {
    Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
  }

  @Test
  void aSnapshotCopiedWhileRowsChangeEndsEqualToTheTable() throws Exception {
    int rows = 4000;
    fill(rows);
    long seed = System.nanoTime();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> writes = writer(rows, seed, stop);
    try (TestIngestLog t = log("snap", "snap", "batch_size = 50")) {
      TestIngestRun run = t.newRun();
      List<IngestStatus> seen = new ArrayList<>();
      run.runInBackground(FACTORY);
      Await.until("streaming", WAIT, () -> {
        run.lastReported().ifPresent(seen::add);
        return run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false);
      });
      int written = stopAndAwaitTheTable(t, stop, writes, seed);
      assertThat(seen).anySatisfy(s -> {
        assertThat(s.phase()).isEqualTo("snapshot");
        assertThat(s.rowsCopied().orElseThrow()).isBetween(0L, (long) rows);
        assertThat(s.rowsEstimated().orElseThrow()).isPositive();
        assertThat(s.detail()).contains("copying " + my.db.databaseName() + ".snap (table 1 of 1)");
      });
      assertThat(written).as("writes while the snapshot ran").isPositive();
      assertThat(run.stop(WAIT)).isTrue();
      assertThat(t.position().orElseThrow().stateAsString()).contains("\"phase\":\"streaming\"")
          .contains("\"done\":[\"" + my.db.databaseName() + ".snap\"]");
    } finally {
      stop.set(true);
    }
  }

  @Test
  void aRequestedCopyWhileRowsChangeDeletesTheKeysTheTableLostAndARunStoppedMidCopyStartsItAgain()
      throws Exception {
    int rows = 2000;
    fill(rows);
    try (TestIngestLog t = log("snap", "snap", "batch_size = 40\nsnapshot = \"never\"")) {
      TestIngestRun first = t.newRun();
      first.runInBackground(FACTORY);
      awaitStreaming(first);
      my.sql("update snap set v = 1 where id <= " + rows); // streamed: every row into the log
      Map<String, String> streamed = table();
      Await.until("the log to hold every row", WAIT, () -> SqlTestSource.fold(t.log(), "snap").equals(streamed));
      // changes the binary log never shows (as if it had been purged): the log keeps rows and values the table lost
      try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
        s.execute("set sql_log_bin = 0");
        s.execute("delete from snap where id <= 100");
        s.execute("update snap set v = v + 5, note = 'unlogged' where id between 101 and 150");
        s.execute("insert into snap values (" + (rows + 10_000) + ", 1, 'unlogged insert')");
      }
      assertThat(SqlTestSource.fold(t.log(), "snap")).isNotEqualTo(table());

      long seed = System.nanoTime();
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Integer> writes = writer(rows, seed, stop);
      try {
        String table = my.db.databaseName() + ".snap";
        assertThatThrownBy(() -> t.log().ingest().requestSnapshot("snap", List.of(my.db.databaseName() + ".nope")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not captured by this ingestable");
        SnapshotRequest request = t.log().ingest().requestSnapshot("snap", List.of(table));
        assertThat(request.number()).isEqualTo(1);
        assertThat(request.tables()).containsExactly(table);
        Pattern afterKey = Pattern.compile("\"after\":\\[\"(\\d+)\"\\]");
        Await.until("the requested copy to pass key 400", WAIT, () -> {
          String state = t.position().map(p -> p.stateAsString()).orElse("");
          Matcher m = afterKey.matcher(state);
          return state.contains("\"reconcile\":[\"snap\"]") && m.find() && Integer.parseInt(m.group(1)) >= 400;
        });
        assertThat(first.crash(WAIT)).isTrue();

        TestIngestRun second = t.newRun();
        second.runInBackground(FACTORY);
        Await.until("the topic reconciled", WAIT, () -> t.position().map(p -> p.stateAsString()).orElse("")
            .contains("\"reconcile\":[]") && second.lastReported().map(r -> r.phase().equals("streaming"))
            .orElse(false));
        stopAndAwaitTheTable(t, stop, writes, seed);
        Await.until("the status to count the deletes", WAIT, () -> second.lastReported()
            .map(r -> r.detail().contains("snapshot requests taken up to 1")
                && r.detail().contains("; 100 keys deleted that the tables no longer have")).orElse(false));
        assertThat(second.stop(WAIT)).isTrue();
        assertThat(t.position().orElseThrow().stateAsString()).contains("\"request\":1");
      } finally {
        stop.set(true);
      }
    }
  }

  @Test
  void aRunCrashedMidSnapshotResumesAfterItsLastChunkLosingNothing() throws Exception {
    int rows = 3000;
    fill(rows);
    long seed = System.nanoTime();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> writes = writer(rows, seed, stop);
    try (TestIngestLog t = log("snap", "snap", "batch_size = 20")) {
      TestIngestRun first = t.newRun();
      first.runInBackground(FACTORY);
      Pattern afterKey = Pattern.compile("\"after\":\\[\"(\\d+)\"\\]");
      Await.until("the copy to pass key 600", WAIT, () -> {
        Matcher m = afterKey.matcher(t.position().map(p -> p.stateAsString()).orElse(""));
        return m.find() && Integer.parseInt(m.group(1)) >= 600;
      });
      assertThat(first.crash(WAIT)).isTrue();
      Matcher m = afterKey.matcher(t.position().orElseThrow().stateAsString());
      assertThat(m.find()).isTrue();
      int lastKey = Integer.parseInt(m.group(1));
      assertThat(lastKey).isLessThan(rows);
      long entriesAtCrash = t.log().lastIndex();
      my.sql("update snap set v = v + 1 where id = 1", "update snap set v = v + 1 where id = " + (lastKey + 1));

      TestIngestRun second = t.newRun();
      second.runInBackground(FACTORY);
      awaitStreaming(second);
      stopAndAwaitTheTable(t, stop, writes, seed);
      // the second run copies only keys after the last committed chunk: keys up to it come from the stream only
      int copiedAgain = 0;
      for (LogEntry e : SqlTestSource.all(t.log())) {
        if (e.index() > entriesAtCrash && e.entities().size() > 1) { // a chunk: the writer's transactions have one row each
          for (Entity x : e.entities()) {
            if (!x.delete() && Integer.parseInt(x.keyAsString()) <= lastKey) {
              copiedAgain++;
            }
          }
        }
      }
      assertThat(copiedAgain).as("rows at or before key %d copied again", lastKey).isZero();
      assertThat(second.stop(WAIT)).isTrue();
    } finally {
      stop.set(true);
    }
  }

  @Test
  void aTableAddedToTheConfigLaterIsCopiedWhileTheOthersStream() throws Exception {
    fill(10);
    my.sql("create table later (id int primary key, v int not null, note varchar(50))",
        "insert into later values (101, 0, 'a'), (102, 0, 'b'), (103, 0, 'c')");
    try (TestIngestLog t = log("snap", "snap", "batch_size = 2")) {
      TestIngestRun first = t.newRun();
      first.runInBackground(FACTORY);
      awaitStreaming(first);
      Await.until("the first table copied", WAIT, () -> SqlTestSource.fold(t.log(), "snap").size() == 10);
      assertThat(first.stop(WAIT)).isTrue();
      my.sql("update later set v = 1 where id = 101"); // before the table is captured: the copy has it
      t.log().ingestables().define("snap", my.config("snap", "snap", "[\"snap\", \"later\"]", "", "batch_size = 2"));
      TestIngestRun second = t.newRun();
      second.runInBackground(FACTORY);
      awaitStreaming(second);
      my.sql("insert into snap values (11, 0, 'new')", "update later set v = 2 where id = 103");
      Await.until("both tables and the last writes in the log", WAIT, () -> {
        Map<String, String> now = SqlTestSource.fold(t.log(), "snap");
        return now.size() == 14 && now.get("103").contains("\"v\":2");
      });
      Map<String, String> got = SqlTestSource.fold(t.log(), "snap");
      assertThat(got).containsEntry("101", "{\"id\":101,\"v\":1,\"note\":\"a\"}")
          .containsEntry("102", "{\"id\":102,\"v\":0,\"note\":\"b\"}")
          .containsEntry("103", "{\"id\":103,\"v\":2,\"note\":\"c\"}")
          .containsEntry("11", "{\"id\":11,\"v\":0,\"note\":\"new\"}");
      SqlTestSource.assertNoKeyOutOfOrder(t.log(), "snap", x -> false);
      assertThat(second.stop(WAIT)).isTrue();
      assertThat(t.position().orElseThrow().stateAsString()).contains("\"phase\":\"streaming\"")
          .contains(my.db.databaseName() + ".later");
    }
  }

  @Test
  void keysOfEveryPageableTypePageOneRowAtATime() throws Exception {
    Map<String, String[]> tables = new LinkedHashMap<>();
    tables.put("k_text_time", new String[] {"a varchar(10), b datetime(6), primary key (a, b)",
        "('x', '2024-01-01 00:00:00.5'), ('x', '2024-01-01 00:00:01'), ('y', '1999-12-31 23:59:59.999999'),"
            + " ('X ', '2000-01-01')"});
    tables.put("k_binary", new String[] {"b binary(4) primary key", "(0x00), (0x0001), (0xff), (0x7f000000)"});
    tables.put("k_unsigned", new String[] {"u bigint unsigned primary key",
        "(0), (9223372036854775807), (9223372036854775808), (18446744073709551615)"});
    tables.put("k_decimal", new String[] {"d decimal(21,10) primary key",
        "(-1.5), (0.0000000001), (12345678901.1234567891), (12345678901.1234567892)"});
    tables.put("k_enum", new String[] {"e enum('b', 'a', 'c') primary key", "('a'), ('b'), ('c')"});
    tables.put("k_ts_date", new String[] {"t timestamp(6) not null, d date, n int, primary key (t, d, n)",
        "('2024-05-01 10:00:00.000001', '2024-01-01', 1), ('2024-05-01 10:00:00.000001', '2024-01-01', 2),"
            + " ('2024-05-01 10:00:00.000001', '2024-01-02', 0), ('2030-01-01 00:00:00', '1000-01-01', -5)"});
    StringBuilder topics = new StringBuilder();
    for (Map.Entry<String, String[]> e : tables.entrySet()) {
      my.sql("create table " + e.getKey() + " (" + e.getValue()[0] + ")");
      try (Connection c = my.db.connect(); Statement st = c.createStatement()) {
        st.execute("set time_zone = '+00:00'");
        st.execute("insert into " + e.getKey() + " values " + e.getValue()[1]);
      }
      topics.append("[[sql.topics]]\ntopic = \"").append(e.getKey()).append("\"\ntables = [\"").append(e.getKey())
          .append("\"]\n");
    }
    String doc = my.config("keys", "x", "[\"x\"]", "", "batch_size = 1").replace("topic = \"x\"\n", "")
        .replace("tables = [\"x\"]\n", topics.toString());
    TestIngestLog.Builder b = TestIngestLog.builder(FACTORY).ingestableId("keys").environment(my.environment())
        .document(doc);
    tables.keySet().forEach(b::type);
    try (TestIngestLog t = b.start()) {
      TestIngestRun run = t.newRun();
      run.runInBackground(FACTORY);
      awaitStreaming(run);
      for (String table : tables.keySet()) {
        int rows = tables.get(table)[1].split("\\),").length;
        assertThat(SqlTestSource.fold(t.log(), table)).as(table).hasSize(rows);
        assertThat(SqlTestSource.entries(t.log(), table)).as(table + ": one row per chunk, each once").hasSize(rows);
      }
      assertThat(run.stop(WAIT)).isTrue();
    }
  }

  @Test
  void snapshotJsonEqualsStreamJsonForEveryType() throws Exception {
    my.sql("drop table snap");
    my.sql(MariaDbValuesIT.CREATE);
    try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
      s.execute("set time_zone = '+02:00'");
      s.execute(MariaDbValuesIT.INSERT);
      s.execute("insert into vals (id) values (2)");
      s.execute(MariaDbValuesIT.INSERT.replace("values (1,", "values (3,"));
      s.execute("set sql_mode = ''");
      s.execute("update vals set y = 0, en = '', st = '', b1 = b'0', de = 0 where id = 3");
    }
    try (TestIngestLog t = log("vals", "vals", "")) {
      TestIngestRun run = t.newRun();
      run.runInBackground(FACTORY);
      awaitStreaming(run);
      Map<String, String> got = SqlTestSource.fold(t.log(), "vals");
      assertThat(got.get("1")).isEqualTo(MariaDbValuesIT.ROW1);
      assertThat(got.get("2")).isEqualTo(MariaDbValuesIT.NULLS);
      assertThat(got.get("3")).isEqualTo(MariaDbValuesIT.ROW1.replace("\"id\":1", "\"id\":3")
          .replace("\"y\":2024", "\"y\":0").replace("\"en\":\"green\"", "\"en\":\"\"")
          .replace("\"st\":\"a,c\"", "\"st\":\"\"").replace("\"b1\":1", "\"b1\":0")
          .replace("\"de\":-12345678.9012", "\"de\":0.0000"));
      assertThat(run.stop(WAIT)).isTrue();
    }
  }
}
