package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.NodeRole;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Ports;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * How long a one-node raft log with many entries takes to start again, and its heap after start:
 * writes {@code --entries} entries of {@code --size} bytes (in flight 256 at a time), closes the
 * log, then starts it on the same data directory and measures until it leads and serves its last
 * entry; then the heap after a full GC. Run:
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java $FLAGS -Xmx2g -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.RestartBenchmark \
 *     [--entries 1000000] [--size 1024] [--dir /tmp/restart-bench] [--restarts 2]
 * </pre>
 */
public final class RestartBenchmark {
  private RestartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = 1_000_000;
    int size = 1024;
    int restarts = 2;
    Path dir = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entries" -> entries = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--restarts" -> restarts = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("committed-restart-");
    }
    int port = Ports.free();
    String data = "{\"note\":\"" + "x".repeat(Math.max(0, size - 11)) + "\"}";
    long wrote = System.nanoTime();
    try (CommittedLog log = open(dir, port)) {
      log.types().define("item", "[type]\nname = \"item\"");
      List<CompletableFuture<Long>> window = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        window.add(log.propose(Proposal.of(Entity.upsert("item", "k" + (i % 100_000), data))));
        if (window.size() == 256) {
          CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
          window.clear();
        }
      }
      CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
      System.out.printf(Locale.ROOT, "wrote %d entries of %d bytes in %.1f s; last index %d; %s on disk%n", entries,
          data.length(), (System.nanoTime() - wrote) / 1e9, log.lastIndex(), du(dir));
    }
    for (int r = 1; r <= restarts; r++) {
      System.gc();
      long start = System.nanoTime();
      try (CommittedLog log = open(dir, port)) {
        long opened = System.nanoTime();
        while (log.status().role() != NodeRole.LEADER || log.lastIndex() < entries) {
          Thread.onSpinWait();
        }
        long ready = System.nanoTime();
        log.read(log.lastIndex(), 1);
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "restart %d: start() returned in %.2f s, leading with every entry after %.2f s;"
            + " heap after a full GC %.0f MiB%n", r, (opened - start) / 1e9, (ready - start) / 1e9, heap / 1048576.0);
      }
    }
  }

  private static CommittedLog open(Path dir, int port) {
    return Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(dir).start();
  }

  private static String du(Path dir) throws Exception {
    long[] bytes = {0};
    try (var files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(p -> bytes[0] += p.toFile().length());
    }
    return String.format(Locale.ROOT, "%.0f MiB", bytes[0] / 1048576.0);
  }
}
