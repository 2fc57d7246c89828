package io.committed.benchmarks;

import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.util.Endpoint;
import io.committed.testkit.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference the raft figures are compared with, in the same run: three bare SOFAJRaft nodes in
 * this JVM on loopback, fsync on, a state machine that does nothing, one entry per task, a fixed
 * number of tasks in flight. What Committed adds (the event log, the state machine, group commit,
 * futures) shows as the ratio to this.
 */
final class RawJraftBaseline {
  private RawJraftBaseline() {}

  private static final class NoopFsm extends StateMachineAdapter {
    @Override
    public void onApply(Iterator iter) {
      while (iter.hasNext()) {
        if (iter.done() != null) {
          iter.done().run(Status.OK());
        }
        iter.next();
      }
    }
  }

  static RaftBenchmark.Result run(Path root, int size, int inFlight, int warmup, int seconds) throws Exception {
    Path dir = root == null ? Files.createTempDirectory("raw-jraft")
        : Files.createTempDirectory(Files.createDirectories(root), "raw-jraft");
    List<PeerId> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add(new PeerId(new Endpoint("127.0.0.1", freePort()), 0));
    }
    List<RaftGroupService> services = new ArrayList<>();
    try {
      for (PeerId p : peers) {
        NodeOptions o = new NodeOptions();
        Path d = Files.createDirectories(dir.resolve("n" + p.getPort()));
        o.setFsm(new NoopFsm());
        o.setLogUri(d.resolve("log").toString());
        o.setRaftMetaUri(d.resolve("meta").toString());
        o.setSnapshotUri(d.resolve("snapshot").toString());
        o.setInitialConf(new Configuration(peers));
        o.setElectionTimeoutMs(1000);
        o.getRaftOptions().setSync(true);
        RaftGroupService s = new RaftGroupService("baseline", p, o, RaftRpcServerFactory.createRaftRpcServer(p.getEndpoint()));
        s.start(true);
        services.add(s);
      }
      Node leader;
      try {
        Await.until("a leader among the baseline's raw JRaft nodes", Duration.ofSeconds(30),
            () -> services.stream().anyMatch(s -> s.getRaftNode().isLeader()));
        leader = services.stream().map(RaftGroupService::getRaftNode).filter(Node::isLeader).findFirst()
            .orElseThrow(() -> new IllegalStateException("the baseline's leader stepped down at once"));
      } catch (AssertionError e) {
        throw new IllegalStateException("no leader among the baseline's raw JRaft nodes", e);
      }
      byte[] data = new byte[size];
      new Random(size).nextBytes(data);
      drive(leader, data, inFlight, TimeUnit.SECONDS.toNanos(warmup), null);
      long[] latencies = new long[(int) Math.min(50_000_000L, seconds * 400_000L)];
      AtomicLong count = new AtomicLong();
      long start = System.nanoTime();
      CpuMeter cpu = CpuMeter.start();
      long end = drive(leader, data, inFlight, TimeUnit.SECONDS.toNanos(seconds), new Recorder(latencies, count));
      long cpuPerOp = cpu.nanosPer(count.get());
      int n = (int) Math.min(count.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      double elapsed = (end - start) / 1e9;
      return n == 0 ? null : new RaftBenchmark.Result(count.get() / elapsed, sorted[n / 2],
          sorted[Math.min(n - 1, (int) (n * 0.99))], sorted[n - 1], count.get(), 0, 1.0, cpuPerOp);
    } finally {
      for (RaftGroupService s : services) {
        s.shutdown();
        s.join();
      }
      LoopbackCluster.deleteRecursively(dir);
    }
  }

  private record Recorder(long[] latencies, AtomicLong count) {
    void record(long nanos) {
      long i = count.getAndIncrement();
      if (i < latencies.length) {
        latencies[(int) i] = nanos;
      }
    }
  }

  /** Keeps {@code inFlight} tasks in flight for {@code nanos}; returns when the last one completed. */
  private static long drive(Node leader, byte[] data, int inFlight, long nanos, Recorder recorder) throws Exception {
    Semaphore permits = new Semaphore(inFlight);
    AtomicLong last = new AtomicLong();
    long stop = System.nanoTime() + nanos;
    while (System.nanoTime() < stop) {
      if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the baseline's raw JRaft stalled");
      }
      long t0 = System.nanoTime();
      Task task = new Task();
      task.setData(ByteBuffer.wrap(data));
      task.setDone(status -> {
        long now = System.nanoTime();
        if (recorder != null && status.isOk()) {
          recorder.record(now - t0);
        }
        last.accumulateAndGet(now, Math::max);
        permits.release();
      });
      leader.apply(task);
    }
    permits.acquire(inFlight);
    return last.get();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
