package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.ApiClient.Response;
import io.committed.server.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The membership routes on the in-memory engine: the members are listed, every change is refused
 * with 501 {@code not_supported} (after the request itself was checked), and nothing changes.
 */
class MembershipRoutesIT {
  private static final String TOKEN = "m3mbers";
  private static TestNode node;
  private static ApiClient api;
  private static TestNode secured;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.client();
    secured = TestNode.start(Map.of("COMMITTED_API_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() {
    node.close();
    secured.close();
  }

  private static Response refused(Supplier<Response> request, int status, String code) {
    String before = api.get("/v1/membership").expect(200).text();
    long last = node.server().log().lastIndex();
    Response r = request.get().expectError(status, code);
    assertThat(api.get("/v1/membership").expect(200).text()).isEqualTo(before);
    assertThat(node.server().log().lastIndex()).isEqualTo(last);
    return r;
  }

  @Test
  void theSingleNodeListsItselfAsTheOnlyVoterAndLeader() {
    JsonNode m = api.get("/v1/membership").expect(200).json();
    assertThat(m.get("nodeId").asInt()).isEqualTo(1);
    assertThat(m.get("leaderId").asInt()).isEqualTo(1);
    assertThat(m.get("voters")).hasSize(1);
    assertThat(m.get("voters").get(0).get("id").asInt()).isEqualTo(1);
    assertThat(m.get("voters").get(0).get("address").asText()).isNotEmpty();
    assertThat(m.get("learners")).isEmpty();
  }

  @Test
  void everyChangeIsRefusedAsNotSupported() {
    Response add = refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"127.0.0.1:9024\",\"learner\":true}"),
        501, "not_supported");
    assertThat(add.json().get("message").asText()).contains("committed-raft");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"http://127.0.0.1:9024/\"}"), 501, "not_supported");
    refused(() -> api.post("/v1/membership/4/promote"), 501, "not_supported");
    refused(() -> api.delete("/v1/membership/1"), 501, "not_supported");
    refused(() -> api.post("/v1/membership/1/transfer-leadership"), 501, "not_supported");
  }

  @Test
  void badBodiesAndIdsAre400() {
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,"), 400, "invalid_json");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"a:1\"} x"), 400, "invalid_json");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"a:1\",\"id\":5}"), 400, "invalid_json");
    refused(() -> api.postJson("/v1/membership", ""), 400, "invalid_request");
    refused(() -> api.postJson("/v1/membership", "[4]"), 400, "invalid_request");
    assertThat(refused(() -> api.postJson("/v1/membership", "{\"url\":\"a:1\"}"), 400, "invalid_request")
        .json().at("/details/field").asText()).isEqualTo("id");
    refused(() -> api.postJson("/v1/membership", "{\"id\":0,\"url\":\"a:1\"}"), 400, "invalid_request");
    refused(() -> api.postJson("/v1/membership", "{\"id\":\"4\",\"url\":\"a:1\"}"), 400, "invalid_request");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4.5,\"url\":\"a:1\"}"), 400, "invalid_request");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4294967296,\"url\":\"a:1\"}"), 400, "invalid_request");
    assertThat(refused(() -> api.postJson("/v1/membership", "{\"id\":4}"), 400, "invalid_request")
        .json().at("/details/field").asText()).isEqualTo("url");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":9024}"), 400, "invalid_request");
    assertThat(refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"a:1\",\"learner\":\"yes\"}"), 400,
        "invalid_request").json().at("/details/field").asText()).isEqualTo("learner");
    assertThat(refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"a:1\",\"voter\":true}"), 400,
        "invalid_request").json().at("/details/field").asText()).isEqualTo("voter");
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"ID\":5,\"url\":\"a:1\"}"), 400, "invalid_request");
    // the address is checked by the log itself, before the engine says it has no membership
    refused(() -> api.postJson("/v1/membership", "{\"id\":4,\"url\":\"no port\"}"), 400, "invalid");
    refused(() -> api.send("POST", "/v1/membership", "text/plain",
        "{\"id\":4,\"url\":\"a:1\"}".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type");
    assertThat(refused(() -> api.post("/v1/membership/abc/promote"), 400, "invalid_parameter")
        .json().at("/details/parameter").asText()).isEqualTo("id");
    refused(() -> api.delete("/v1/membership/0"), 400, "invalid_parameter");
    refused(() -> api.post("/v1/membership/99999999999/transfer-leadership"), 400, "invalid_parameter");
    Response method = refused(() -> api.delete("/v1/membership"), 405, "method_not_allowed");
    assertThat(method.header("Allow")).isEqualTo("GET, HEAD, POST");
  }

  @Test
  void membershipNeedsTheTokenLikeEveryV1Route() {
    ApiClient anonymous = secured.client().withToken(null);
    anonymous.get("/v1/membership").expectError(401, "unauthorized");
    anonymous.postJson("/v1/membership", "{\"id\":4,\"url\":\"127.0.0.1:9024\"}").expectError(401, "unauthorized");
    anonymous.delete("/v1/membership/1").expectError(401, "unauthorized");
    secured.client().withToken("wrong").post("/v1/membership/1/promote").expectError(401, "unauthorized");
    secured.client().get("/v1/membership").expect(200);
    secured.client().delete("/v1/membership/1").expectError(501, "not_supported");
  }
}
