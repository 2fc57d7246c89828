package io.committed.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.LogEntry;
import io.committed.spi.ResumableSyncable;
import io.committed.testkit.Await;
import io.committed.testkit.TestSyncableContext;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A NATS syncable in a child JVM, SIGKILLed three times while it publishes, then finished by a
 * fourth: the stream holds every entity exactly once, in log order (its message count equals the
 * entity count), because each new publisher resumes after the stream's last message and the
 * duplicate window drops what it publishes again.
 */
class NatsCrashIT {
  private static final int TOTAL = 3000;
  private static final int BATCH = 25;
  private final Connection admin = NatsTestServer.connect();
  private final String stream = NatsTestServer.uniqueStream("CRASH");

  @AfterEach
  void deleteStream() throws Exception {
    NatsTestServer.deleteStream(admin, stream);
    admin.close();
  }

  static ResumableSyncable syncable(String stream) {
    return (ResumableSyncable) new NatsSyncableFactory().create(TestSyncableContext.builder()
        .syncableId("crash-out")
        .document("""
            [syncable]
            type = "nats"
            [nats]
            topic = "order"
            servers = ["%s"]
            stream = "%s"
            subject = "%s.${key}"
            maxInFlight = 64
            [nats.createStream]
            storage = "file"
            """.formatted(NatsTestServer.URL, stream, stream.toLowerCase(java.util.Locale.ROOT)))
        .build());
  }

  /** The child: publishes entries 1 to {@code total} in batches from where the stream says, then exits 0. */
  public static void main(String[] args) throws Exception {
    String stream = args[0];
    int total = Integer.parseInt(args[1]);
    try (ResumableSyncable s = syncable(stream)) {
      long from = s.lastSyncedIndex() + 1;
      System.out.println("resuming after " + (from - 1));
      for (long i = from; i <= total; i += BATCH) {
        s.sync(NatsSyncableIT.entries(i, Math.min(total, i + BATCH - 1)));
      }
    }
    System.exit(0);
  }

  private Process child(Path log) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NatsCrashIT.class.getName(), stream,
        Integer.toString(TOTAL))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private long count() {
    try {
      return NatsTestServer.count(admin, stream);
    } catch (Exception e) {
      return -1; // the child creates the stream
    }
  }

  @Test
  void aPublisherKilledMidStreamLeavesNoDuplicateAndTheNextOneFinishes() throws Exception {
    Path log = Files.createTempFile("nats-crash-child", ".log");
    for (int kill = 0; kill < 3; kill++) {
      Process p = child(log);
      try {
        long target = Math.max(0, count()) + 300 + kill * 37;
        Await.until("the child to publish", Duration.ofSeconds(60), () -> !p.isAlive() || count() > target);
      } finally {
        p.destroyForcibly().waitFor();
      }
    }
    Process last = child(log);
    try {
      assertThat(last.waitFor(120, TimeUnit.SECONDS)).as("the last child finishes; see " + log).isTrue();
    } finally {
      last.destroyForcibly().waitFor();
    }
    assertThat(last.exitValue()).as("the last child's exit; see " + log).isZero();
    List<LogEntry> all = NatsSyncableIT.entries(1, TOTAL);
    int entities = NatsSyncableIT.entityCount(all);
    var messages = NatsTestServer.messages(admin, stream);
    System.out.println("NatsCrashIT: " + messages.size() + " messages for " + entities + " entities; resumes: "
        + Files.readAllLines(log).stream().filter(l -> l.startsWith("resuming")).toList());
    assertThat(messages).hasSize(entities);
    NatsSyncableIT.assertOnceAndInOrder(messages);
  }
}
