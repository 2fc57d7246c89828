package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What a scrub costs: the time {@code scrub()} takes (the node's apply thread reads its whole event
 * log while applying pauses) next to reading the whole log through {@code read} in the same run,
 * on the in-memory engine and on a one-node raft log. Writes {@code --entries} entries of
 * {@code --size} bytes; every 1,000th holds the scrubbed key. Run:
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java $FLAGS -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.ScrubBenchmark \
 *     [--entries 500000] [--size 256] [--dir /tmp/scrub-bench]
 * </pre>
 */
public final class ScrubBenchmark {
  private ScrubBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = 500_000;
    int size = 256;
    Path dir = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entries" -> entries = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("committed-scrub-");
    }
    try (CommittedLog log = Committed.inMemory()) {
      run("in-memory", log, entries, size);
    }
    try (CommittedLog log = Committed.builder().nodeId(1).peers("1=127.0.0.1:" + Ports.free()).dataDir(dir)
        .start()) {
      run("raft, 1 node", log, entries, size);
    } finally {
      LoopbackCluster.deleteRecursively(dir);
    }
  }

  private static void run(String engine, CommittedLog log, int entries, int size) {
    log.types().define("item", "[type]\nname = \"item\"");
    String data = "{\"note\":\"" + "x".repeat(Math.max(0, size - 11)) + "\"}";
    List<CompletableFuture<Long>> window = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      String key = i % 1000 == 7 ? "victim" : "k" + i;
      window.add(log.propose(Proposal.of(Entity.upsert("item", key, data))));
      if (window.size() == 256) {
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
        window.clear();
      }
    }
    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
    for (int round = 1; round <= 2; round++) {
      long start = System.nanoTime();
      long read = 0;
      for (long from = 1; from <= log.lastIndex(); ) {
        int n = log.read(from, 10_000).size();
        read += n;
        from += n;
      }
      double readSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      log.scrub("item", List.of("victim"), "benchmark");
      double scrubSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "%s, round %d: %d entries of %d bytes; reading them all %.2f s (%.0f entries/s);"
          + " scrub %.2f s (%.0f entries/s), %.2fx the read%n", engine, round, read, data.length(), readSeconds,
          read / readSeconds, scrubSeconds, read / scrubSeconds, scrubSeconds / readSeconds);
    }
  }
}
