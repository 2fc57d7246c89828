package io.committed.benchmarks;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proposals per second and commit latency of the raft engine: three nodes in this JVM on loopback,
 * each with its own fresh data directory, fsync on (the engine's default). For each entry size,
 * each number of proposals kept in flight and coalescing off ({@code maxBatchCommands=1}: one
 * proposal per raft entry) and on (the default, 1024), each on a fresh cluster after one throwaway
 * run that warms up the JIT: a warm-up, then one writer thread keeps
 * exactly K proposals in flight (a semaphore) for the given seconds. One line per configuration:
 * entries/s, commit latency (propose to future completion) p50/p99/max, proposals per raft entry,
 * failed proposals, and the ratio coalescing on/off.
 *
 * <p>Run (the JVM flags are those of {@code RaftEngineFactory.jvmFlags()}):
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
 *     --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
 *     -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.RaftBenchmark \
 *     [--seconds 10] [--warmup 3] [--sizes 128,1024] [--inflight 1,64,256] [--coalescing off,on] \
 *     [--target leader|follower] [--forwarding] [--baseline] [--dir /path/for/data] [--engine-option key=value]...
 * </pre>
 *
 * <p>{@code --baseline} also runs three bare JRaft nodes (a state machine that does nothing, one
 * entry per task) with the same size and in-flight count, and prints each row's ratio to it: the
 * comparison that holds on a noisy machine.
 *
 * <p>{@code --forwarding} is the quick mode of proposals sent to a follower, which forwards them to
 * the leader: 1 KiB, 64 in flight (what {@code --target follower --sizes 1024 --inflight 64} gives).
 */
public final class RaftBenchmark {
  private static final int KEYS = 4096;
  private static final long STALL_SECONDS = 15;

  private RaftBenchmark() {}

  /** One configuration's figures; latencies in nanoseconds. */
  record Result(double perSecond, long p50, long p99, long max, long completed, long failed, double perRaftEntry,
      long cpuPerOp) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    int seconds = 10;
    int warmup = 3;
    List<Integer> sizes = List.of(128, 1024);
    List<Integer> inFlights = List.of(1, 64, 256);
    List<String> coalescing = List.of("off", "on");
    boolean follower = false;
    Path dir = null;
    boolean baseline = false;
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--baseline")) {
        baseline = true;
        continue;
      }
      if (args[i].equals("--forwarding")) {
        follower = true;
        sizes = List.of(1024);
        inFlights = List.of(64);
        continue;
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String value = args[++i];
      switch (args[i - 1]) {
        case "--seconds" -> seconds = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--sizes" -> sizes = ints(value);
        case "--inflight" -> inFlights = ints(value);
        case "--coalescing" -> coalescing = List.of(value.split(","));
        case "--target" -> follower = switch (value) {
          case "leader" -> false;
          case "follower" -> true;
          default -> throw new IllegalArgumentException("--target is leader or follower, was " + value);
        };
        case "--dir" -> dir = Path.of(value);
        case "--engine-option" -> {
          String[] kv = value.split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException("--engine-option takes key=value, was " + value);
          }
          options.put(kv[0], kv[1]);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
      }
    }
    System.out.printf(Locale.ROOT, "raft, 3 nodes in one JVM on loopback, fsync on; %d s warm-up, %d s measured,"
        + " proposals to the %s%s%n", warmup, seconds, follower ? "follower (forwarded)" : "leader",
        options.isEmpty() ? "" : "; engine options " + options);
    System.out.printf(Locale.ROOT, "%6s %8s %10s %10s %9s %9s %9s %9s %7s %8s %7s%n", "size", "inflight", "coalescing",
        "entries/s", "p50 ms", "p99 ms", "max ms", "per-entry", "failed", "cpu us", "on/off");
    // the first configuration would otherwise run with a cold JIT: a throwaway cluster warms it up
    run(dir, 1024, 64, true, follower, 0, Math.max(15, warmup), options);
    for (int size : sizes) {
      for (int k : inFlights) {
        Result off = null;
        Result raw = null;
        if (baseline) {
          raw = RawJraftBaseline.run(dir, size, k, warmup, seconds);
          if (raw != null) {
            System.out.printf(Locale.ROOT, "%6d %8d %10s %10.0f %9.2f %9.2f %9.2f %9.1f %7d %8.1f %7s%n", size, k,
                "raw JRaft", raw.perSecond(), raw.p50() / 1e6, raw.p99() / 1e6, raw.max() / 1e6, 1.0, 0,
                raw.cpuPerOp() / 1e3, "");
          }
        }
        for (String c : coalescing) {
          boolean on = switch (c) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--coalescing lists on and off, was " + c);
          };
          Result r = run(dir, size, k, on, follower, warmup, seconds, options);
          if (!on) {
            off = r;
          }
          String ratio = on && off != null && r != null && off.perSecond() > 0
              ? String.format(Locale.ROOT, "%.2f", r.perSecond() / off.perSecond()) : "";
          if (r == null) {
            System.out.printf(Locale.ROOT, "%6d %8d %10s   (stalled: see stderr)%n", size, k, c);
          } else {
            System.out.printf(Locale.ROOT, "%6d %8d %10s %10.0f %9.2f %9.2f %9.2f %9.1f %7d %8.1f %7s%s%n", size, k, c,
                r.perSecond(), r.p50() / 1e6, r.p99() / 1e6, r.max() / 1e6, r.perRaftEntry(), r.failed(),
                r.cpuPerOp() / 1e3, ratio, raw == null ? "" : String.format(Locale.ROOT,
                    "  %.2f of raw JRaft, %.2f of its cpu per entry", r.perSecond() / raw.perSecond(),
                    raw.cpuPerOp() > 0 ? (double) r.cpuPerOp() / raw.cpuPerOp() : 0));
          }
        }
      }
    }
    System.exit(0); // in case a library left a non-daemon thread running after close
  }

  /** One configuration on a fresh cluster; null when it stalled (reported on stderr). */
  static Result run(Path dir, int size, int inFlight, boolean coalescing, boolean follower, int warmup, int seconds,
      Map<String, String> options) {
    String config = size + " B, " + inFlight + " in flight, coalescing " + (coalescing ? "on" : "off");
    try (LoopbackCluster cluster = LoopbackCluster.start(dir, 3, b -> {
      options.forEach(b::engineOption);
      return b.engineOption("maxBatchCommands", coalescing ? "1024" : "1");
    })) {
      CommittedLog leader = cluster.leader(Duration.ofSeconds(30));
      leader.types().define("bench", "[type]\nname = \"bench\"\n");
      CommittedLog target = follower ? cluster.follower() : leader;
      Proposal[] proposals = new Proposal[KEYS];
      Random random = new Random(size);
      for (int i = 0; i < KEYS; i++) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        proposals[i] = Proposal.of(Entity.upsert("bench", ("key-" + i).getBytes(), data));
      }
      Load load = new Load(target, proposals, inFlight, (int) Math.min(50_000_000L, seconds * 400_000L));
      try {
        load.drive(TimeUnit.SECONDS.toNanos(warmup), false);
        long raftBefore = leader.status().engineCommittedIndex();
        long logBefore = leader.lastIndex();
        long start = System.nanoTime();
        CpuMeter cpu = CpuMeter.start();
        load.drive(TimeUnit.SECONDS.toNanos(seconds), true);
        load.drain();
        long cpuPerOp = cpu.nanosPer(load.completed.get());
        double elapsed = (load.lastCompletion.get() - start) / 1e9;
        long raftEntries = leader.status().engineCommittedIndex() - raftBefore;
        long logEntries = leader.lastIndex() - logBefore;
        long[] latencies = Arrays.copyOf(load.latencies, Math.min(load.recorded.get(), load.latencies.length));
        Arrays.sort(latencies);
        int n = latencies.length;
        load.reportFailures(config);
        if (n == 0) {
          return new Result(0, 0, 0, 0, 0, load.failed.get(), 0, 0);
        }
        return new Result(load.completed.get() / elapsed, latencies[n / 2], latencies[Math.min(n - 1, (int) (n * 0.99))],
            latencies[n - 1], load.completed.get(), load.failed.get(),
            raftEntries > 0 ? (double) logEntries / raftEntries : 0, cpuPerOp);
      } catch (Stall s) {
        load.reportFailures(config);
        System.err.println("STALL (" + config + (follower ? ", to a follower" : "") + "): " + s.getMessage()
            + "; nodes:" + cluster.statuses());
        dumpThreads();
        return null;
      }
    }
  }

  /** Keeps a fixed number of proposals in flight from the calling thread. */
  private static final class Load {
    private final CommittedLog log;
    private final Proposal[] proposals;
    private final int inFlight;
    private final Semaphore permits;
    final long[] latencies;
    final AtomicInteger recorded = new AtomicInteger();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong lastCompletion = new AtomicLong();
    private final Queue<Throwable> firstFailures = new ConcurrentLinkedQueue<>();
    private int next;

    Load(CommittedLog log, Proposal[] proposals, int inFlight, int capacity) {
      this.log = log;
      this.proposals = proposals;
      this.inFlight = inFlight;
      this.permits = new Semaphore(inFlight);
      this.latencies = new long[capacity];
    }

    void drive(long nanos, boolean measured) throws Stall {
      long end = System.nanoTime() + nanos;
      while (System.nanoTime() < end) {
        acquire(1);
        Proposal p = proposals[next++ % proposals.length];
        long sent = System.nanoTime();
        CompletableFuture<Long> f;
        try {
          f = log.propose(p);
        } catch (RuntimeException e) {
          fail(e);
          permits.release();
          continue;
        }
        f.whenComplete((index, error) -> {
          long done = System.nanoTime();
          if (error != null) {
            fail(error);
          } else if (measured) {
            int i = recorded.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = done - sent;
            }
            completed.incrementAndGet();
            lastCompletion.accumulateAndGet(done, Math::max);
          }
          permits.release();
        });
      }
    }

    void drain() throws Stall {
      acquire(inFlight);
      permits.release(inFlight);
    }

    private void acquire(int n) throws Stall {
      try {
        if (!permits.tryAcquire(n, STALL_SECONDS, TimeUnit.SECONDS)) {
          throw new Stall("no proposal completed for " + STALL_SECONDS + " s with " + (inFlight - permits.availablePermits())
              + " in flight; " + completed.get() + " completed, " + failed.get() + " failed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Stall("interrupted");
      }
    }

    private void fail(Throwable t) {
      if (failed.incrementAndGet() <= 3) {
        firstFailures.add(t);
      }
    }

    void reportFailures(String config) {
      for (Throwable t : firstFailures) {
        System.err.println("FAILED PROPOSAL (" + config + "), one of " + failed.get() + ":");
        t.printStackTrace();
      }
    }
  }

  private static final class Stall extends Exception {
    Stall(String message) {
      super(message);
    }
  }

  private static void dumpThreads() {
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      System.err.println("\"" + e.getKey().getName() + "\" " + e.getKey().getState());
      for (StackTraceElement s : e.getValue()) {
        System.err.println("    at " + s);
      }
    }
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }
}
