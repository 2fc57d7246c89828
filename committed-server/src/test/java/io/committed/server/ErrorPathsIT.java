package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.CommittedLog;
import io.committed.server.support.ApiClient;
import io.committed.server.support.ApiClient.Response;
import io.committed.server.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every documented error path answers its status and code in the error envelope (checked by
 * {@link ApiClient} on every non-2xx answer) and changes nothing: no log entry, no config version.
 */
class ErrorPathsIT {
  private static final String TOKEN = "s3cret-token";
  private static TestNode node;
  private static ApiClient api;
  private static TestNode secured;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("COMMITTED_MAX_PROPOSAL_BYTES", "4096", "COMMITTED_HTTP_READ_TIMEOUT", "1s"));
    api = node.client();
    api.postToml("/v1/type/person", """
        [type]
        name = "person"
        schema = '{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}'
        """).expect(200);
    api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"person\",\"key\":\"p1\",\"data\":{\"name\":\"Ada\"}}]}")
        .expect(200);
    secured = TestNode.start(Map.of("COMMITTED_API_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() {
    node.close();
    secured.close();
  }

  /** The log's entries and every config's versions: what a refused request must leave alone. */
  private static String fingerprint(CommittedLog log) {
    StringBuilder b = new StringBuilder("last=").append(log.lastIndex());
    for (ConfigKind k : ConfigKind.values()) {
      for (ConfigDocument d : log.configs(k).list()) {
        b.append(' ').append(k.id()).append('/').append(d.id()).append('@').append(d.version());
      }
      b.append(';');
    }
    return b.toString();
  }

  private static Response refused(Supplier<Response> request, int status, String code) {
    String before = fingerprint(node.server().log());
    Response r = request.get().expectError(status, code);
    assertThat(fingerprint(node.server().log())).as("state after %s", r.text()).isEqualTo(before);
    return r;
  }

  @Test
  void badConfigsAreRefusedNamingTheProblem() {
    Response toml = refused(() -> api.postToml("/v1/type/broken", "[type\nname = \"broken\"\n"), 400, "invalid_config");
    assertThat(toml.json().path("message").asText()).containsIgnoringCase("line");
    refused(() -> api.postJson("/v1/database/db", "{\"database\": "), 400, "invalid_config");
    Response kind = refused(() -> api.postToml("/v1/syncable/s", "[syncable]\ntype = \"nope\"\n[nope]\ntopic = \"person\"\n"),
        400, "invalid_config");
    assertThat(kind.text()).contains("nope");
    Response field = refused(() -> api.postToml("/v1/syncable/s", "[syncable]\ntype = \"test\"\n[test]\ntopic = \"person\"\n"),
        400, "invalid_config");
    assertThat(field.json().at("/details/field").asText()).isEqualTo("test.store");
    refused(() -> api.postToml("/v1/syncable/s", "[syncable]\ntype = \"test\"\n[test]\ntopic = \"undefined\"\nstore = \"x\"\n"),
        400, "invalid_config");
    refused(() -> api.postToml("/v1/type/person", "[type]\nname = \"person\"\nschema = '{\"type\":\"object\"}'\n"),
        400, "invalid_config"); // a schema change without a migration
    refused(() -> api.postToml("/v1/database/db", """
        [database]
        type = "sql"
        [sql]
        dialect = "postgres"
        connectionString = "postgres://user:literal@localhost/db"
        """), 400, "invalid_config");
  }

  @Test
  void badProposalsAreRefusedWithTheReasonCode() {
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"nope\",\"key\":\"k\",\"data\":{}}]}"),
        400, "type_not_found");
    Response schema = refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"data\":{\"name\":7}}]}"), 422, "schema_violation");
    assertThat(schema.json().get("message").asText()).contains("name");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"_internal\",\"key\":\"k\",\"data\":{}}]}"),
        400, "type_reserved");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[]}"), 400, "empty_proposal");
    refused(() -> api.postJson("/v1/proposal", "{}"), 400, "empty_proposal");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"key\":\"k\",\"data\":{}}]}"), 400, "missing_type");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"a b\",\"key\":\"k\",\"data\":{}}]}"),
        400, "invalid_type");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"person\""), 400, "invalid_json");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[]} x"), 400, "invalid_json");
    refused(() -> api.postJson("/v1/proposal", "[1]"), 400, "invalid_request");
    refused(() -> api.postJson("/v1/proposal", "{\"entity\":[]}"), 400, "invalid_request");
    Response unknown = refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"data\":{\"name\":\"x\"}},{\"typeId\":\"person\",\"kee\":\"k\"}]}"),
        400, "invalid_entity");
    assertThat(unknown.json().at("/details/entity").asInt()).isEqualTo(1);
    assertThat(unknown.json().at("/details/field").asText()).isEqualTo("kee");
    refused(() -> api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\"}]}"),
        400, "invalid_entity");
    refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"keyBase64\":\"aw==\",\"data\":{}}]}"), 400, "invalid_entity");
    refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"dataBase64\":\"***\"}]}"), 400, "invalid_entity");
    refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"delete\":true,\"data\":{}}]}"), 400, "invalid_entity");
    refused(() -> api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"delete\":\"yes\"}]}"), 400, "invalid_entity");
  }

  @Test
  void oversizeBodiesAndProposalsGet413() {
    String big = "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"data\":{\"name\":\"" + "x".repeat(9000) + "\"}}]}";
    Response declared = refused(() -> api.postJson("/v1/proposal", big), 413, "payload_too_large");
    assertThat(declared.json().at("/details/limit").asLong()).isEqualTo(8192);
    refused(() -> chunked(big.getBytes(StandardCharsets.UTF_8)), 413, "payload_too_large");
    refused(() -> api.postToml("/v1/type/huge", "[type]\nname = \"huge\"\n#" + "x".repeat(9000) + "\n"),
        413, "payload_too_large");
    String fits = "{\"entities\":[{\"typeId\":\"person\",\"key\":\"k\",\"data\":{\"name\":\"" + "x".repeat(5000) + "\"}}]}";
    refused(() -> api.postJson("/v1/proposal", fits), 413, "too_large");
  }

  private static Response chunked(byte[] body) {
    try {
      HttpRequest req = HttpRequest.newBuilder(api.base().resolve("/v1/proposal"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void unsupportedMediaTypesGet415() {
    refused(() -> api.send("POST", "/v1/proposal", "text/plain", "{\"entities\":[]}".getBytes(StandardCharsets.UTF_8)),
        415, "unsupported_media_type");
    refused(() -> api.send("POST", "/v1/proposal", null, "{\"entities\":[]}".getBytes(StandardCharsets.UTF_8)),
        415, "unsupported_media_type");
    Response xml = refused(() -> api.send("POST", "/v1/type/t", "application/xml", "<type/>".getBytes(StandardCharsets.UTF_8)),
        415, "unsupported_media_type");
    assertThat(xml.json().at("/details/accepted").asText()).contains("text/toml");
    refused(() -> api.send("POST", "/v1/type/t", "application/x-www-form-urlencoded",
        "[type]".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type");
  }

  @Test
  void unknownRoutesAndMethods() {
    refused(() -> api.get("/v1/nothing"), 404, "not_found");
    refused(() -> api.get("/nothing"), 404, "not_found");
    Response put = refused(() -> api.send("PUT", "/v1/proposal", "application/json", new byte[0]), 405,
        "method_not_allowed");
    assertThat(put.header("Allow")).isEqualTo("GET, HEAD, POST");
    refused(() -> api.delete("/v1/type/person"), 405, "types_are_version_only");
    refused(() -> api.post("/v1/type/person/rollback?to=1"), 405, "types_are_version_only");
    refused(() -> api.send("PATCH", "/health", null, null), 405, "method_not_allowed");
  }

  @Test
  void badParametersAndMissingThings() {
    assertThat(refused(() -> api.get("/v1/proposal?from=0"), 400, "invalid_parameter").json().at("/details/parameter")
        .asText()).isEqualTo("from");
    refused(() -> api.get("/v1/proposal?limit=5000"), 400, "invalid_parameter");
    refused(() -> api.get("/v1/proposal?limit=abc"), 400, "invalid_parameter");
    refused(() -> api.get("/v1/proposal?type=a%20b"), 400, "invalid_parameter");
    refused(() -> api.get("/v1/proposal?type=undefined"), 404, "not_found");
    refused(() -> api.get("/v1/type/person/versions/abc"), 400, "invalid_parameter");
    refused(() -> api.get("/v1/type/person/versions/0"), 400, "invalid_parameter");
    refused(() -> api.post("/v1/syncable/s/rollback"), 400, "invalid_parameter");
    refused(() -> api.get("/v1/type/nope"), 404, "not_found");
    refused(() -> api.get("/v1/type/nope/versions"), 404, "not_found");
    refused(() -> api.get("/v1/type/person/versions/99"), 404, "not_found");
    refused(() -> api.post("/v1/database/nope/rollback?to=1"), 404, "not_found");
    refused(() -> api.delete("/v1/syncable/nope"), 404, "not_found");
    refused(() -> api.get("/v1/syncable/nope/status"), 404, "not_found");
    refused(() -> api.get("/v1/syncable/nope/errors"), 404, "not_found");
    refused(() -> api.post("/v1/syncable/nope/rebuild"), 404, "not_found");
    refused(() -> api.post("/v1/syncable/nope/deadletter/1/acknowledge"), 404, "not_found");
    refused(() -> api.post("/v1/syncable/nope/replay/1"), 404, "not_found");
    refused(() -> api.get("/v1/ingestable/nope/status"), 404, "not_found");
  }

  @Test
  void aBodyThatStallsGets408() throws Exception {
    String before = fingerprint(node.server().log());
    URI base = api.base();
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/proposal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
          + "{\"entities\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8); // the node closes the connection
      assertThat(response).startsWith("HTTP/1.1 408");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      assertThat(json.get("code").asText()).isEqualTo("request_timeout");
    }
    assertThat(fingerprint(node.server().log())).isEqualTo(before);
  }

  @Test
  void theTokenGuardsV1Only() {
    ApiClient none = secured.client().withToken(null);
    String before = fingerprint(secured.server().log());
    List<Response> answers = new ArrayList<>();
    answers.add(none.get("/v1/type").expectError(401, "unauthorized"));
    answers.add(none.postToml("/v1/type/t", "[type]\nname = \"t\"\n").expectError(401, "unauthorized"));
    answers.add(none.postJson("/v1/proposal", "{\"entities\":[]}").expectError(401, "unauthorized"));
    answers.add(none.get("/v1/nothing").expectError(401, "unauthorized")); // routes are not revealed
    answers.add(none.send("HEAD", "/v1/type", null, null).expect(401));
    answers.add(none.send("DELETE", "/v1/type/t", null, null).expectError(401, "unauthorized"));
    ApiClient wrong = secured.client().withToken("s3cret-tokem");
    answers.add(wrong.get("/v1/cluster/status").expectError(401, "unauthorized"));
    answers.add(wrong.withToken(TOKEN + "x").get("/v1/type").expectError(401, "unauthorized"));
    answers.add(none.send("GET", "/v1/type", null, null, List.of("Authorization", "Basic " + TOKEN))
        .expectError(401, "unauthorized"));
    for (Response r : answers) {
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"committed\"");
    }
    assertThat(fingerprint(secured.server().log())).isEqualTo(before);

    none.get("/health").expect(200);
    none.get("/ready").expect(200);
    none.get("/version").expect(200);
    none.get("/metrics").expect(200);
    none.get("/openapi.yaml").expect(200);
    none.get("/docs").expect(200);
    ApiClient right = secured.client();
    right.get("/v1/type").expect(200);
    right.send("GET", "/v1/type", null, null, List.of("Authorization", "bearer " + TOKEN)).expect(200);
    right.postToml("/v1/type/t", "[type]\nname = \"t\"\n").expect(200);
    right.get("/v1/nothing").expectError(404, "not_found");
  }
}
