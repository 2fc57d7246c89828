package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedBuilder;
import io.committed.CommittedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A raft group of {@code size} nodes in this JVM on free loopback ports, each with its own data
 * directory under a fresh temporary directory that {@link #close()} deletes. The JVM needs
 * {@code RaftEngineFactory.jvmFlags()}.
 */
final class LoopbackCluster implements AutoCloseable {
  private final Path root;
  private final TreeMap<Integer, CommittedLog> logs = new TreeMap<>();

  private LoopbackCluster(Path root) {
    this.root = root;
  }

  /**
   * Starts the nodes in parallel (each waits for a quorum) and waits for a leader.
   *
   * @param parent where the temporary directory goes; null for the system's temporary directory
   * @param customize applied to each node's builder, after node id, peers and data directory
   */
  static LoopbackCluster start(Path parent, int size, UnaryOperator<CommittedBuilder> customize) {
    Path root;
    try {
      root = parent == null ? Files.createTempDirectory("committed-raft-bench")
          : Files.createTempDirectory(Files.createDirectories(parent), "committed-raft-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LoopbackCluster cluster = new LoopbackCluster(root);
    TreeMap<Integer, Integer> ports = new TreeMap<>();
    for (int id = 1; id <= size; id++) {
      ports.put(id, freePort());
    }
    String peers = ports.entrySet().stream().map(e -> e.getKey() + "=127.0.0.1:" + e.getValue())
        .collect(Collectors.joining(","));
    try {
      List<Thread> starters = new ArrayList<>();
      List<RuntimeException> failures = new ArrayList<>();
      for (int id : ports.keySet()) {
        Thread t = new Thread(() -> {
          try {
            CommittedLog log = customize.apply(Committed.builder().nodeId(id).peers(peers)
                .dataDir(root.resolve("node-" + id))).start();
            synchronized (cluster.logs) {
              cluster.logs.put(id, log);
            }
          } catch (RuntimeException e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        }, "start-node-" + id);
        starters.add(t);
        t.start();
      }
      for (Thread t : starters) {
        t.join();
      }
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      cluster.leader(Duration.ofSeconds(30));
      return cluster;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new IllegalStateException("interrupted while starting the cluster", e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The node that leads, waiting up to {@code timeout} for exactly one running node to lead. */
  CommittedLog leader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<CommittedLog> leaders = logs.values().stream().filter(l -> l.status().role() == io.committed.NodeRole.LEADER).toList();
      if (leaders.size() == 1) {
        return leaders.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no single leader within " + timeout + ": " + statuses());
      }
      LockSupport.parkNanos(20_000_000);
    }
  }

  /** A node that does not lead at the moment. */
  CommittedLog follower() {
    CommittedLog leader = leader(Duration.ofSeconds(30));
    return logs.values().stream().filter(l -> l != leader).findFirst().orElseThrow();
  }

  /** Each node's status, one per line, for reports of failures and stalls. */
  String statuses() {
    return logs.values().stream().map(l -> {
      try {
        return l.status().toString();
      } catch (RuntimeException e) {
        return "status failed: " + e;
      }
    }).collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  @Override
  public void close() {
    logs.values().parallelStream().forEach(CommittedLog::close);
    logs.clear();
    deleteRecursively(root);
  }

  /** Deletes a directory tree; a failure is reported on stderr, not thrown. */
  static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
