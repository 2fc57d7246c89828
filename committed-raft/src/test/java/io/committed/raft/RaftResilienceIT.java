package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three real JRaft nodes on loopback with real files: leaders stopped during a write stream, a
 * wiped follower catching up from a snapshot, the whole group restarted. Each test checks that
 * every acknowledged proposal is in every node's event log exactly once, at its index, with its
 * bytes, and that nothing appears twice.
 */
class RaftResilienceIT {
  private static final String TYPE = "t";

  @TempDir
  Path dir;

  private RaftCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RaftCluster start(String snapshotSeconds) {
    cluster = new RaftCluster(dir, 3).customize(b -> b.engineOption("snapshotIntervalSeconds", snapshotSeconds)
        .engineOption("segmentEntries", "1000"));
    int leader = cluster.startAll().awaitLeader();
    LogFixtures.defineTypes(cluster.log(leader), TYPE);
    return cluster;
  }

  /** Writes proposals with unique keys to random running nodes until stopped; records what was acknowledged. */
  private static final class Writer implements AutoCloseable {
    final Map<String, Long> acked = new ConcurrentHashMap<>();
    final Set<String> unknown = ConcurrentHashMap.newKeySet();
    final AtomicInteger failedClean = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private final Semaphore permits;
    /** Proposals made and not completed yet, with the node they went to. */
    final Map<String, String> pendingOn = new ConcurrentHashMap<>();

    Writer(RaftCluster cluster, long seed, int inFlight) {
      Random random = new Random(seed);
      this.permits = new Semaphore(inFlight);
      thread = new Thread(() -> {
        int n = 0;
        while (!stop.get()) {
          List<CommittedLog> running = new ArrayList<>(cluster.running().values());
          if (running.isEmpty()) {
            continue;
          }
          CommittedLog log = running.get(random.nextInt(running.size()));
          String key = "k" + seed + "-" + (n++);
          try {
            permits.acquire();
          } catch (InterruptedException e) {
            return;
          }
          try {
            pendingOn.put(key, "node " + log.status().nodeId());
            log.propose(Proposal.of(Entity.upsert(TYPE, key, "{\"n\":" + n + "}"))).whenComplete((index, e) -> {
              pendingOn.remove(key);
              permits.release();
              if (e == null) {
                acked.put(key, index);
              } else {
                Throwable c = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
                if (c instanceof io.committed.api.RetriableException r && !r.outcomeUnknown()) {
                  failedClean.incrementAndGet();
                } else {
                  unknown.add(key);
                }
              }
            });
          } catch (RuntimeException e) {
            permits.release();
            unknown.add(key); // a closed log refuses at once; counted as unknown to stay conservative
          }
        }
      }, "writer-" + seed);
      thread.start();
    }

    /** Stops writing and waits until every proposal made has completed, one way or the other. */
    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
      org.awaitility.Awaitility.await("every proposal made has completed").atMost(java.time.Duration.ofSeconds(60))
          .until(pendingOn::isEmpty);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void leaderStoppedThreeTimesDuringAWriteStreamLosesNothingAcknowledged(long seed) throws Exception {
    start("300");
    Random random = new Random(seed);
    try (Writer writer = new Writer(cluster, seed, 32)) {
      for (int round = 0; round < 3; round++) {
        Thread.sleep(500 + random.nextInt(700));
        int leader = cluster.awaitLeader();
        cluster.stop(leader);
        Thread.sleep(300 + random.nextInt(500));
        cluster.start(leader);
      }
      Thread.sleep(500); // writes go on after the last restart too
      writer.close();
      assertConsistent(writer);
    }
  }

