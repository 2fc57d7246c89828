package io.committed.server.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test: three raft nodes in this JVM (fsync on), 1 KiB proposals written to
 * the leader's log in process ({@code connections} in flight), then over HTTP, first one per
 * request on {@code POST /v1/proposal}, then {@code batch} per request on {@code POST
 * /v1/proposals}; prints proposals/s of each in one run. The HTTP clients are Java's
 * {@code HttpClient} in this JVM, or with {@code --wrk 2} the {@code wrk} load generator (Debian's
 * package) with that many threads, in its own process, for the single route (to the leader, then to
 * a follower).
 *
 * <pre>
 * java -cp committed-server/target/test-classes:committed-server/target/classes:$(cat cp.txt) \
 *   io.committed.server.support.HttpWriteHarness --seconds 10 --connections 64 --batch 100 --batch-connections 8
 * </pre>
 */
public final class HttpWriteHarness {
  private HttpWriteHarness() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int connections = 64;
    int batch = 100;
    int batchConnections = 8;
    int wrkThreads = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--seconds" -> seconds = v;
        case "--connections" -> connections = v;
        case "--batch" -> batch = v;
        case "--batch-connections" -> batchConnections = v;
        case "--wrk" -> wrkThreads = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("http-write-harness");
    try (RaftNodes nodes = new RaftNodes(dir, 3).startAll()) {
      int leader = nodes.awaitLeader();
      URI base = nodes.server(leader).uri();
      new ApiClient(base, null).postToml("/v1/type/bench", "[type]\nname = \"bench\"\n").expect(200);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(10)).build();
      String pad = "x".repeat(1024 - 70);
      // warm-up, then the two measurements
      run(http, base, 2, connections, 1, pad);
      run(http, base, 2, batchConnections, batch, pad);
      inProcess(nodes.server(leader).log(), 2, connections, pad);
      double engine = inProcess(nodes.server(leader).log(), seconds, connections, pad);
      if (wrkThreads > 0) {
        URI follower = nodes.server(leader % 3 + 1).uri();
        wrk(base, 2, wrkThreads, connections, pad, "warm-up");
        double toLeader = wrk(base, seconds, wrkThreads, connections, pad, "leader");
        double toFollower = wrk(follower, seconds, wrkThreads, connections, pad, "follower");
        double engineAgain = inProcess(nodes.server(leader).log(), seconds, connections, pad);
        System.out.printf(Locale.ROOT, "in-process engine, %d in flight: %.0f proposals/s, after the HTTP runs %.0f%n",
            connections, engine, engineAgain);
        System.out.printf(Locale.ROOT, "single route (wrk, %d threads), %d connections to the leader: %.0f proposals/s"
            + " (%.2fx the engine), to a follower: %.0f proposals/s (%.2fx)%n", wrkThreads, connections, toLeader,
            toLeader / engine, toFollower, toFollower / engine);
        System.exit(0);
      }
      double single = run(http, base, seconds, connections, 1, pad);
      double batched = run(http, base, seconds, batchConnections, batch, pad);
      System.out.printf(Locale.ROOT, "in-process engine, %d in flight: %.0f proposals/s%n", connections, engine);
      System.out.printf(Locale.ROOT, "single route, %d connections: %.0f proposals/s (%.2fx the engine)%n",
          connections, single, single / engine);
      System.out.printf(Locale.ROOT, "batch route, %d per request, %d connections: %.0f proposals/s (%.2fx the engine,"
          + " %.2fx the single route)%n", batch, batchConnections, batched, batched / engine, batched / single);
    }
    System.exit(0);
  }

  /** Proposals/s of the leader's log itself, {@code inFlight} at a time, the same 1 KiB documents. */
  private static double inProcess(io.committed.CommittedLog log, int seconds, int inFlight, String pad)
      throws Exception {
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    long n = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      io.committed.api.Proposal p = io.committed.server.internal.ProposalCodec.parse(
          proposal(n++, pad).getBytes(StandardCharsets.UTF_8));
      log.propose(p).whenComplete((i, e) -> {
        if (e == null) {
          done.incrementAndGet();
        }
        slots.release();
      });
    }
    slots.acquire(inFlight);
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  /** Proposals/s that {@code wrk} writes on the single route; every request must answer 200. */
  private static double wrk(URI base, int seconds, int threads, int connections, String pad, String what)
      throws Exception {
    Path script = Files.createTempFile("proposal", ".lua");
    Files.writeString(script, String.join("\n",
        "local counter = 0",
        "local id = 0",
        "local threads = 0",
        "function setup(thread) threads = threads + 1; thread:set('id', threads) end",
        "function init(args) id = wrk.thread:get('id') end",
        "wrk.method = 'POST'",
        "wrk.headers['Content-Type'] = 'application/json'",
        "request = function()",
        "  counter = counter + 1",
        "  return wrk.format(nil, '/v1/proposal', nil, '{\"entities\":[{\"typeId\":\"bench\",\"key\":\"w" + what
            + "-' .. id .. '-' .. counter .. '\",\"data\":{\"p\":\"" + pad + "\"}}]}')",
        "end",
        "local failed = 0",
        "response = function(status, headers, body) if status ~= 200 then failed = failed + 1 end end",
        "done = function(summary, latency, requests)",
        "  io.write(string.format('WRK %d %d %d %d %d %d\\n', summary.requests, summary.duration,"
            + " summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write"
            + " + summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))",
        "end", ""));
    Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "30s",
        "-s", script.toString(), base.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    String line = out.lines().filter(l -> l.startsWith("WRK ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("wrk printed no summary: " + out));
    String[] f = line.split(" ");
    long requests = Long.parseLong(f[1]);
    double elapsed = Long.parseLong(f[2]) / 1e6;
    if (Long.parseLong(f[3]) > 0) {
      throw new IllegalStateException("wrk saw " + f[3] + " failed requests: " + out);
    }
    System.out.printf(Locale.ROOT, "wrk %s: %d requests in %.1f s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        what, requests, elapsed, Long.parseLong(f[4]) / 1e3, Long.parseLong(f[5]) / 1e3, Long.parseLong(f[6]) / 1e3);
    return requests / elapsed;
  }

  private static String proposal(long n, String pad) {
    return "{\"entities\":[{\"typeId\":\"bench\",\"key\":\"k-" + n + "\",\"data\":{\"p\":\"" + pad + "\"}}]}";
  }

  /** Proposals/s written by {@code connections} clients sending {@code batch} proposals a request. */
  private static double run(HttpClient http, URI base, int seconds, int connections, int batch, String pad)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicLong written = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      workers.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          String body;
          String path;
          if (batch == 1) {
            body = proposal(seq.incrementAndGet(), pad);
            path = "/v1/proposal";
          } else {
            StringBuilder b = new StringBuilder(batch * 1100).append('[');
            for (int i = 0; i < batch; i++) {
              b.append(i == 0 ? "" : ",").append(proposal(seq.incrementAndGet(), pad));
            }
            body = b.append(']').toString();
            path = "/v1/proposals";
          }
          HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
          HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() != 200 || batch > 1 && !answer.body().contains("\"failed\":0")) {
            throw new IllegalStateException(answer.statusCode() + " " + answer.body());
          }
          written.addAndGet(batch);
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return written.get() / elapsed;
  }
}
