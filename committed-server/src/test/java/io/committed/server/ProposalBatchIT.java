package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.api.LogEntry;
import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/proposals} over HTTP against one in-process node (in-memory engine). */
class ProposalBatchIT {
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("COMMITTED_MAX_BATCH_PROPOSALS", "5"));
    api = node.client();
    api.postToml("/v1/type/item", """
        [type]
        name = "item"
        schema = '{"type":"object","required":["n"]}'
        """).expect(200);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String proposal(String key, int n) {
    return "{\"entities\":[{\"typeId\":\"item\",\"key\":\"" + key + "\",\"data\":{\"n\":" + n + "}}]}";
  }

  private static ApiClient.Response ndjson(String body) {
    return api.send("POST", "/v1/proposals", "application/x-ndjson", body.getBytes(StandardCharsets.UTF_8));
  }

  private String keyAt(long index) {
    LogEntry e = node.server().log().read(index, 1).get(0);
    assertThat(e.index()).isEqualTo(index);
    return new String(e.entities().get(0).key(), StandardCharsets.UTF_8);
  }

  @Test
  void anArrayIsWrittenOneEntryPerProposalInRequestOrder() {
    StringJoiner body = new StringJoiner(",", "[", "]");
    for (int i = 0; i < 5; i++) {
      body.add(proposal("array-" + i, i));
    }
    JsonNode answer = api.postJson("/v1/proposals", body.toString()).expect(200).json();
    assertThat(answer.get("committed").asInt()).isEqualTo(5);
    assertThat(answer.get("failed").asInt()).isEqualTo(0);
    List<Long> indexes = new ArrayList<>();
    for (JsonNode r : answer.get("results")) {
      assertThat(r.get("status").asInt()).isEqualTo(200);
      indexes.add(r.get("index").asLong());
    }
    assertThat(indexes).isSorted().doesNotHaveDuplicates();
    for (int i = 0; i < 5; i++) { // each its own entry, committed in request order
      assertThat(keyAt(indexes.get(i))).isEqualTo("array-" + i);
      assertThat(node.server().log().read(indexes.get(i), 1).get(0).entities()).hasSize(1);
    }
  }

  @Test
  void ndjsonIsWrittenOneEntryPerLine() {
    JsonNode answer = ndjson(proposal("nd-0", 0) + "\r\n\n" + proposal("nd-1", 1) + "\n" + proposal("nd-2", 2) + "\n")
        .expect(200).json();
    JsonNode results = answer.get("results");
    assertThat(results).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(keyAt(results.get(i).get("index").asLong())).isEqualTo("nd-" + i);
    }
    assertThat(results.get(0).get("index").asLong()).isLessThan(results.get(1).get("index").asLong());
    assertThat(results.get(1).get("index").asLong()).isLessThan(results.get(2).get("index").asLong());
  }

  @Test
  void aBadItemIsReportedInItsPlaceAndTheOthersAreWritten() {
    String body = "[" + proposal("mixed-0", 0)
        + ",{\"entities\":[{\"typeId\":\"item\",\"key\":\"mixed-bad\",\"data\":{\"m\":1}}]}" // schema violation
        + ",{\"entities\":[{\"typeId\":\"nope\",\"key\":\"x\",\"data\":1}]}" // undefined type
        + ",{\"entities\":[{\"typeId\":\"item\",\"key\":\"x\"}]}" // no data
        + "," + proposal("mixed-4", 4) + "]";
    long before = node.server().log().lastIndex();
    JsonNode answer = api.postJson("/v1/proposals", body).expect(200).json();
    JsonNode results = answer.get("results");
    assertThat(answer.get("committed").asInt()).isEqualTo(2);
    assertThat(answer.get("failed").asInt()).isEqualTo(3);
    assertThat(keyAt(results.get(0).get("index").asLong())).isEqualTo("mixed-0");
    assertThat(results.get(1).get("status").asInt()).isEqualTo(422);
    assertThat(results.get(1).get("error").get("code").asText()).isEqualTo("schema_violation");
    assertThat(results.get(1).get("error").get("message").asText()).isNotEmpty();
    assertThat(results.get(1).has("index")).isFalse();
    assertThat(results.get(2).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(2).get("error").get("code").asText()).isEqualTo("type_not_found");
    assertThat(results.get(3).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(3).get("error").get("code").asText()).isEqualTo("invalid_entity");
    assertThat(results.get(3).get("error").get("details").get("item").asInt()).isEqualTo(3);
    assertThat(keyAt(results.get(4).get("index").asLong())).isEqualTo("mixed-4");
    assertThat(node.server().log().lastIndex()).isEqualTo(before + 2);
  }

  @Test
  void aMalformedBodyIsRefusedWholeAndNothingIsWritten() {
    long before = node.server().log().lastIndex();
    api.postJson("/v1/proposals", "[" + proposal("bad-0", 0) + ",{\"entities\":[").expectError(400, "invalid_json");
    api.postJson("/v1/proposals", proposal("bad-1", 1)).expectError(400, "invalid_request");
    api.postJson("/v1/proposals", "[]").expectError(400, "empty_batch");
    JsonNode line = ndjson(proposal("bad-2", 2) + "\n{not json}\n").expectError(400, "invalid_json").json();
    assertThat(line.get("details").get("line").asInt()).isEqualTo(2);
    api.send("POST", "/v1/proposals", "text/plain", "[]".getBytes(StandardCharsets.UTF_8))
        .expectError(415, "unsupported_media_type");
    assertThat(node.server().log().lastIndex()).isEqualTo(before);
  }

  @Test
  void aBatchAboveTheLimitIsRefusedWith413AndNothingIsWritten() {
    long before = node.server().log().lastIndex();
    StringJoiner body = new StringJoiner(",", "[", "]");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      body.add(proposal("over-" + i, i));
      lines.append(proposal("over-" + i, i)).append('\n');
    }
    JsonNode e = api.postJson("/v1/proposals", body.toString()).expectError(413, "batch_too_large").json();
    assertThat(e.get("details").get("limit").asInt()).isEqualTo(5);
    ndjson(lines.toString()).expectError(413, "batch_too_large");
    assertThat(node.server().log().lastIndex()).isEqualTo(before);
  }

  @Test
  void aBodyAboveTheRequestCapIsRefusedWith413() {
    try (TestNode small = TestNode.start(Map.of("COMMITTED_MAX_PROPOSAL_BYTES", "1024"))) { // bodies up to 2048 bytes
      small.client().postToml("/v1/type/item", "[type]\nname = \"item\"\n").expect(200);
      StringJoiner body = new StringJoiner(",", "[", "]");
      for (int i = 0; i < 40; i++) {
        body.add(proposal("big-" + i, i));
      }
      long before = small.server().log().lastIndex();
      small.client().postJson("/v1/proposals", body.toString()).expectError(413, "payload_too_large");
      assertThat(small.server().log().lastIndex()).isEqualTo(before);
    }
  }
}