  @Test
  void wipedFollowerCatchesUpAutomaticallyAfterTheLeaderTrimmedItsLog() throws Exception {
    start("1");
    int leader = cluster.awaitLeader();
    CommittedLog log = cluster.log(leader);
    writeBatch(log, 0, 3000);
    int follower = leader == 3 ? 2 : 3;
    cluster.stop(follower);
    writeBatch(log, 3000, 3000);
    cluster.awaitSnapshotOfEverything(leader); // and trims its raft log past what the follower had
    writeBatch(log, 6000, 10);
    deleteRecursively(cluster.dir(follower));
    cluster.start(follower);
    cluster.awaitConverged(log.lastIndex());
    Map<Integer, List<LogEntry>> all = readAll();
    assertThat(all.get(follower)).isEqualTo(all.get(leader));
    try (Stream<Path> segs = Files.list(cluster.dir(leader).resolve("segments"))) {
      assertThat(segs.filter(p -> p.toString().endsWith(".seg")).count()).as("full segments cut").isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void aLaggingFollowerReusesTheSegmentsItHasInsteadOfCopyingThem() throws Exception {
    start("1");
    int leader = cluster.awaitLeader();
    CommittedLog log = cluster.log(leader);
    writeBatch(log, 0, 3000);
    int follower = leader == 3 ? 2 : 3;
    cluster.awaitConverged(log.lastIndex());
    for (int id : cluster.running().keySet()) {
      cluster.awaitSnapshotOfEverything(id); // every node cuts the same full segments
    }
    Path own = cluster.dir(follower).resolve("segments");
    List<Path> segmentsBefore;
    try (Stream<Path> s = Files.list(own)) {
      segmentsBefore = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
    assertThat(segmentsBefore).as("the follower's own segments").hasSizeGreaterThanOrEqualTo(2);
    cluster.stop(follower);
    writeBatch(log, 3000, 3000);
    cluster.awaitSnapshotOfEverything(leader); // and trims its raft log past the follower
    writeBatch(log, 6000, 10);
    cluster.start(follower);
    cluster.awaitConverged(log.lastIndex());
    Map<Integer, List<LogEntry>> all = readAll();
    assertThat(all.get(follower)).isEqualTo(all.get(leader));
    // the installed snapshot's copies of the segments the follower had are its own files (hard links), not downloads
    Path snapshot;
    try (Stream<Path> s = Files.list(cluster.dir(follower).resolve("snapshots"))) {
      snapshot = s.filter(p -> p.getFileName().toString().startsWith("snapshot_")).max(java.util.Comparator.naturalOrder())
          .orElseThrow();
    }
    for (Path mine : segmentsBefore) {
      Path installed = snapshot.resolve(mine.getFileName());
      assertThat(installed).exists();
      assertThat(Files.getAttribute(installed, "unix:ino")).as("%s reused", mine.getFileName())
          .isEqualTo(Files.getAttribute(mine, "unix:ino"));
    }
  }

  @Test
  void allNodesRestartedReplayWithoutDuplicates() throws Exception {
    start("300");
    int leader = cluster.awaitLeader();
    writeBatch(cluster.log(leader), 0, 2000);
    long last = cluster.log(leader).lastIndex();
    cluster.awaitConverged(last);
    Map<Integer, List<LogEntry>> before = readAll();
    cluster.close();
    cluster.startAll().awaitLeader();
    cluster.awaitConverged(last);
    Map<Integer, List<LogEntry>> after = readAll();
    assertThat(after).isEqualTo(before);
    for (CommittedLog l : cluster.running().values()) {
      assertThat(l.lastIndex()).isEqualTo(last);
    }
    writeBatch(cluster.log(cluster.awaitLeader()), 2000, 1);
    cluster.awaitConverged(last + 1);
  }

  @Test
  void aTypeDefinedOnOneNodeIsUsableAtOnceOnEveryOtherNode() {
    start("300");
    int leader = cluster.awaitLeader();
    for (int round = 0; round < 5; round++) {
      String type = "fresh" + round;
      int definer = 1 + (round % 3);
      LogFixtures.defineTypes(cluster.log(definer), type);
      for (int other = 1; other <= 3; other++) {
        if (other != definer) {
          // no waiting: a follower that has not applied the definition yet catches up before refusing
          assertThat(cluster.log(other).proposeAndWait(Proposal.of(Entity.upsert(type, "k" + other, "{}")))).isPositive();
        }
      }
    }
    assertThat(leader).isPositive();
  }

  /**
   * Writes {@code count} proposals, {@code 256} at a time. A proposal that fails retriably (a leader
   * change on this busy 2-core machine) is written again: these tests compare nodes with each
   * other, not with what was acknowledged.
   */
  private static void writeBatch(CommittedLog log, int from, int count) {
    List<java.util.concurrent.CompletableFuture<Long>> fs = new ArrayList<>();
    List<Integer> keys = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      fs.add(log.propose(Proposal.of(Entity.upsert(TYPE, "b" + i, "{\"i\":" + i + "}"))));
      keys.add(i);
      if (fs.size() >= 256 || i == from + count - 1) {
        for (int k = 0; k < fs.size(); k++) {
          try {
            fs.get(k).join();
          } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof io.committed.api.RetriableException)) {
              throw e;
            }
            int key = keys.get(k);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                log.proposeAndWait(Proposal.of(Entity.upsert(TYPE, "b" + key, "{\"i\":" + key + "}"))) > 0);
          }
        }
        fs.clear();
        keys.clear();
      }
    }
  }

  private Map<Integer, List<LogEntry>> readAll() {
    Map<Integer, List<LogEntry>> all = new HashMap<>();
    cluster.running().forEach((id, log) -> {
      List<LogEntry> entries = new ArrayList<>();
      long from = 1;
      while (true) {
        List<LogEntry> batch = log.read(from, 10_000);
        if (batch.isEmpty()) {
          break;
        }
        entries.addAll(batch);
        from = batch.get(batch.size() - 1).index() + 1;
      }
      all.put(id, entries);
    });
    return all;
  }

  private void assertConsistent(Writer writer) {
    int leader = cluster.awaitLeader();
    // a barrier entry: once every node has it, every node has everything before it
    long last = cluster.log(leader).proposeAndWait(Proposal.of(Entity.upsert(TYPE, "barrier", "{}")));
    cluster.awaitConverged(last);
    Map<Integer, List<LogEntry>> all = readAll();
    List<LogEntry> reference = all.get(leader);
    for (List<LogEntry> entries : all.values()) {
      assertThat(entries).isEqualTo(reference);
    }
    Map<String, Long> indexOfKey = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (LogEntry e : reference) {
      assertThat(e.index()).isEqualTo(indexOfKey.size() + 1L);
      String key = new String(e.entities().get(0).key(), StandardCharsets.UTF_8);
      assertThat(seen.add(key)).as("key %s appears twice", key).isTrue();
      indexOfKey.put(key, e.index());
    }
    assertThat(writer.acked).as("acknowledged writes").hasSizeGreaterThan(100);
    writer.acked.forEach((key, index) -> assertThat(indexOfKey.get(key)).as("acknowledged %s", key).isEqualTo(index));
    System.out.printf("acked %d, unknown %d, failed cleanly %d, entries %d%n", writer.acked.size(),
        writer.unknown.size(), writer.failedClean.get(), reference.size());
  }

  static void deleteRecursively(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
