package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import io.committed.testkit.Await;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node publishes to NATS JetStream with a syncable of {@code type = "nats"}, found on its class
 * path like the SQL syncable. Needs the machine's nats-server (127.0.0.1:4222, JetStream on); fails
 * saying how to start it when it is down.
 */
class NatsSyncIT {
  private static final String START = "start-stop-daemon --start --oknodo --background --exec"
      + " /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server";

  @Test
  void aNatsSyncableDefinedOverRestPublishesTheLog() throws Exception {
    String stream = "NODE_" + ProcessHandle.current().pid();
    String subject = stream.toLowerCase(java.util.Locale.ROOT);
    Connection nats;
    try {
      nats = Nats.connect(Options.builder().server("nats://127.0.0.1:4222").connectionTimeout(Duration.ofSeconds(3))
          .maxReconnects(0).build());
    } catch (Exception e) {
      throw new AssertionError("this test needs nats-server with JetStream at 127.0.0.1:4222 (" + e
          + "). Start it with: " + START, e);
    }
    try (TestNode node = TestNode.start(Map.of())) {
      ApiClient api = node.client();
      api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
      api.postToml("/v1/syncable/orders-out", """
          [syncable]
          name = "orders-out"
          type = "nats"
          [nats]
          topic = "order"
          servers = ["nats://127.0.0.1:4222"]
          stream = "%s"
          subject = "%s.${type}.${key}"
          [nats.createStream]
          storage = "memory"
          """.formatted(stream, subject)).expect(200);
      for (int i = 0; i < 20; i++) {
        api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"o" + (i % 4)
            + "\",\"data\":{\"n\":" + i + "}}]}").expect(200);
      }
      Await.until("20 messages in stream " + stream, Duration.ofSeconds(30), () -> count(nats, stream) == 20);
      assertThat(nats.jetStreamManagement().getLastMessage(stream, subject + ".order.o3").getHeaders()
          .getFirst("Committed-Type")).isEqualTo("order");
    } finally {
      try {
        nats.jetStreamManagement().deleteStream(stream);
      } catch (JetStreamApiException notThere) {
        // the stream was never created: the failure above says why
      } finally {
        nats.close();
      }
    }
  }

  private static long count(Connection nats, String stream) {
    try {
      return nats.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    } catch (JetStreamApiException | java.io.IOException e) {
      return -1;
    }
  }
}
