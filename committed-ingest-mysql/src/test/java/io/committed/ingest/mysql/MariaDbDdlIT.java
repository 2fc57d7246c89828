package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.LogEntry;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.spi.IngestableFactory;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ALTER TABLE while the ingestable streams, and while it is stopped (the events are read later from
 * the backlog, when the catalog already describes the newest shape): every value must be under the
 * name, and in the type, its column had when the row was written.
 */
class MariaDbDdlIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MyHarness my;

  /** Each step: the DDL before it (or null), then the insert of its row. */
  private static final List<String[]> STEPS = List.of(
      new String[] {"alter table t add column c decimal(6,2)", "insert into t values (2, 102, 'b2', 2.50)"},
      new String[] {"alter table t drop column a", "insert into t values (3, 'b3', 3.50)"},
      new String[] {"alter table t rename column b to bb", "insert into t values (4, 'b4', 4.50)"},
      new String[] {"alter table t modify c decimal(6,2) first", "insert into t values (5.50, 5, 'b5')"},
      new String[] {"alter table t modify c decimal(6,2) after bb", "insert into t values (6, 'b6', 6.50)"},
      new String[] {"alter table t add column a varchar(10) after id", "insert into t values (7, 'a7', 'b7', 7.50)"},
      new String[] {null, "update t set bb = 'b2u' where id = 2"});

  private static final Map<String, String> EXPECTED = expected();

  private static Map<String, String> expected() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("1", "{\"id\":1,\"a\":101,\"b\":\"b1\"}");
    m.put("2", "{\"id\":2,\"a\":102,\"b\":\"b2\",\"c\":2.50}");
    m.put("3", "{\"id\":3,\"b\":\"b3\",\"c\":3.50}");
    m.put("4", "{\"id\":4,\"bb\":\"b4\",\"c\":4.50}");
    m.put("5", "{\"c\":5.50,\"id\":5,\"bb\":\"b5\"}");
    m.put("6", "{\"id\":6,\"bb\":\"b6\",\"c\":6.50}");
    m.put("7", "{\"id\":7,\"a\":\"a7\",\"bb\":\"b7\",\"c\":7.50}");
    m.put("2u", "{\"id\":2,\"a\":null,\"bb\":\"b2u\",\"c\":2.50}");
    return m;
  }

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("myddl");
    my.sql("create table t (id int primary key, a int, b varchar(20))");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  private TestIngestLog log() {
    return TestIngestLog.builder(FACTORY).ingestableId("s").environment(my.environment())
        .document(my.config("s", "t", "[\"t\"]", "", "")).type("t").start();
  }

  private static TestIngestRun started(TestIngestLog t) {
    TestIngestRun run = t.newRun();
    run.runInBackground(FACTORY);
    Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
    return run;
  }

  @Test
  void valuesKeepTheirColumnsAcrossDdlWhileStreaming() throws Exception {
    try (TestIngestLog t = log()) {
      TestIngestRun run = started(t);
      my.sql("insert into t values (1, 101, 'b1')");
      for (String[] step : STEPS) {
        if (step[0] != null) {
          my.sql(step[0]);
        }
        my.sql(step[1]);
      }
      Await.until("8 entries", WAIT, () -> t.log().lastIndex() >= 8);
      assertThat(run.stop(WAIT)).isTrue();
      assertLog(t);
    }
  }

  @Test
  void valuesKeepTheirColumnsAcrossDdlReadFromTheBacklog() throws Exception {
    try (TestIngestLog t = log()) {
      TestIngestRun run = started(t);
      my.sql("insert into t values (1, 101, 'b1')");
      Await.until("1 entry", WAIT, () -> t.log().lastIndex() >= 1);
      assertThat(run.stop(WAIT)).isTrue();
      for (String[] step : STEPS) { // nothing streams: when the events are read, the catalog has the last shape
        if (step[0] != null) {
          my.sql(step[0]);
        }
        my.sql(step[1]);
      }
      TestIngestRun again = started(t);
      Await.until("8 entries", WAIT, () -> t.log().lastIndex() >= 8);
      assertThat(again.stop(WAIT)).isTrue();
      assertLog(t);
    }
  }

  @Test
  void aChangedTypeDoesNotChangeHowOlderEventsRead() throws Exception {
    my.sql("create table u (id int primary key, e enum('x','y'), n tinyint unsigned, s varchar(10) character set latin1,"
        + " d datetime(3))");
    String doc = my.config("s", "u", "[\"u\"]", "", "");
    try (TestIngestLog t = TestIngestLog.builder(FACTORY).ingestableId("s").environment(my.environment())
        .document(doc).type("u").start()) {
      TestIngestRun run = started(t);
      my.sql("insert into u values (0, 'x', 1, 'a', '2024-01-01 00:00:00.000')");
      Await.until("1 entry", WAIT, () -> t.log().lastIndex() >= 1);
      assertThat(run.stop(WAIT)).isTrue();
      my.sql("insert into u values (1, 'y', 200, 'caf\u00e9', '2024-05-01 10:15:30.123')",
          "alter table u modify e enum('w','x','y'), modify n int, modify s varbinary(10),"
              + " modify d varchar(30), rename column id to ident",
          "insert into u values (2, 'w', -5, x'01', 'text')");
      TestIngestRun again = started(t);
      Await.until("3 entries", WAIT, () -> t.log().lastIndex() >= 3);
      assertThat(again.stop(WAIT)).isTrue();
      assertThat(SqlTestSource.all(t.log()).stream().flatMap(e -> e.entities().stream())
          .map(x -> x.keyAsString() + "=" + x.dataAsString()).toList()).containsExactly(
          "0={\"id\":0,\"e\":\"x\",\"n\":1,\"s\":\"a\",\"d\":\"2024-01-01T00:00:00.000\"}",
          "1={\"id\":1,\"e\":\"y\",\"n\":200,\"s\":\"caf\u00e9\",\"d\":\"2024-05-01T10:15:30.123\"}",
          "2={\"ident\":2,\"e\":\"w\",\"n\":-5,\"s\":\"AQ==\",\"d\":\"text\"}");
    }
  }

  @Test
  void aTruncateIsNotPropagatedButTheStatusSaysSo() throws Exception {
    try (TestIngestLog t = log()) {
      TestIngestRun run = started(t);
      my.sql("insert into t values (1, 101, 'b1')", "insert into t values (2, 102, 'b2')", "truncate table t",
          "insert into t values (3, 103, 'b3')");
      Await.until("3 entries", WAIT, () -> t.log().lastIndex() >= 3);
      Await.until("the status to name the TRUNCATE", WAIT, () -> run.lastReported()
          .map(s -> s.detail().matches("(?s).*; 1 TRUNCATE statements not propagated, the last: TRUNCATE of \\S+\\.t"
              + " at \\S+:\\d+ not propagated to topic 't' .*")).orElse(false));
      assertThat(run.stop(WAIT)).isTrue();
      assertThat(SqlTestSource.fold(t.log(), "t")).containsOnlyKeys("1", "2", "3"); // no deletes
    }
  }

  private static void assertLog(TestIngestLog t) {
    List<LogEntry> all = SqlTestSource.all(t.log());
    List<String> got = all.stream().flatMap(e -> e.entities().stream())
        .map(x -> x.keyAsString() + (x.delete() ? "-" : "=" + x.dataAsString())).toList();
    assertThat(got).containsExactlyElementsOf(EXPECTED.entrySet().stream()
        .map(x -> x.getKey().replace("u", "") + "=" + x.getValue()).toList());
  }
}
