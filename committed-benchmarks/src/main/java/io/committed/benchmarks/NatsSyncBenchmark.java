package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.sync.nats.NatsSyncableFactory;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Entities per second the NATS syncable publishes into an R1 file stream, 1 KiB entities, with the
 * client's own rate for the same messages in the same run:
 *
 * <ol>
 *   <li>jnats alone: {@code publishAsync} of the same 1 KiB messages (same headers, a
 *       {@code Nats-Msg-Id} each) with 256 acknowledgements outstanding, until all are acknowledged;
 *   <li>backlog: the entries already in an in-memory log, the syncable defined, until the last is
 *       acknowledged (the real sync worker);
 *   <li>live: a writer keeping at most 1000 entities proposed and not yet acknowledged by the
 *       stream, while the syncable publishes; commit-to-ack
 *       latency per entity is from the proposal's commit (its future completing) to the return of
 *       the {@code sync} call that published it, which returns only after every ack of its batch.
 * </ol>
 *
 * <p>Needs nats-server with JetStream at {@code --url} (default the machine's 127.0.0.1:4222). Run:
 *
 * <pre>
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.NatsSyncBenchmark \
 *     [--entities 100000] [--size 1024] [--batch 500] [--url nats://127.0.0.1:4222]
 * </pre>
 */
public final class NatsSyncBenchmark {
  private static final String ACK_TIMEOUT = System.getProperty("bench.ackTimeout", "10s");

  private NatsSyncBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entities = 100_000;
    int size = 1024;
    int batch = 500;
    String url = "nats://127.0.0.1:4222";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entities" -> entities = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--url" -> url = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String data = data(size);
    System.out.printf(Locale.ROOT, "%d entities of %d bytes, R1 file stream, sync batch %d, %d cores%n", entities,
        data.length(), batch, Runtime.getRuntime().availableProcessors());
    try (Connection admin = Nats.connect(Options.builder().server(url).build())) {
      if (!Boolean.getBoolean("bench.liveOnly")) {
        rawClient(admin, Math.max(1000, entities / 10), data); // warm-up, not reported
        double raw = rawClient(admin, entities, data);
        System.out.printf(Locale.ROOT, "%-42s %10.0f msgs/s%n", "jnats publishAsync alone (256 in flight)", raw);
        double backlog = backlog(admin, url, entities, data, batch);
        System.out.printf(Locale.ROOT, "%-42s %10.0f entities/s%n", "syncable, backlog in the log", backlog);
      }
      live(admin, url, entities, data, batch);
    }
  }

  private static String data(int size) {
    String head = "{\"id\":\"e\",\"note\":\"";
    return head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\"}";
  }

  private static String streamName(String what) {
    return "BENCH_" + what + "_" + ProcessHandle.current().pid();
  }

  private static void delete(Connection c, String stream) throws Exception {
    try {
      c.jetStreamManagement().deleteStream(stream);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) {
        throw e;
      }
    }
  }

  /** Messages per second jnats publishes and gets acknowledged with 256 in flight. */
  static double rawClient(Connection c, int n, String data) throws Exception {
    String stream = streamName("RAW");
    String subject = stream.toLowerCase(Locale.ROOT);
    c.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(subject + ".>")
        .storageType(StorageType.File).replicas(1).build());
    try {
      JetStream js = c.jetStream();
      byte[] body = data.getBytes(StandardCharsets.UTF_8);
      ArrayDeque<CompletableFuture<PublishAck>> window = new ArrayDeque<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Headers h = new Headers();
        h.add("Committed-Syncable", "bench").add("Committed-Index", Integer.toString(i + 1))
            .add("Committed-Position", "0").add("Committed-Entities", "1").add("Committed-Type", "item")
            .add("Committed-Type-Version", "1").add("Committed-Operation", "upsert")
            .add("Committed-Key", "k" + (i % 1000)).add("Committed-Timestamp", "2026-01-01T00:00:00Z");
        NatsMessage m = NatsMessage.builder().subject(subject + ".k" + (i % 1000)).headers(h).data(body).build();
        if (window.size() == 256) {
          window.removeFirst().get();
        }
        window.addLast(js.publishAsync(m, PublishOptions.builder().messageId("bench:" + (i + 1) + ":0")
            .expectedStream(stream).build()));
      }
      for (CompletableFuture<PublishAck> f : window) {
        f.get();
      }
      return n / ((System.nanoTime() - start) / 1e9);
    } finally {
      delete(c, stream);
    }
  }

  private static String syncableDoc(String kind, String url, String stream, int batch) {
    return """
        [syncable]
        type = "%1$s"
        batchSize = %4$d
        [%1$s]
        topic = "item"
        servers = ["%2$s"]
        stream = "%3$s"
        subject = "%5$s.${key}"
        ackTimeout = "%6$s"
        [%1$s.createStream]
        storage = "file"
        replicas = 1
        """.formatted(kind, url, stream, batch, stream.toLowerCase(Locale.ROOT), ACK_TIMEOUT);
  }

  static double backlog(Connection admin, String url, int n, String data, int batch) throws Exception {
    String stream = streamName("BACKLOG");
    try {
      return SyncRuns.backlog(n, data, batch, syncableDoc("nats", url, stream, batch), count -> check(admin, stream, count));
    } finally {
      delete(admin, stream);
    }
  }

  static void live(Connection admin, String url, int n, String data, int batch) throws Exception {
    String stream = streamName("LIVE");
    try {
      SyncRuns.live(n, data, batch, new NatsSyncableFactory(), kind -> syncableDoc(kind, url, stream, batch),
          count -> check(admin, stream, count), "syncable, live");
    } finally {
      delete(admin, stream);
    }
  }

  private static void check(Connection admin, String stream, long n) throws Exception {
    long count = admin.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    if (count != n) {
      throw new IllegalStateException("expected " + n + " messages in " + stream + ", found " + count);
    }
  }
}
