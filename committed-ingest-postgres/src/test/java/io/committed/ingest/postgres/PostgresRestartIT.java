package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import io.committed.testkit.LogFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL itself restarts (cleanly) while transactions stream: ingestion resumes, nothing is
 * lost, nothing is duplicated (PostgreSQL 15 redelivers acknowledged transactions after a restart).
 * It restarts the machine's server, as {@code scripts/test-databases.sh} configures it, so it runs
 * once per suite.
 */
class PostgresRestartIT {
  private static final int TRANSACTIONS = 400;
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgrestart");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  @Test
  void aServerRestartWhileStreamingLosesAndDuplicatesNothing() throws Exception {
    pg.sql("create table seq (n int primary key)");
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "seq");
    log.ingestables().define("restart", pg.config("restart", "seq", "[\"seq\"]", "", ""));
    PgHarness.awaitStreaming(log, "restart");

    String startedAt = postmasterStart();
    AtomicInteger written = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> restartFailure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread restarter = new Thread(() -> {
      while (written.get() < TRANSACTIONS / 3) {
        LockSupport.parkNanos(1_000_000);
      }
      try {
        restartServer();
      } catch (Throwable e) {
        restartFailure.set(e);
      }
    });
    restarter.start();
    Connection c = null;
    for (int n = 1; n <= TRANSACTIONS; ) {
      try {
        if (c == null) {
          c = pg.db.connect();
        }
        try (PreparedStatement s = c.prepareStatement("insert into seq values (?)")) {
          s.setInt(1, n);
          s.execute();
        }
        written.set(n);
        n++;
      } catch (SQLException e) {
        c = reconnect(c);
        if (c != null && exists(c, n)) { // the commit made it before the connection broke
          written.set(n);
          n++;
        }
      }
    }
    restarter.join();
    c.close();
    assertThat(restartFailure.get()).as("the restart").isNull();
    assertThat(postmasterStart()).as("the server's start time: it was restarted").isNotEqualTo(startedAt);
    await("every transaction in the log after the restart").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> PgHarness.fold(log, "seq").size() == TRANSACTIONS);
    List<Integer> seen = new ArrayList<>();
    for (LogEntry e : PgHarness.entries(log, "seq")) {
      assertThat(e.entities()).hasSize(1);
      seen.add(Integer.parseInt(e.entities().get(0).keyAsString()));
    }
    List<Integer> expected = new ArrayList<>();
    for (int n = 1; n <= TRANSACTIONS; n++) {
      expected.add(n);
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(log.ingest().status("restart").consecutiveFailures()).isZero();
  }

  private Connection reconnect(Connection broken) {
    try {
      if (broken != null) {
        broken.close();
      }
    } catch (SQLException e) {
      // broken
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        return pg.db.connect();
      } catch (SQLException e) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    throw new AssertionError("PostgreSQL did not come back within 120 s");
  }

  private String postmasterStart() throws SQLException {
    try (Connection c = pg.db.connect(); var s = c.createStatement();
        ResultSet r = s.executeQuery("select pg_postmaster_start_time()::text")) {
      r.next();
      return r.getString(1);
    }
  }

  private static boolean exists(Connection c, int n) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("select 1 from seq where n = ?")) {
      s.setInt(1, n);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /** Restarts the local cluster cleanly (needs root, as scripts/test-databases.sh does). */
  static void restartServer() {
    try {
      String version;
      try (var dirs = Files.list(Path.of("/etc/postgresql"))) {
        version = dirs.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
      }
      Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("restarting PostgreSQL did not finish: " + out);
      }
      if (p.exitValue() != 0) {
        // another test run on this machine may have started the stopped server first ("lock file
        // postmaster.pid already exists"): what counts is that it is up again, which the caller checks
        System.err.println("pg_ctlcluster restart exited with " + p.exitValue() + " (the server may have been"
            + " started by someone else): " + out.strip());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot restart PostgreSQL (pg_ctlcluster, as root): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
