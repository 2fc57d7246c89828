package io.committed.sync.nats;

import static io.committed.sync.nats.NatsSyncableIT.assertOnceAndInOrder;
import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.DeadLetter;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.Ports;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NATS syncable driven by the sync worker of a real (in-memory) log, found through
 * {@code ServiceLoader} as the node finds it: config replaced mid-stream, dead letters with their
 * reason, a server stopped and restarted mid-stream, credentials kept out of status.
 */
class NatsLogIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final String stream = NatsTestServer.uniqueStream("LOG");
  private final String root = stream.toLowerCase(java.util.Locale.ROOT);

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private CommittedLog log(Map<String, String> env) {
    CommittedLog log = Committed.builder().inMemory().environment(env::get).syncBatchSize(50)
        .syncRetry(Duration.ofMillis(20), Duration.ofMillis(500)).start();
    cleanup.add(log::close);
    LogFixtures.defineTypes(log, "order");
    return log;
  }

  private String syncable(String url, String extra, String createStream) {
    return """
        [syncable]
        type = "nats"
        [nats]
        topic = "order"
        servers = ["%s"]
        stream = "%s"
        subject = "%s.${key}"
        connectTimeout = "500ms"
        %s
        [nats.createStream]
        %s
        """.formatted(url, stream, root, extra, createStream);
  }

  private Connection admin(String url) {
    Connection c = NatsTestServer.connect(url);
    cleanup.add(() -> {
      NatsTestServer.deleteStream(c, stream);
      c.close();
    });
    return c;
  }

  private static Proposal order(int i, int size) {
    String pad = size > 0 ? ",\"pad\":\"" + "p".repeat(size) + "\"" : "";
    return Proposal.of(Entity.upsert("order", "k" + (i % 7), "{\"i\":" + i + pad + "}"));
  }

  @Test
  void everyEntityIsPublishedOnceWhenTheConfigIsReplacedMidStreamAndAnOversizedOneIsDeadLettered() throws Exception {
    Connection admin = admin(NatsTestServer.URL);
    CommittedLog log = log(Map.of());
    log.syncables().define("orders-out", syncable(NatsTestServer.URL, "", "storage = \"memory\"\nmaxMsgSize = 2048"));
    List<CompletableFuture<Long>> proposed = new ArrayList<>();
    long bigIndex = 0;
    for (int i = 0; i < 400; i++) {
      if (i == 200) {
        // a new config version: the worker stops this syncable and starts a new one, which resumes
        log.syncables().define("orders-out", syncable(NatsTestServer.URL, "ackTimeout = \"20s\"",
            "storage = \"memory\"\nmaxMsgSize = 2048"));
      }
      if (i == 300) {
        bigIndex = log.proposeAndWait(order(i, 4096));
      } else {
        proposed.add(log.propose(order(i, 0)));
      }
    }
    CompletableFuture.allOf(proposed.toArray(CompletableFuture[]::new)).join();
    Await.until("399 messages in " + stream, WAIT, () -> count(admin) == 399);
    long big = bigIndex;
    Await.until("the oversized entry dead-lettered", WAIT, () -> log.sync().deadLetters("orders-out").size() == 1);
    DeadLetter d = log.sync().deadLetters("orders-out").get(0);
    assertThat(d.index()).isEqualTo(big);
    assertThat(d.message()).contains("over the limit of 2048 bytes (stream " + stream + "'s max_msg_size)");
    Await.synced(log, "orders-out", WAIT);
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertThat(messages).hasSize(399);
    assertOnceAndInOrder(messages);
  }

  @Test
  void nothingIsSkippedWhenTheServerStopsAndRestartsMidStream() throws Exception {
    ChildNatsServer server = new ChildNatsServer().start();
    cleanup.add(server);
    CommittedLog log = log(Map.of());
    log.syncables().define("orders-out", syncable(server.url(), "ackTimeout = \"2s\"", "storage = \"file\""));
    // one writer proposing without pause, so that the worker is publishing when the server stops
    AtomicInteger proposed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      while (!stop.get()) {
        log.proposeAndWait(order(proposed.get(), 200));
        proposed.incrementAndGet();
      }
    });
    cleanup.add(() -> {
      stop.set(true);
      writer.join();
    });
    long[] atStop = {0};
    try (Connection before = NatsTestServer.connect(server.url())) {
      Await.until("100 messages in the child server's stream", WAIT, () -> {
        try {
          atStop[0] = NatsTestServer.count(before, stream);
          return atStop[0] >= 100;
        } catch (Exception e) {
          return false; // the syncable creates the stream
        }
      });
    }
    server.stop();
    int proposedAtStop = proposed.get();
    Await.until("the worker to see the outage", WAIT, () -> log.sync().status("orders-out").lastError().isPresent());
    Await.until("300 more entries proposed during the outage", WAIT, () -> proposed.get() >= proposedAtStop + 300);
    server.start();
    Connection admin = admin(server.url());
    Await.until("publishing to resume", WAIT, () -> count(admin) > proposedAtStop);
    stop.set(true);
    writer.join();
    int total = proposed.get();
    System.out.println("NatsLogIT: server stopped with " + atStop[0] + " messages in the stream and " + proposedAtStop
        + " entries proposed; " + total + " proposed in all");
    Await.until(total + " messages after the restart", WAIT, () -> count(admin) == total);
    Await.synced(log, "orders-out", WAIT);
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertThat(messages).hasSize(total);
    assertOnceAndInOrder(messages);
    assertThat(log.sync().deadLetters("orders-out")).isEmpty();
  }

  @Test
  void aPublishWithoutPermissionIsDeadLetteredAndAWrongPasswordOnlyRetriesWithoutShowingIt() throws Exception {
    ChildNatsServer server = new ChildNatsServer("""
        authorization {
          users = [
            { user: "app", password: "s3cret-pw", permissions: {
                publish: { allow: ["%1$s.k1", "%1$s.k2", "$JS.API.>"] }
                subscribe: { allow: ["_INBOX.>"] } } }
          ]
        }
        """.formatted(root)).start();
    cleanup.add(server);
    CommittedLog log = log(Map.of("NATS_PASSWORD", "s3cret-pw", "WRONG_PASSWORD", "not-the-pw-123"));
    String url = server.url();
    log.syncables().define("wrong", syncable(url, "user = \"app\"\npassword = \"${WRONG_PASSWORD}\"",
        "storage = \"memory\"\nsubjects = [\"" + root + ".>\"]"));
    Await.until("the failed login in the status", WAIT, () -> log.sync().status("wrong").lastError().isPresent());
    SyncableStatus wrong = log.sync().status("wrong");
    assertThat(wrong.lastError().orElseThrow()).contains("cannot connect to NATS").doesNotContain("not-the-pw-123");
    assertThat(wrong.toString()).doesNotContain("not-the-pw-123");
    log.syncables().remove("wrong");

    log.syncables().define("orders-out", syncable(url, "user = \"app\"\npassword = \"${NATS_PASSWORD}\"\n"
        + "ackTimeout = \"2s\"", "storage = \"memory\"\nsubjects = [\"" + root + ".>\"]"));
    long denied = 0;
    for (int i = 1; i <= 3; i++) {
      long index = log.proposeAndWait(order(i, 0)); // keys k1, k2, k3: k3 may not be published
      if (i == 3) {
        denied = index;
      }
    }
    long deniedIndex = denied;
    Await.until("the denied entry dead-lettered", WAIT, () -> log.sync().deadLetters("orders-out").size() == 1);
    DeadLetter d = log.sync().deadLetters("orders-out").get(0);
    assertThat(d.index()).isEqualTo(deniedIndex);
    assertThat(d.message()).contains("does not let this user publish to " + root + ".k3")
        .containsIgnoringCase("permissions violation");
    Connection admin = NatsTestServer.connect("nats://app:s3cret-pw@127.0.0.1:" + url.substring(url.lastIndexOf(':') + 1));
    cleanup.add(admin::close);
    assertThat(NatsTestServer.messages(admin, stream)).extracting(NatsTestServer::key).containsExactly("k1", "k2");
  }

  @Test
  void credentialsInTheServerUrlStayOutOfTheStatus() {
    CommittedLog log = log(Map.of("NATS_PASSWORD", "url-secret-42"));
    log.syncables().define("orders-out", syncable("nats://app:${NATS_PASSWORD}@127.0.0.1:" + Ports.free(), "",
        "storage = \"memory\""));
    log.proposeAndWait(order(1, 0));
    Await.until("the connection failure in the status", WAIT,
        () -> log.sync().status("orders-out").lastError().isPresent());
    String error = log.sync().status("orders-out").lastError().orElseThrow();
    assertThat(error).contains("cannot connect to NATS (nats://***@127.0.0.1:").doesNotContain("url-secret-42");
  }

  private long count(Connection admin) {
    try {
      return NatsTestServer.count(admin, stream);
    } catch (Exception e) {
      return -1;
    }
  }
}
