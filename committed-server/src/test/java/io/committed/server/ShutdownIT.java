package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ApiClient;
import io.committed.server.support.ApiClient.Response;
import io.committed.server.support.TestNode;
import io.committed.server.support.TestSyncableFactory;
import io.committed.testkit.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown in process: the listener closes, a request in flight finishes, then the log
 * closes; a request that outlives the deadline is cut off and the shutdown says so.
 */
class ShutdownIT {
  private static final String SLOW = "[syncable]\ntype = \"test\"\n[test]\ntopic = \"t\"\nstore = \"s\"\nblock = \"%s\"\n";

  @Test
  void aRequestInFlightIsDrainedBeforeTheLogCloses() throws Exception {
    TestNode node = TestNode.start(Map.of("COMMITTED_SHUTDOWN_TIMEOUT", "30s"));
    try {
      ApiClient api = node.client();
      api.postToml("/v1/type/t", "[type]\nname = \"t\"\n").expect(200);
      CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(
          () -> api.postToml("/v1/syncable/slow", SLOW.formatted("drain")));
      assertThat(TestSyncableFactory.entered("drain").await(30, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> node.server().shutdown());
      Await.until("new connections to be refused", Duration.ofSeconds(30), () -> !accepts(node));
      assertThat(inFlight).isNotDone();
      assertThat(node.server().log().status().role()).as("the log stays open while requests drain").isEqualTo(io.committed.NodeRole.LEADER);

      TestSyncableFactory.release("drain");
      Response r = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(shutdown.get(30, TimeUnit.SECONDS)).as("shutdown within its deadline").isTrue();
      assertThat(node.server().log().status().role()).isEqualTo(io.committed.NodeRole.STOPPED);
      assertThat(node.server().shutdown()).as("idempotent").isTrue();
    } finally {
      TestSyncableFactory.release("drain");
      node.close();
    }
  }

  @Test
  void aRequestPastTheDeadlineIsCutOffAndTheShutdownSaysSo() throws Exception {
    TestNode node = TestNode.start(Map.of("COMMITTED_SHUTDOWN_TIMEOUT", "500ms"));
    try {
      ApiClient api = node.client();
      api.postToml("/v1/type/t", "[type]\nname = \"t\"\n").expect(200);
      CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(
          () -> api.postToml("/v1/syncable/stuck", SLOW.formatted("stuck")));
      assertThat(TestSyncableFactory.entered("stuck").await(30, TimeUnit.SECONDS)).isTrue();

      assertThat(node.server().shutdown()).as("shutdown reports the missed deadline").isFalse();
      Await.until("the log to be closed anyway", Duration.ofSeconds(30),
          () -> node.server().log().status().role() == io.committed.NodeRole.STOPPED);
      assertThat(accepts(node)).isFalse();
      TestSyncableFactory.release("stuck");
      inFlight.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    } finally {
      TestSyncableFactory.release("stuck");
      node.close();
    }
  }

  private static boolean accepts(TestNode node) {
    try {
      HttpRequest req = HttpRequest.newBuilder(node.server().uri().resolve("/health"))
          .timeout(Duration.ofSeconds(5)).build();
      return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
