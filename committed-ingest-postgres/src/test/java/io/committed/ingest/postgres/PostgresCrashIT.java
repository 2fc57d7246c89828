package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import io.committed.testkit.LogFixtures;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingestable's connections are killed at random points while transactions stream: every source
 * transaction must still land in the log exactly once, in commit order.
 */
class PostgresCrashIT {
  /** At least this many transactions are written; more while the disruptions below have not all happened yet. */
  private static final int MIN_TRANSACTIONS = 1500;
  /** The writer keeps going until both kinds of disruption happened at least this often. */
  private static final int MIN_DISRUPTIONS = 3;
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgcrash");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  @Test
  void killedAndRestartedAtRandomPointsEveryTransactionLandsOnceInCommitOrder() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    pg.sql("create table seq (n int primary key, other int)", "create table seq_side (n int primary key)");
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "seq");
    log.ingestables().define("crash", pg.config("crash", "seq", "[\"seq\"]", "", ""));
    PgHarness.awaitStreaming(log, "crash");

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger kills = new AtomicInteger();
    AtomicInteger restarts = new AtomicInteger();
    Thread killer = new Thread(() -> {
      while (writing.get()) {
        LockSupport.parkNanos(Duration.ofMillis(30 + random.nextInt(250)).toNanos());
        try {
          if (random.nextBoolean()) {
            kills.addAndGet(pg.terminateSessions("committed-ingest-crash")); // the source side fails
          } else { // a new config version: the supervisor stops the run wherever it is and starts another
            String interval = "status_interval = \"" + (1 + restarts.incrementAndGet() % 2) + "s\"";
            log.ingestables().define("crash", pg.config("crash", "seq", "[\"seq\"]", "", "")
                .replace("status_interval = \"1s\"", interval));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
    killer.start();
    int transactions = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      // The count depends on the machine's speed, so the writer, not a fixed count, waits for the disruptions.
      while (transactions < MIN_TRANSACTIONS
          || (kills.get() < MIN_DISRUPTIONS || restarts.get() < MIN_DISRUPTIONS) && System.nanoTime() < deadline) {
        int n = ++transactions;
        s.execute("insert into seq values (" + n + ", 0)");
        if (n % 3 == 0) {
          s.execute("update seq set other = " + n + " where n = " + (n - 1)); // two entities, one entry
        }
        if (n % 7 == 0) {
          s.execute("insert into seq_side values (" + n + ")"); // not captured: only an empty transaction
          c.commit();
          s.execute("insert into seq_side values (" + -n + ")");
        }
        c.commit();
      }
    } finally {
      writing.set(false);
      killer.join();
    }
    String last = Integer.toString(transactions);
    await("every transaction in the log").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> PgHarness.fold(log, "seq").containsKey(last));

    List<Integer> inserted = new ArrayList<>();
    for (LogEntry e : PgHarness.entries(log, "seq")) {
      int n = Integer.parseInt(e.entities().get(0).keyAsString());
      inserted.add(n);
      assertThat(e.entities()).as("entry %s (seed %s)", e.index(), seed).hasSize(n % 3 == 0 ? 2 : 1);
    }
    List<Integer> expected = new ArrayList<>();
    for (int n = 1; n <= transactions; n++) {
      expected.add(n);
    }
    assertThat(inserted).as("each transaction once, in commit order (seed %s, %s sessions killed)", seed, kills.get())
        .isEqualTo(expected);
    assertThat(kills.get()).as("sessions killed").isGreaterThanOrEqualTo(MIN_DISRUPTIONS);
    assertThat(restarts.get()).as("runs stopped by a config change").isGreaterThanOrEqualTo(MIN_DISRUPTIONS);
  }
}
