package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/consumer}: create, long poll, ack (409 past what was delivered), status, delete. */
class ConsumerRoutesIT {
  private TestNode node;
  private ApiClient api;

  @BeforeEach
  void start() {
    node = TestNode.start();
    api = node.client();
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
    api.postToml("/v1/type/invoice", "[type]\nname = \"invoice\"\n").expect(200);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private long write(String type, String key) {
    return api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"" + type + "\",\"key\":\"" + key
        + "\",\"data\":{}}]}").expect(200).json().get("index").asLong();
  }

  private static List<String> keys(JsonNode poll) {
    List<String> out = new ArrayList<>();
    poll.get("entries").forEach(e -> e.get("entities").forEach(x -> out.add(x.get("key").asText())));
    return out;
  }

  @Test
  void pollAckAndResumeAfterTheAcknowledgedIndex() {
    write("order", "o1");
    write("invoice", "i1");
    long o2 = write("order", "o2");
    JsonNode created = api.postJson("/v1/consumer/billing", "{\"types\":[\"order\"],\"start\":\"earliest\"}")
        .expect(201).json();
    assertThat(created.get("acknowledged").asLong()).isZero();
    assertThat(created.get("lag").asLong()).isEqualTo(3);

    JsonNode first = api.get("/v1/consumer/billing/poll?max=1").expect(200).json();
    assertThat(keys(first)).containsExactly("o1");
    assertThat(first.get("delivered").asLong()).isEqualTo(1);
    api.postJson("/v1/consumer/billing/ack", "{\"index\": " + o2 + "}").expectError(409, "conflict");
    api.postJson("/v1/consumer/billing/ack", "{\"index\": 1}").expect(200);

    JsonNode second = api.get("/v1/consumer/billing/poll").expect(200).json();
    assertThat(keys(second)).containsExactly("o2");
    assertThat(second.get("next").asLong()).isEqualTo(o2 + 1);
    api.postJson("/v1/consumer/billing/ack", "{\"index\": " + o2 + "}").expect(200);
    api.postJson("/v1/consumer/billing/ack", "{\"index\": 1}").expect(200); // backwards: unchanged

    JsonNode status = api.get("/v1/consumer/billing").expect(200).json();
    assertThat(status.get("acknowledged").asLong()).isEqualTo(o2);
    assertThat(status.get("lag").asLong()).isZero();
    assertThat(status.get("types").get(0).asText()).isEqualTo("order");
    api.postJson("/v1/consumer/billing", "{\"types\":[\"order\"]}").expect(200);
    api.postJson("/v1/consumer/billing", "{\"types\":[\"invoice\"]}").expectError(409, "conflict");
  }

  @Test
  void aLongPollAnswersAsSoonAsAnEntryArrives() throws Exception {
    api.postJson("/v1/consumer/tail", "{\"start\":\"latest\"}").expect(201);
    long start = System.nanoTime();
    CompletableFuture<ApiClient.Response> polled =
        CompletableFuture.supplyAsync(() -> api.get("/v1/consumer/tail/poll?wait=30"));
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> polled.isDone()
        || api.get("/v1/consumer/tail/poll").status() == 409); // the long poll is waiting
    assertThat(polled).isNotDone();
    write("order", "now");
    JsonNode got = polled.get(10, TimeUnit.SECONDS).expect(200).json();
    assertThat(keys(got)).containsExactly("now");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(20));
  }

  @Test
  void aConsumerCreatedElsewhereIsPolledWithoutAPostAndUnackedEntriesComeAgain() {
    write("order", "o1");
    write("order", "o2");
    // created through the Java API (as another node, or this node before a restart, would have)
    node.server().log().consumers().open("made", java.util.Set.of("order")).close();
    assertThat(keys(api.get("/v1/consumer/made/poll").expect(200).json())).containsExactly("o1", "o2");
    api.postJson("/v1/consumer/made/ack", "{\"index\": 1}").expect(200);
    assertThat(api.get("/v1/consumer/made").expect(200).json().get("readerOpen").asBoolean()).isTrue();
    // deleted, and created again from index 2 through Java: the next poll opens a reader there
    api.delete("/v1/consumer/made").expect(204);
    node.server().log().consumers().open("made", java.util.Set.of("order"), io.committed.ConsumerStart.at(2)).close();
    assertThat(keys(api.get("/v1/consumer/made/poll").expect(200).json())).containsExactly("o2");
    // deleted through Java while the node's reader is open: the route drops its stale reader
    node.server().log().consumers().delete("made");
    api.get("/v1/consumer/made/poll").expectError(404, "not_found");
  }

  @Test
  void aWaitingPollAnswersWhenTheNodeStops() throws Exception {
    api.postJson("/v1/consumer/c", "{}").expect(201);
    CompletableFuture<ApiClient.Response> polled =
        CompletableFuture.supplyAsync(() -> api.get("/v1/consumer/c/poll?wait=60"));
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
        .until(() -> api.get("/v1/consumer/c/poll").status() == 409); // the long poll is waiting
    long start = System.nanoTime();
    node.close();
    polled.get(20, TimeUnit.SECONDS).expectError(503, "shutting_down");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
  }

  @Test
  void badRequestsAndDelete() {
    api.get("/v1/consumer/nobody").expectError(404, "not_found");
    api.get("/v1/consumer/nobody/poll").expectError(404, "not_found");
    api.postJson("/v1/consumer/c", "{\"start\":\"sometime\"}").expectError(400, "invalid_request");
    api.postJson("/v1/consumer/c", "{\"types\":[\"nope\"]}").expectError(404, "not_found");
    api.postJson("/v1/consumer/c", "{\"color\":1}").expectError(400, "invalid_request");
    api.postJson("/v1/consumer/c", "{}").expect(201);
    api.get("/v1/consumer/c/poll?wait=61").expectError(400, "invalid_parameter");
    api.postJson("/v1/consumer/c/ack", "{\"index\":0}").expectError(400, "invalid_request");
    api.delete("/v1/consumer/c").expect(204);
    api.delete("/v1/consumer/c").expectError(404, "not_found");
    api.get("/v1/consumer/c").expectError(404, "not_found");
  }
}
