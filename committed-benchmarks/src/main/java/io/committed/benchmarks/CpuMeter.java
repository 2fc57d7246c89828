package io.committed.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * CPU time this process spends over a measured window, without the JIT compiler's: a measure of
 * work per operation that holds better than throughput on a shared, noisy machine (other processes
 * slow a run down, but they do not add to its CPU time).
 */
final class CpuMeter {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private final long cpuAtStart;
  private final long jitAtStart;

  private CpuMeter() {
    this.cpuAtStart = os.getProcessCpuTime();
    this.jitAtStart = jitNanos();
  }

  static CpuMeter start() {
    return new CpuMeter();
  }

  private long jitNanos() {
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() * 1_000_000L : 0;
  }

  /** CPU nanoseconds per operation since {@link #start}, the compiler's time taken out; 0 if unknown. */
  long nanosPer(long operations) {
    long cpu = os.getProcessCpuTime();
    if (cpu < 0 || cpuAtStart < 0 || operations <= 0) {
      return 0;
    }
    return Math.max(0, (cpu - cpuAtStart) - (jitNanos() - jitAtStart)) / operations;
  }
}
