package io.committed.testkit;

import io.committed.Committed;
import io.committed.CommittedBuilder;
import io.committed.CommittedLog;
import io.committed.NodeRole;
import io.committed.api.LogEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A replicated group of nodes in this JVM, on loopback, each with its own data directory: for
 * testing a plug-in while leaders are stopped. It builds nodes with
 * {@code Committed.builder().peers(...)}, so the raft engine ({@code committed-raft}) must be on the
 * test class path, and the test JVM needs Chronicle Queue's JVM flags (see the raft operations
 * docs).
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.start(dir, 3, b -> b.syncBatchSize(50))) {
 *   CommittedLog leader = cluster.leader();
 *   CompletableFuture<Void> stops = cluster.stopLeaders(3, new Random(seed), () -> writing);
 *   ... write through cluster.anyNode(), then stops.join() ...
 * }
 * }</pre>
 */
public final class TestCluster implements AutoCloseable {
  private final Path dir;
  private final String peers;
  private final UnaryOperator<CommittedBuilder> customize;
  private final Map<Integer, CommittedLog> nodes = new ConcurrentHashMap<>();
  private final AtomicInteger stops = new AtomicInteger();
  /** How long a write may go unanswered before {@link #proposeWhileStoppingLeaders} calls it a hang. */
  private static final int PROPOSAL_ANSWER_SECONDS = 60;

  private TestCluster(Path dir, int size, UnaryOperator<CommittedBuilder> customize) {
    this.dir = dir;
    this.customize = customize;
    this.peers = IntStream.rangeClosed(1, size).mapToObj(id -> id + "=127.0.0.1:" + Ports.free())
        .collect(Collectors.joining(","));
  }

  /**
   * Starts {@code size} nodes in parallel, with a 600 ms election timeout, under {@code dir}.
   *
   * @param customize more builder settings for every node (the same each time a node starts)
   */
  public static TestCluster start(Path dir, int size, UnaryOperator<CommittedBuilder> customize) {
    TestCluster c = new TestCluster(dir, size, customize);
    IntStream.rangeClosed(1, size).parallel().forEach(c::startNode);
    return c;
  }

  private void startNode(int id) {
    nodes.put(id, customize.apply(Committed.builder().nodeId(id).peers(peers).dataDir(dir.resolve("node-" + id))
        .engineOption("electionTimeoutMs", "600")).start());
  }

  /** Stops (closes) node {@code id}; its data directory stays. */
  public void stopNode(int id) {
    CommittedLog log = nodes.remove(id);
    if (log != null) {
      log.close();
    }
  }

  /** Starts node {@code id} again on its data directory, with the same settings. */
  public void restartNode(int id) {
    startNode(id);
  }

  /** The running nodes by id. */
  public Map<Integer, CommittedLog> nodes() {
    return Map.copyOf(nodes);
  }

  /** Some running node (for writes, which a follower forwards). */
  public CommittedLog anyNode() {
    return nodes.values().stream().findAny().orElseThrow(() -> new IllegalStateException("no node is running"));
  }

