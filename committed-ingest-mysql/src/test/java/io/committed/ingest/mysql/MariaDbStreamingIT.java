package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SourcePosition;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streaming from the real MariaDB: transactions as entries, positions, resume, threads. */
class MariaDbStreamingIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("mystream");
    my.sql("create table orders (id int primary key, note varchar(100), amount decimal(10,2))",
        "create table items (order_id int, n int, sku varchar(20), primary key (order_id, n))",
        "create table other (id int primary key)");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  private TestIngestLog log(String extraMysql, int maxProposalBytes) {
    String doc = my.config("s", "orders", "[\"orders\"]", "", extraMysql)
        .replace("topic = \"orders\"\n", "").replace("tables = [\"orders\"]\n",
            "[[sql.topics]]\ntopic = \"orders\"\ntables = [\"orders\"]\n[[sql.topics]]\ntopic = \"lines\"\n"
            + "tables = [\"items\"]\n");
    TestIngestLog.Builder b = TestIngestLog.builder(FACTORY).ingestableId("s").environment(my.environment())
        .document(doc).type("orders").type("lines");
    if (maxProposalBytes > 0) {
      b.maxProposalBytes(maxProposalBytes);
    }
    return b.start();
  }

  private static TestIngestRun started(TestIngestLog t) {
    TestIngestRun run = t.newRun();
    run.runInBackground(FACTORY);
    Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
    return run;
  }

  private static List<LogEntry> entries(TestIngestLog t) {
    List<LogEntry> out = new ArrayList<>();
    for (List<LogEntry> page = t.log().read(1, 10_000); !page.isEmpty(); page = t.log().read(out.size() + 1, 10_000)) {
      out.addAll(page);
    }
    return out;
  }

  private static String describe(LogEntry e) {
    return e.entities().stream().map(x -> x.typeId() + ":" + x.keyAsString() + (x.delete() ? "-" : "=" + x.dataAsString()))
        .collect(Collectors.joining(" "));
  }

  @Test
  void transactionsAreEntriesInCommitOrderWithKeysUpdatesAndDeletes() throws Exception {
    try (TestIngestLog t = log("", 0)) {
      TestIngestRun run = started(t);
      my.transaction("insert into orders values (1, 'first', 10.50)", "insert into orders values (2, 'second', 3)",
          "insert into items values (1, 1, 'A-1'), (1, 2, 'B-2')", "insert into other values (7)");
      my.sql("insert into other values (8)"); // another table only: no entry
      my.sql("update orders set note = 'changed', id = 3 where id = 2");
      my.transaction("delete from items where order_id = 1 and n = 2", "update orders set amount = amount + 1");
      Await.until("3 entries", WAIT, () -> t.log().lastIndex() >= 3);
      List<String> got = entries(t).stream().map(MariaDbStreamingIT::describe).toList();
      assertThat(got).containsExactly(
          "orders:1={\"id\":1,\"note\":\"first\",\"amount\":10.50} orders:2={\"id\":2,\"note\":\"second\",\"amount\":3.00}"
              + " lines:[\"1\",\"1\"]={\"order_id\":1,\"n\":1,\"sku\":\"A-1\"}"
              + " lines:[\"1\",\"2\"]={\"order_id\":1,\"n\":2,\"sku\":\"B-2\"}",
          "orders:2- orders:3={\"id\":3,\"note\":\"changed\",\"amount\":3.00}",
          "lines:[\"1\",\"2\"]- orders:1={\"id\":1,\"note\":\"first\",\"amount\":11.50}"
              + " orders:3={\"id\":3,\"note\":\"changed\",\"amount\":4.00}");
      assertThat(run.stop(WAIT)).isTrue();
      String state = t.position().orElseThrow().stateAsString();
      assertThat(state).contains("\"phase\":\"streaming\"").containsPattern("\"gtids\":\"0-1-\\d+\"");
    }
  }

  @Test
  void aRestartResumesAfterTheCommittedPositionAndTheSequenceOnlyGrows() throws Exception {
    for (String mode : List.of("gtid", "file")) {
      my.sql("delete from orders");
      try (TestIngestLog t = log("position = \"" + mode + "\"", 0)) {
        TestIngestRun run = started(t);
        for (int i = 1; i <= 5; i++) {
          my.sql("insert into orders values (" + i + ", 'n', 1)");
        }
        Await.until("5 entries", WAIT, () -> t.log().lastIndex() >= 5);
        assertThat(run.stop(WAIT)).isTrue();
        long before = t.position().orElseThrow().sequence();
        for (int i = 6; i <= 8; i++) {
          my.sql("insert into orders values (" + i + ", 'n', 1)"); // while nothing streams
        }
        TestIngestRun again = started(t);
        my.sql("insert into orders values (9, 'n', 1)");
        Await.until("9 entries", WAIT, () -> t.log().lastIndex() >= 9);
        assertThat(again.stop(WAIT)).isTrue();
        assertThat(entries(t)).extracting(e -> e.entities().get(0).keyAsString())
            .as(mode).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(t.position().map(SourcePosition::sequence).orElseThrow()).isGreaterThan(before);
        assertThat(again.redelivered()).isZero();
      }
    }
  }

  @Test
  void aTransactionLargerThanAProposalIsOneEntry() throws Exception {
    try (TestIngestLog t = log("", 64 * 1024)) {
      TestIngestRun run = started(t);
      List<String> statements = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        statements.add("insert into orders values (" + i + ", '" + "x".repeat(90) + "', " + i + ")");
      }
      my.transaction(statements.toArray(String[]::new));
      my.sql("insert into orders values (5000, 'after', 1)");
      Await.until("2 entries", WAIT, () -> t.log().lastIndex() >= 2);
      List<LogEntry> all = entries(t);
      assertThat(all).hasSize(2);
      assertThat(all.get(0).entities()).hasSize(2000).extracting(Entity::keyAsString).startsWith("0", "1", "2");
      assertThat(all.get(1).entities()).extracting(Entity::keyAsString).containsExactly("5000");
      assertThat(run.stop(WAIT)).isTrue();
    }
  }

  @Test
  void noBinlogThreadOutlivesARun() throws Exception {
    try (TestIngestLog t = log("", 0)) {
      TestIngestRun run = started(t);
      my.sql("insert into orders values (1, 'n', 1)");
      Await.until("1 entry", WAIT, () -> t.log().lastIndex() >= 1);
      assertThat(binlogThreads()).isNotEmpty();
      assertThat(run.stop(WAIT)).isTrue();
      Await.until("the binlog threads to end", Duration.ofSeconds(15), () -> binlogThreads().isEmpty());
      TestIngestRun crashed = started(t);
      assertThat(crashed.crash(WAIT)).isTrue();
      Await.until("the binlog threads of the crashed run to end", Duration.ofSeconds(15),
          () -> binlogThreads().isEmpty());
    }
  }

  private static List<String> binlogThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("committed-binlog-") || n.startsWith("blc-")).toList();
  }
}
