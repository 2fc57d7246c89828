package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.raft.RaftEngineFactory;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node (one raft node, on disk) ingesting from MariaDB in a child JVM, SIGKILLed at random points
 * while transactions stream, then started again on its data directory, three times: every source
 * transaction lands in the log exactly once, in commit order. The ingestable's config lives in the
 * log, so each new process resumes it from the replicated position by itself.
 */
class MariaDbKillIT {
  private static final int KILLS = 3;

  @TempDir
  Path dir;

  private MyHarness my;
  private CommittedLog log;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    my = new MyHarness("mykill");
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : children) { // a failed test must not leave a node ingesting behind it
      p.destroyForcibly().waitFor();
    }
    if (log != null) {
      log.close();
    }
    my.close();
  }

  /** The child: a one-node raft log on {@code args[0]}, port {@code args[1]}, with the ingestable from {@code args[2]}. */
  public static void main(String[] args) throws Exception {
    CommittedLog log = node(Path.of(args[0]), Integer.parseInt(args[1]), name -> System.getenv(name));
    if (log.ingestables().get("kill").isEmpty()) { // the first start: defined (and, if asked, streaming)
      LogFixtures.defineTypes(log, "seq");
      log.ingestables().define("kill", Files.readString(Path.of(args[2])));
      if (args.length < 4) {
        Await.until("streaming", Duration.ofSeconds(60), () -> log.ingest().status("kill").reported()
            .map(r -> r.phase().equals("streaming")).orElse(false));
      }
    }
    System.out.println("READY");
    System.out.flush();
    if (args.length >= 4) { // report the copy's progress, for the parent to see where each kill landed
      Thread t = new Thread(() -> {
        while (true) {
          log.ingest().status("kill").reported().flatMap(r -> r.rowsCopied().isPresent()
              ? java.util.Optional.of(r.rowsCopied().getAsLong()) : java.util.Optional.empty())
              .ifPresent(n -> System.out.println("COPIED " + n));
          System.out.flush();
          java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
      });
      t.setDaemon(true);
      t.start();
    }
    new CompletableFuture<Void>().join(); // until killed
  }

  static CommittedLog node(Path dir, int port, java.util.function.UnaryOperator<String> env) {
    return Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(dir).environment(env)
        .engineOption("electionTimeoutMs", "300").ingestRetry(Duration.ofMillis(20), Duration.ofMillis(500), 1000)
        .start();
  }

  private Process child(Path data, int port, Path config, Path out, String... more) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(RaftEngineFactory.jvmFlags().split(" ")));
    cmd.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        MariaDbKillIT.class.getName(), data.toString(), String.valueOf(port), config.toString()));
    cmd.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.environment().putAll(my.environment());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /** Commits transactions 1, 2, ... to {@code seq} until {@code writing} turns false. */
  private CompletableFuture<Void> startWriter(AtomicBoolean writing, AtomicInteger transactions) {
    return CompletableFuture.runAsync(() -> {
      try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        while (writing.get()) {
          int n = transactions.get() + 1;
          s.execute("insert into seq values (" + n + ", 0)");
          if (n % 3 == 0) {
            s.execute("update seq set other = " + n + " where n = " + (n - 1)); // two entities, one entry
          }
          c.commit();
          transactions.set(n);
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // about a thousand a second at most
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Waits until the child printed its {@code n}-th READY; fails with the end of its output otherwise. */
  private static void awaitReady(Process p, Path out, int n) throws java.io.IOException {
    try {
      Await.until("the child node up", Duration.ofSeconds(90), () -> !p.isAlive() || readies(out) >= n);
    } catch (AssertionError e) {
      List<String> lines = Files.readAllLines(out);
      throw new AssertionError(e.getMessage() + "; the child's last output:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())), e);
    }
  }

  /** The last copy progress the child reported, -1 for none. */
  private static long lastCopied(Path out) {
    try {
      List<String> lines = Files.readAllLines(out);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("COPIED ")) {
          return Long.parseLong(lines.get(i).substring(7).strip());
        }
        if (lines.get(i).startsWith("READY")) {
          return -1; // nothing reported by this child yet
        }
      }
      return -1;
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static int readies(Path out) {
    try {
      return Files.exists(out) ? Files.readString(out).split("READY", -1).length - 1 : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void killedAtRandomPointsOfAWriteStreamEveryTransactionLandsOnceInCommitOrder() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    my.sql("create table seq (n int primary key, other int)");
    Path data = dir.resolve("node");
    Path config = dir.resolve("ingestable.toml");
    Files.writeString(config, my.config("kill", "seq", "[\"seq\"]", "", "snapshot = \"never\"\n"));
    Path out = dir.resolve("child.log");
    int port = Ports.free();

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger transactions = new AtomicInteger();
    CompletableFuture<Void> writer = null;
    for (int k = 0; k < KILLS; k++) {
      Process p = child(data, port, config, out);
      int started = k + 1;
      awaitReady(p, out, started);
      assertThat(p.isAlive()).as("child %d runs; see %s", k, out).isTrue();
      if (k == 0) {
        writer = startWriter(writing, transactions);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(800 + random.nextInt(1500)).toNanos());
      p.destroyForcibly().waitFor(); // SIGKILL, wherever the ingestable is
    }
    writing.set(false);
    writer.join();
    int total = transactions.get();
    log = node(data, port, name -> my.environment().get(name)); // this JVM finishes the stream
    String last = Integer.toString(total);
    Await.until("every transaction in the log", Duration.ofSeconds(120),
        () -> SqlTestSource.fold(log, "seq").containsKey(last));
    List<Integer> inserted = new ArrayList<>();
    for (LogEntry e : SqlTestSource.entries(log, "seq")) {
      int n = Integer.parseInt(e.entities().get(0).keyAsString());
      inserted.add(n);
      assertThat(e.entities()).as("entry %s (seed %s)", e.index(), seed).hasSize(n % 3 == 0 ? 2 : 1);
    }
    System.out.println("MariaDbKillIT: " + total + " transactions, " + KILLS + " SIGKILLs (seed " + seed + ")");
    assertThat(inserted).as("each transaction once, in commit order (seed %s)", seed)
        .isEqualTo(IntStream.rangeClosed(1, total).boxed().toList());
  }

  @Test
  void killedDuringTheInitialCopyEveryRowArrivesAndNoChunkIsCopiedTwice() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int rows = 60_000;
    my.sql("create table seq (n int primary key, other int)",
        "insert into seq select seq, 0 from seq_1_to_" + rows);
    Path data = dir.resolve("node");
    Path config = dir.resolve("ingestable.toml");
    Files.writeString(config, my.config("kill", "seq", "[\"seq\"]", "", "batch_size = 100\n"));
    Path out = dir.resolve("child.log");
    int port = Ports.free();
    AtomicBoolean updating = new AtomicBoolean(true);
    AtomicInteger updates = new AtomicInteger();
    List<Long> killedAt = new ArrayList<>();
    CompletableFuture<Void> updater = null;
    for (int k = 0; k < KILLS; k++) {
      Process p = child(data, port, config, out, "copying");
      int started = k + 1;
      awaitReady(p, out, started);
      assertThat(p.isAlive()).as("child %d runs; see %s", k, out).isTrue();
      if (k == 0) { // rows change while they are copied: the watermarks keep them in order
        updater = CompletableFuture.runAsync(() -> {
          try (Connection c = my.db.connect(); Statement s = c.createStatement()) {
            Random r = new Random(seed);
            while (updating.get()) {
              s.execute("update seq set other = other + 1 where n = " + (1 + r.nextInt(rows)));
              updates.incrementAndGet();
              java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }
      // SIGKILL in the middle of the copy: once this child has copied a random number of rows more
      long target = Math.max(0, killedAt.isEmpty() ? 0 : killedAt.get(killedAt.size() - 1)) + 300
          + random.nextInt(3000);
      Await.until("the child to copy " + target + " rows", Duration.ofSeconds(90),
          () -> !p.isAlive() || lastCopied(out) >= target);
      p.destroyForcibly().waitFor();
      killedAt.add(lastCopied(out));
    }
    updating.set(false);
    updater.join();
    log = node(data, port, name -> my.environment().get(name));
    java.util.Map<String, String> source = new java.util.TreeMap<>();
    try (Connection c = my.db.connect(); Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("select n, other from seq")) {
      while (r.next()) {
        source.put(r.getString(1), "{\"n\":" + r.getInt(1) + ",\"other\":" + r.getInt(2) + "}");
      }
    }
    Await.until("the log to hold the table as it is", Duration.ofSeconds(180),
        () -> new java.util.TreeMap<>(SqlTestSource.fold(log, "seq")).equals(source));
    java.util.Map<String, Integer> copied = new java.util.HashMap<>();
    int chunks = 0;
    for (LogEntry e : SqlTestSource.entries(log, "seq")) {
      if (e.entities().size() > 2) { // a chunk of the copy; streamed updates are one row each
        chunks++;
        e.entities().forEach(x -> copied.merge(x.keyAsString(), 1, Integer::sum));
      }
    }
    System.out.println("MariaDbKillIT: " + rows + " rows copied in " + chunks + " chunks, " + updates.get()
        + " updates while copying, SIGKILLs with " + killedAt + " rows copied (seed " + seed + ")");
    assertThat(killedAt).as("every kill landed in the middle of the copy").allMatch(n -> n > 0 && n < rows);
    assertThat(copied.values()).as("no row copied twice (seed %s)", seed).allMatch(n -> n == 1);
    assertThat(copied).as("every row copied").hasSizeGreaterThanOrEqualTo(rows - 2);
  }
}
