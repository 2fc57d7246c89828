package io.committed.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP syncable against a receiver on loopback (the JDK's HttpServer) that answers 204 at
 * once: entries per second from a backlog already in an in-memory log, with {@code batch} 1 and
 * 100 entries per request, and the delay from commit (the proposal's future completing) to receipt
 * (the receiver's handler seeing the entry), one entry at a time.
 *
 * <p>Run:
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.HttpSyncBenchmark \
 *     [--entries 200000] [--entries-batch-1 20000] [--batches 1,100] [--latency-samples 2000]
 * </pre>
 */
public final class HttpSyncBenchmark {
  private static final Pattern INDEX = Pattern.compile("\"index\":(\\d+)");

  private HttpSyncBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = 200_000;
    int entriesBatch1 = 20_000;
    int samples = 2_000;
    List<Integer> batches = List.of(1, 100);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entries" -> entries = Integer.parseInt(args[i + 1]);
        case "--entries-batch-1" -> entriesBatch1 = Integer.parseInt(args[i + 1]);
        case "--batches" -> batches = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--latency-samples" -> samples = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.out.printf(Locale.ROOT, "%6s %8s %9s %10s %9s %9s %9s%n", "batch", "entries", "seconds", "entries/s",
        "p50 ms", "p99 ms", "max ms");
    for (int batch : batches) {
      int n = batch == 1 ? Math.min(entries, entriesBatch1) : entries;
      try (Receiver receiver = new Receiver()) {
        double seconds = throughput(receiver, batch, n);
        double[] latency = latency(receiver, batch, samples);
        System.out.printf(Locale.ROOT, "%6d %8d %9.2f %10.0f %9.2f %9.2f %9.2f%n", batch, n, seconds, n / seconds,
            latency[0], latency[1], latency[2]);
      }
    }
  }

  private static String hook(Receiver receiver, int batch) {
    return """
        [syncable]
        type = "http"
        [http]
        topic = "item"
        url = "http://127.0.0.1:%d/in"
        batch = %d
        """.formatted(receiver.port(), batch);
  }

  private static Proposal item(int i) {
    return Proposal.of(Entity.upsert("item", "item-" + i, "{\"id\":\"item-" + i + "\",\"name\":\"name " + i
        + "\",\"qty\":" + (i % 1000) + ",\"note\":\"" + "x".repeat(120) + "\"}"));
  }

  /** Seconds to deliver a backlog of {@code n} entries. */
  static double throughput(Receiver receiver, int batch, int n) throws Exception {
    try (CommittedLog log = Committed.builder().inMemory().start()) {
      log.types().define("item", "[type]\nname = \"item\"");
      List<CompletableFuture<Long>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(log.propose(item(i)));
        if (pending.size() == 1000) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      long head = log.lastIndex();
      receiver.reset();
      long start = System.nanoTime();
      log.syncables().define("bench", hook(receiver, batch));
      if (!log.sync().awaitSynced("bench", head, Duration.ofMinutes(30))) {
        throw new IllegalStateException("not synced: " + log.sync().status("bench"));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (receiver.received.size() != n) {
        throw new IllegalStateException("expected " + n + " entries at the receiver, got " + receiver.received.size());
      }
      return seconds;
    }
  }

  /** Commit-to-receipt delay of {@code samples} entries proposed one at a time: p50, p99, max in ms. */
  static double[] latency(Receiver receiver, int batch, int samples) throws Exception {
    try (CommittedLog log = Committed.builder().inMemory().start()) {
      log.types().define("item", "[type]\nname = \"item\"");
      receiver.reset();
      log.syncables().define("bench", hook(receiver, batch));
      long[] delays = new long[samples];
      int warmup = Math.min(500, samples / 4);
      for (int i = 0; i < samples + warmup; i++) {
        long index = log.propose(item(i)).join();
        long committed = System.nanoTime();
        Long at;
        while ((at = receiver.waitFor(index)) == null) {
          // waits on the receiver's monitor, woken by each receipt
        }
        if (i >= warmup) {
          delays[i - warmup] = Math.max(0, at - committed);
        }
      }
      Arrays.sort(delays);
      return new double[] {delays[samples / 2] / 1e6, delays[(int) (samples * 0.99)] / 1e6,
          delays[samples - 1] / 1e6};
    }
  }

  /** Answers 204 at once and records when each index arrived. */
  static final class Receiver implements AutoCloseable {
    final ConcurrentHashMap<Long, Long> received = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(Executors.newFixedThreadPool(2));
      server.createContext("/in", x -> {
        byte[] body = x.getRequestBody().readAllBytes();
        long now = System.nanoTime();
        Matcher m = INDEX.matcher(new String(body, StandardCharsets.UTF_8));
        while (m.find()) {
          received.putIfAbsent(Long.parseLong(m.group(1)), now);
        }
        requests.incrementAndGet();
        x.sendResponseHeaders(204, -1);
        x.close();
        synchronized (this) {
          notifyAll();
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    void reset() {
      received.clear();
    }

    /** The receipt time of {@code index}, waiting up to 10 s for it; null to ask again. */
    synchronized Long waitFor(long index) throws InterruptedException {
      Long at = received.get(index);
      if (at == null) {
        wait(TimeUnit.SECONDS.toMillis(10));
        at = received.get(index);
      }
      return at;
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
