package io.committed.raft;

import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedBuilder;
import io.committed.CommittedLog;
import io.committed.testkit.FaultyProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Nodes of one raft group in this JVM, on loopback, each with its own data directory under {@code root}. */
final class RaftCluster implements AutoCloseable {
  private final Path root;
  private final TreeMap<Integer, Integer> ports = new TreeMap<>();
  private final TreeMap<Integer, CommittedLog> logs = new TreeMap<>();
  private java.util.function.BiFunction<Integer, CommittedBuilder, CommittedBuilder> customize = (id, b) -> b;
  /** Per node, the port it listens on when the peers reach it through a proxy. */
  private final TreeMap<Integer, Integer> listenPorts = new TreeMap<>();

  RaftCluster(Path root, int size) {
    this.root = root;
    for (int id = 1; id <= size; id++) {
      ports.put(id, freePort());
    }
  }

  static int freePort() {
    return io.committed.testkit.Ports.free();
  }

  /**
   * Puts a {@link FaultyProxy} in front of every node: the peers' addresses are the proxies, the
   * nodes listen elsewhere ({@code listenAddress}).
   */
  Map<Integer, FaultyProxy> withProxies() throws IOException {
    Map<Integer, FaultyProxy> proxies = new TreeMap<>();
    for (int id : ports.keySet()) {
      int listen = freePort();
      listenPorts.put(id, listen);
      proxies.put(id, new FaultyProxy(ports.get(id), listen));
    }
    return proxies;
  }

  RaftCluster customize(UnaryOperator<CommittedBuilder> c) {
    this.customize = (id, b) -> c.apply(b);
    return this;
  }

  /** Customizes each node's builder, given the node's id. */
  RaftCluster customizeEach(java.util.function.BiFunction<Integer, CommittedBuilder, CommittedBuilder> c) {
    this.customize = c;
    return this;
  }

  String peers() {
    return ports.entrySet().stream().map(e -> e.getKey() + "=127.0.0.1:" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** The replication address of node {@code id} as its peers know it. */
  String address(int id) {
    return "127.0.0.1:" + ports.get(id);
  }

  Path dir(int id) {
    return root.resolve("node-" + id);
  }

  CommittedBuilder builder(int id) {
    CommittedBuilder b = Committed.builder().nodeId(id).peers(peers()).dataDir(dir(id))
        .engineOption("electionTimeoutMs", "1000");
    if (listenPorts.containsKey(id)) {
      b.engineOption("listenAddress", "127.0.0.1:" + listenPorts.get(id));
    }
    return customize.apply(id, b);
  }

  /** Starts every node that is not running, in parallel (a node waits for a quorum to elect). */
  RaftCluster startAll() {
    ports.keySet().parallelStream().filter(id -> !logs.containsKey(id)).forEach(this::start);
    return this;
  }

  CommittedLog start(int id) {
    CommittedLog log = builder(id).start();
    synchronized (logs) {
      logs.put(id, log);
    }
    return log;
  }

  void stop(int id) {
    CommittedLog log;
    synchronized (logs) {
      log = logs.remove(id);
    }
    if (log != null) {
      log.close();
    }
  }

  CommittedLog log(int id) {
    return logs.get(id);
  }

  Map<Integer, CommittedLog> running() {
    return new TreeMap<>(logs);
  }

  /** Waits until exactly one running node leads and returns its id. */
  int awaitLeader() {
    int[] leader = new int[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      int found = -1;
      for (Map.Entry<Integer, CommittedLog> e : running().entrySet()) {
        if (e.getValue().status().role() == io.committed.NodeRole.LEADER) {
          if (found != -1) {
            return false;
          }
          found = e.getKey();
        }
      }
      leader[0] = found;
      return found != -1;
    });
    return leader[0];
  }

  /** Waits until one of {@code ids} other than {@code excluded} is the leader and returns it. */
  int awaitLeaderAmong(java.util.List<Integer> ids, int excluded) {
    int[] leader = new int[1];
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (int id : ids) {
        CommittedLog l = logs.get(id);
        if (id != excluded && l != null && l.status().role() == io.committed.NodeRole.LEADER) {
          leader[0] = id;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /** The raft index of node {@code id}'s newest snapshot, 0 when it has none. */
  long snapshotIndex(int id) {
    java.io.File[] dirs = dir(id).resolve("snapshots").toFile().listFiles();
    long newest = 0;
    for (java.io.File d : dirs == null ? new java.io.File[0] : dirs) {
      if (d.getName().startsWith("snapshot_")) {
        newest = Math.max(newest, Long.parseLong(d.getName().substring("snapshot_".length())));
      }
    }
    return newest;
  }

  /**
   * Waits until running node {@code id} has a snapshot covering everything it had committed when
   * called (JRaft trims its raft log up to a snapshot right after taking it).
   */
  void awaitSnapshotOfEverything(int id) {
    long committed = logs.get(id).status().engineCommittedIndex();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> snapshotIndex(id) >= committed);
  }

  /** Waits until every running node has applied {@code lastIndex}. */
  void awaitConverged(long lastIndex) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> running().values().stream().allMatch(l -> l.lastIndex() >= lastIndex));
  }

  /** Proposes {@code count} upserts of type {@code t} keyed {@code prefix + i} through {@code log}, and waits for them. */
  static void write(CommittedLog log, String prefix, int count) throws Exception {
    java.util.List<java.util.concurrent.CompletableFuture<Long>> fs = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      fs.add(log.propose(io.committed.api.Proposal.of(io.committed.api.Entity.upsert("t", prefix + i, "{}"))));
    }
    for (java.util.concurrent.CompletableFuture<Long> f : fs) {
      f.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    running().keySet().parallelStream().forEach(this::stop);
  }
}
