package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Propose-to-apply throughput of the in-memory engine: one entity of {@code entityBytes} per
 * proposal, either 256 proposals in flight (pipelined) or one at a time. Each operation is one
 * proposal, committed and applied, its future completed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InMemoryProposeBenchmark {
  private static final int IN_FLIGHT = 256;

  @Param({"1024"})
  int entityBytes;

  private CommittedLog log;
  private Proposal[] proposals;

  @Setup(Level.Trial)
  public void start() {
    log = Committed.builder().inMemory().maxInFlight(IN_FLIGHT * 4).start();
    log.types().define("bench", "[type]\nname = \"bench\"");
    proposals = new Proposal[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++) {
      byte[] data = new byte[entityBytes];
      ThreadLocalRandom.current().nextBytes(data);
      proposals[i] = Proposal.of(Entity.upsert("bench", ("key-" + i).getBytes(), data));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    log.close();
  }

  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public long pipelined() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Long>[] futures = new CompletableFuture[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++) {
      futures[i] = log.propose(proposals[i]);
    }
    long last = 0;
    for (CompletableFuture<Long> f : futures) {
      last = f.join();
    }
    return last;
  }

  @Benchmark
  public long oneInFlight() {
    return log.propose(proposals[0]).join();
  }
}
