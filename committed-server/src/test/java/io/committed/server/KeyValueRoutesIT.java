package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/kv}: one key, binary and slashed keys, scans by prefix with paging, deletes, refusals. */
class KeyValueRoutesIT {
  private TestNode node;
  private ApiClient api;

  @BeforeEach
  void start() {
    node = TestNode.start();
    api = node.client();
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\nkeyValue = true\n").expect(200);
    api.postToml("/v1/type/plain", "[type]\nname = \"plain\"\n").expect(200);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private long write(String entity) {
    return api.postJson("/v1/proposal", "{\"entities\":[" + entity + "]}").expect(200).json().get("index").asLong();
  }

  private static List<String> keys(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("items").forEach(v -> out.add(v.get("key").asText()));
    return out;
  }

  @Test
  void theLatestValueOfAKeyIsReadAndADeleteRemovesIt() {
    write("{\"typeId\":\"order\",\"key\":\"42\",\"data\":{\"total\":\"9.90\"}}");
    long second = write("{\"typeId\":\"order\",\"key\":\"42\",\"data\":{\"total\":1234.50}}");
    ApiClient.Response r = api.get("/v1/kv/order/42").expect(200);
    assertThat(r.text()).as("the data embedded exactly as written").contains("\"data\":{\"total\":1234.50}");
    JsonNode v = r.json();
    assertThat(v.get("key").asText()).isEqualTo("42");
    assertThat(v.get("index").asLong()).isEqualTo(second);
    assertThat(v.get("typeVersion").asInt()).isEqualTo(1);
    assertThat(api.get("/v1/kv/order/42?consistency=stale").expect(200).json().get("index").asLong())
        .isEqualTo(second);
    write("{\"typeId\":\"order\",\"key\":\"42\",\"delete\":true}");
    api.get("/v1/kv/order/42").expectError(404, "not_found");
    api.get("/v1/kv/order/nope").expectError(404, "not_found");
  }

  @Test
  void keysAPathCannotCarryAreReadAsParameters() {
    write("{\"typeId\":\"order\",\"key\":\"eu/7\",\"data\":1}");
    write("{\"typeId\":\"order\",\"keyBase64\":\"/w==\",\"dataBase64\":\"AAE=\"}");
    assertThat(api.get("/v1/kv/order?key=eu%2F7").expect(200).json().get("data").asInt()).isEqualTo(1);
    JsonNode binary = api.get("/v1/kv/order?keyBase64=%2Fw%3D%3D").expect(200).json();
    assertThat(binary.get("keyBase64").asText()).isEqualTo("/w==");
    assertThat(binary.get("dataBase64").asText()).isEqualTo("AAE=");
  }

  @Test
  void scansGoInKeyOrderWithinThePrefixAndPageWithNext() {
    for (String k : new String[] {"b2", "a1", "b1", "b3", "c1"}) {
      write("{\"typeId\":\"order\",\"key\":\"" + k + "\",\"data\":{}}");
    }
    JsonNode first = api.get("/v1/kv/order?prefix=b&limit=2").expect(200).json();
    assertThat(keys(first)).containsExactly("b1", "b2");
    assertThat(first.get("next").asText()).isEqualTo("b2");
    JsonNode second = api.get("/v1/kv/order?prefix=b&limit=2&after=b2").expect(200).json();
    assertThat(keys(second)).containsExactly("b3");
    assertThat(second.has("next")).isFalse();
    assertThat(keys(api.get("/v1/kv/order").expect(200).json())).containsExactly("a1", "b1", "b2", "b3", "c1");
  }

  @Test
  void badRequestsAreRefusedSayingWhy() {
    api.get("/v1/kv/plain/k").expectError(404, "not_found").json();
    assertThat(api.get("/v1/kv/plain/k").json().get("message").asText()).contains("keyValue = true");
    assertThat(api.get("/v1/kv/undefined/k").expectError(404, "not_found").json().get("message").asText())
        .contains("not defined");
    api.get("/v1/kv/order/k?consistency=eventual").expectError(400, "invalid_parameter");
    api.get("/v1/kv/order?limit=0").expectError(400, "invalid_parameter");
    api.get("/v1/kv/order?keyBase64=***").expectError(400, "invalid_parameter");
  }
}
