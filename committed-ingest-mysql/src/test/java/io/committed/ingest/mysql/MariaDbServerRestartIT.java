package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MariaDB server shut down and started again (twice) while a writer commits transactions and
 * the ingestable streams them: the ingestable fails, retries until the server is back, resumes from
 * its GTID position in the new binary log file, and every transaction the server committed is in
 * the log exactly once, in commit order. The test restarts the test server
 * ({@code TestDatabases.restartServer}).
 */
class MariaDbServerRestartIT {
  private static final int RESTARTS = 2;
  private MyHarness my;
  private CommittedLog log;

  @BeforeEach
  void start() throws Exception {
    my = new MyHarness("myrestart");
  }

  @AfterEach
  void stop() throws Exception {
    if (log != null) {
      log.close();
    }
    my.close();
  }

  /**
   * Commits transactions n = 1, 2, ... (an insert each) until stopped, riding out the server's
   * absence: after a failure it reconnects and, since a commit whose answer was lost may or may not
   * have happened, asks the table whether transaction n is there before going on.
   */
  private CompletableFuture<Integer> writer(AtomicBoolean stop, AtomicInteger committed) {
    return CompletableFuture.supplyAsync(() -> {
      int n = 1;
      while (!stop.get()) {
        try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
          if (exists(s, n)) {
            committed.set(n);
            n++;
          }
          while (!stop.get()) {
            s.execute("insert into seq values (" + n + ", 0)");
            committed.set(n);
            n++;
            if (n % 20 == 0) {
              LockSupport.parkNanos(2_000_000); // paced, so that the restarts land mid-stream
            }
          }
        } catch (SQLException e) {
          LockSupport.parkNanos(50_000_000); // the server is down: try again shortly
        }
      }
      return committed.get();
    });
  }

  private static boolean exists(Statement s, int n) throws SQLException {
    try (ResultSet r = s.executeQuery("select count(*) from seq where n = " + n)) {
      r.next();
      return r.getInt(1) == 1;
    }
  }

  @Test
  void transactionsAcrossServerRestartsArriveOnceInCommitOrder() throws Exception {
    my.sql("create table seq (n int primary key, other int)");
    log = Committed.builder().inMemory() // the factory is found through ServiceLoader, as on a node
        .environment(name -> my.environment().get(name))
        .ingestRetry(Duration.ofMillis(50), Duration.ofMillis(500), 10_000).start();
    LogFixtures.defineTypes(log, "seq");
    log.ingestables().define("restart", my.config("restart", "seq", "[\"seq\"]", "", "snapshot = \"never\"\n"));
    CommittedLog l = log;
    Await.until("streaming", Duration.ofSeconds(60), () -> l.ingest().status("restart").reported()
        .map(r -> r.phase().equals("streaming")).orElse(false));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger committed = new AtomicInteger();
    CompletableFuture<Integer> writes = writer(stop, committed);
    int total;
    try {
      for (int i = 0; i < RESTARTS; i++) {
        int before = committed.get();
        Await.until("200 more transactions", Duration.ofSeconds(60), () -> committed.get() >= before + 200);
        MyHarness.SERVER.restartServer();
        int at = committed.get();
        Await.until("the writer going on after the restart", Duration.ofSeconds(60), () -> committed.get() > at + 50);
        Await.until("the ingestable to have seen the restart", Duration.ofSeconds(60),
            () -> l.ingest().status("restart").consecutiveFailures() > 0
                || l.ingest().status("restart").lastError().isPresent()
                || SqlTestSource.fold(l, "seq").containsKey(Integer.toString(at + 50)));
      }
    } finally {
      stop.set(true);
      total = writes.get();
    }
    assertThat(log.ingest().status("restart").workerState()).isNotEqualTo(IngestableStatus.WorkerState.PARKED);
    SqlTestSource.assertSeqOnceInOrderOnEveryNode(() -> Map.of(1, l), 1, total, RESTARTS + " server restarts");
  }
}
