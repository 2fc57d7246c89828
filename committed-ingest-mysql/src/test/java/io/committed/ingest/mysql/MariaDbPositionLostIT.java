package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.Ports;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binlog is purged past the committed position while the node is down: on restart the
 * ingestable parks at once with an error naming the lost position, and nothing after the loss is
 * written to the log (it would have a gap); or, with {@code on_position_lost = "resnapshot"}, it
 * copies the table again and deletes the rows deleted meanwhile. The test purges the test server's
 * binary logs.
 */
class MariaDbPositionLostIT {
  @TempDir
  Path dir;

  private MyHarness my;
  private CommittedLog log;

  @BeforeEach
  void start() throws Exception {
    my = new MyHarness("mylost");
  }

  @AfterEach
  void stop() throws Exception {
    if (log != null) {
      log.close();
    }
    my.close();
  }

  private static String binlogs() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = MyHarness.SERVER.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("show binary logs")) {
      while (r.next()) {
        out.append(r.getString(1)).append(' ');
      }
    }
    return out.toString();
  }

  /**
   * Streams rows 1 and 2 (and 10 to 19) into a one-node raft log, stops the node, runs
   * {@code whileDown} on the source, purges its binary logs past the committed position, and starts
   * the node again on its data.
   *
   * @return the last index of the log before the node stopped
   */
  private long loseThePosition(String extraMysql, String... whileDown) throws Exception {
    my.sql("create table seq (n int primary key, note varchar(20))");
    Path data = dir.resolve("node");
    int port = Ports.free();
    log = MariaDbKillIT.node(data, port, name -> my.environment().get(name));
    LogFixtures.defineTypes(log, "seq");
    log.ingestables().define("lost", my.config("lost", "seq", "[\"seq\"]", "", extraMysql));
    Await.until("streaming", Duration.ofSeconds(60), () -> log.ingest().status("lost").reported()
        .map(r -> r.phase().equals("streaming")).orElse(false));
    my.sql("insert into seq values (1, 'one')", "insert into seq values (2, 'two')");
    for (int i = 10; i < 20; i++) {
      my.sql("insert into seq values (" + i + ", 'kept')");
    }
    Await.until("the rows in the log", Duration.ofSeconds(60),
        () -> SqlTestSource.fold(log, "seq").containsKey("19"));
    long before = log.lastIndex();
    log.close();
    log = null;

    // the node is down; the source moves on and its binary logs up to now are purged
    my.sql(whileDown);
    try (Connection c = MyHarness.SERVER.connect(); Statement s = c.createStatement()) {
      s.execute("flush binary logs");
      s.execute("flush binary logs");
      String newest = null;
      try (ResultSet r = s.executeQuery("show binary logs")) {
        while (r.next()) {
          newest = r.getString(1);
        }
      }
      // the server keeps a log until its binlog checkpoint passes it: purge again until only the newest is left
      String last = newest;
      Await.until("the binary logs before " + newest + " purged", Duration.ofSeconds(30), () -> {
        try (Connection c2 = MyHarness.SERVER.connect(); Statement s2 = c2.createStatement()) {
          s2.execute("purge binary logs to '" + last + "'");
          return binlogs().strip().equals(last);
        } catch (Exception e) {
          return false;
        }
      });
    }
    log = MariaDbKillIT.node(data, port, name -> my.environment().get(name));
    return before;
  }

  @Test
  void aPurgedPositionParksTheIngestableNamingIt() throws Exception {
    long before = loseThePosition("snapshot = \"never\"\n", "insert into seq values (3, 'three')");
    CommittedLog l = log;
    try {
      Await.until("the ingestable parked", Duration.ofSeconds(30),
          () -> l.ingest().status("lost").workerState() == IngestableStatus.WorkerState.PARKED);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; status: " + l.ingest().status("lost") + "; row 3 in the log: "
          + SqlTestSource.fold(l, "seq").containsKey("3") + "; binlogs: " + binlogs(), e);
    }
    String reason = l.ingest().status("lost").parkedReason().orElse("");
    assertThat(reason).contains("no longer has the committed position").contains("copy the tables afresh");
    assertThat(log.lastIndex()).as("nothing written after the loss").isEqualTo(before);
    assertThat(SqlTestSource.fold(log, "seq")).doesNotContainKey("3");
  }

  @Test
  void withResnapshotAPurgedPositionCopiesTheTableAgainAndDeletesTheRowsItLost() throws Exception {
    loseThePosition("snapshot = \"never\"\nbatch_size = 4\non_position_lost = \"resnapshot\"\n",
        "insert into seq values (3, 'three')", "delete from seq where n = 1", "update seq set note = 'new' where n = 2",
        "delete from seq where n between 10 and 14");
    CommittedLog l = log;
    Map<String, String> expected = Map.of("2", "{\"n\":2,\"note\":\"new\"}", "3", "{\"n\":3,\"note\":\"three\"}",
        "15", "{\"n\":15,\"note\":\"kept\"}", "16", "{\"n\":16,\"note\":\"kept\"}",
        "17", "{\"n\":17,\"note\":\"kept\"}", "18", "{\"n\":18,\"note\":\"kept\"}",
        "19", "{\"n\":19,\"note\":\"kept\"}");
    Await.until("the log to equal the table again", Duration.ofSeconds(60), () -> {
      if (l.ingest().status("lost").workerState() == IngestableStatus.WorkerState.PARKED) {
        throw new AssertionError("parked: " + l.ingest().status("lost").parkedReason().orElse(""));
      }
      return SqlTestSource.fold(l, "seq").equals(new java.util.TreeMap<>(expected));
    });
    Await.until("the topic reconciled", Duration.ofSeconds(30), () -> l.ingest().status("lost").position()
        .map(p -> p.stateAsString()).orElse("").contains("\"reconcile\":[]"));
    String state = l.ingest().status("lost").position().orElseThrow().stateAsString();
    assertThat(state).as("a new position epoch").contains("\"epoch\":2").contains("\"phase\":\"streaming\"");
    my.sql("insert into seq values (4, 'after')");
    Await.until("streaming goes on", Duration.ofSeconds(30), () -> SqlTestSource.fold(l, "seq").containsKey("4"));
    assertThat(l.ingest().status("lost").reported().orElseThrow().detail())
        .contains("6 keys deleted that the tables no longer have");
    Await.until("the status to say how far behind the server's binary log it is", Duration.ofSeconds(30),
        () -> l.ingest().status("lost").reported().orElseThrow().detail()
            .matches("(?s).*\\(epoch 2\\), \\d+ bytes of binary log behind the server; server .*"));
  }
}