  /** Waits (up to 30 s) until a running node leads and returns its id. */
  public int awaitLeader() {
    int[] leader = {0};
    Await.until("a leader", Duration.ofSeconds(30), () -> {
      for (Map.Entry<Integer, CommittedLog> e : nodes.entrySet()) {
        if (e.getValue().status().role() == NodeRole.LEADER) {
          leader[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /** The leader, once there is one. */
  public CommittedLog leader() {
    return nodes.get(awaitLeader());
  }

  /**
   * Stops the leader and starts it again on its data directory after a short random pause, {@code
   * times} times, at random points while {@code running} holds, on a timer of its own. The future
   * completes when it is done (or fails with what went wrong); {@link #leaderStops} counts the
   * stops.
   */
  public CompletableFuture<Void> stopLeaders(int times, Random random, BooleanSupplier running) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "test-cluster-leader-stops");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<Void> done = new CompletableFuture<>();
    done.whenComplete((v, e) -> timer.shutdownNow());
    nextStop(timer, done, times, random, running);
    return done;
  }

  /** Schedules the next stop at a random point of the stream, and the restart a random while after it. */
  private void nextStop(ScheduledExecutorService timer, CompletableFuture<Void> done, int times, Random random,
      BooleanSupplier running) {
    if (!running.getAsBoolean() || stops.get() >= times) {
      done.complete(null);
      return;
    }
    timer.schedule(() -> {
      try {
        int leader = awaitLeader();
        stopNode(leader);
        stops.incrementAndGet();
        timer.schedule(() -> { // down for a random while, as a crashed node would be
          try {
            restartNode(leader);
            nextStop(timer, done, times, random, running);
          } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
          }
        }, 200 + random.nextInt(500), TimeUnit.MILLISECONDS);
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }, 1000 + random.nextInt(1500), TimeUnit.MILLISECONDS);
  }

  /** What {@link #proposeWhileStoppingLeaders} did: writes acknowledged, and those whose outcome is unknown. */
  public record Writes(int acknowledged, int unknown) {}

  /**
   * Proposes {@code proposal.apply(i)} for i = 0, 1, ... one at a time through any running node,
   * while {@link #stopLeaders} stops the leader {@code stops} times: at least {@code minWrites}
   * writes, and on until the stops are done (or 90 s have passed). A write that fails (its node
   * stopped, or lost its leader) may or may not be in the log; it is counted as unknown.
   */
  public Writes proposeWhileStoppingLeaders(int minWrites, int stops, Random random,
      java.util.function.IntFunction<io.committed.api.Proposal> proposal) {
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    CompletableFuture<Void> stopper = stopLeaders(stops, random, writing::get);
    int acknowledged = 0;
    int unknown = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try {
      for (int i = 0; i < minWrites || leaderStops() < stops && System.nanoTime() < deadline; i++) {
        Map.Entry<Integer, CommittedLog> node = nodes.entrySet().stream().findAny()
            .orElseThrow(() -> new IllegalStateException("no node is running"));
        CompletableFuture<Long> f = node.getValue().propose(proposal.apply(i));
        try {
          f.get(PROPOSAL_ANSWER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
          acknowledged++;
        } catch (java.util.concurrent.ExecutionException e) {
          unknown++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing", e);
        } catch (java.util.concurrent.TimeoutException e) {
          // every proposal must be answered (committed, refused or failed), even by a node that is closing
          throw new AssertionError("write " + i + " to node " + node.getKey() + " got no answer within "
              + PROPOSAL_ANSWER_SECONDS + " s (its status: " + node.getValue().status() + ", running nodes "
              + nodes.keySet() + ")");
        }
      }
    } finally {
      writing.set(false);
    }
    stopper.join();
    return new Writes(acknowledged, unknown);
  }

  /** How many times {@link #stopLeaders} stopped a leader. */
  public int leaderStops() {
    return stops.get();
  }

  /** Every entry of {@code log}, in index order. */
  public static List<LogEntry> entries(CommittedLog log) {
    List<LogEntry> out = new ArrayList<>();
    long from = 1;
    while (true) {
      List<LogEntry> page = log.read(from, 10_000);
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      from = page.get(page.size() - 1).index() + 1;
    }
  }

  /** Key (as UTF-8 text) to the data of each upsert of {@code type}, in log order: what a target should hold per key. */
  public static Map<String, List<String>> dataPerKey(List<LogEntry> entries, String type) {
    Map<String, List<String>> out = new java.util.HashMap<>();
    for (LogEntry e : entries) {
      for (io.committed.api.Entity x : e.entities()) {
        if (x.typeId().equals(type) && !x.delete()) {
          out.computeIfAbsent(x.keyAsString(), k -> new ArrayList<>()).add(x.dataAsString());
        }
      }
    }
    return out;
  }

  /** Closes every node, in parallel. */
  @Override
  public void close() {
    nodes.values().parallelStream().forEach(CommittedLog::close);
    nodes.clear();
  }
}
