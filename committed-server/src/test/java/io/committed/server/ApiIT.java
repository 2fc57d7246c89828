package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.api.LogEntry;
import io.committed.server.support.ApiClient;
import io.committed.server.support.ApiClient.Response;
import io.committed.server.support.TestNode;
import io.committed.server.support.TestSyncableFactory;
import io.committed.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API's successful paths, over HTTP, against one in-process node. */
class ApiIT {
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = node.client();
    api.postToml("/v1/type/product", """
        [type]
        name = "product"
        schema = '{"type":"object","required":["name"]}'
        """).expect(200);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aProposalIsCommittedAndReadBackExactly() {
    long index = api.postJson("/v1/proposal", """
        {"entities":[
          {"typeId":"product","key":"sku-1","data":{"name":"kettle","price":1234.50,"big":123456789012345678901234567890}},
          {"typeId":"product","key":"sku-0","delete":true}
        ]}""").expect(200).json().get("index").asLong();

    List<LogEntry> entries = node.server().log().read(index, 1);
    assertThat(entries.get(0).entities().get(0).dataAsString())
        .isEqualTo("{\"name\":\"kettle\",\"price\":1234.50,\"big\":123456789012345678901234567890}");
    assertThat(entries.get(0).entities().get(1).delete()).isTrue();

    JsonNode page = api.get("/v1/proposal?from=" + index + "&limit=1").expect(200).json();
    JsonNode entry = page.get("entries").get(0);
    assertThat(entry.get("index").asLong()).isEqualTo(index);
    assertThat(entry.get("typeVersions").get("product").asInt()).isEqualTo(1);
    assertThat(entry.get("entities").get(0).get("key").asText()).isEqualTo("sku-1");
    assertThat(api.get("/v1/proposal?from=" + index + "&limit=1").text())
        .contains("\"data\":{\"name\":\"kettle\",\"price\":1234.50,\"big\":123456789012345678901234567890}")
        .contains("{\"typeId\":\"product\",\"key\":\"sku-0\",\"delete\":true}");
    assertThat(page.get("next").asLong()).isEqualTo(index + 1);
  }

  @Test
  void binaryKeysAndDataTravelAsBase64() {
    api.postToml("/v1/type/blob", "[type]\nname = \"blob\"\n").expect(200);
    byte[] key = {0, (byte) 0xff, 1, (byte) 0xfe};
    byte[] data = {(byte) 0xc3, 0x28, 0, 7};
    String k = Base64.getEncoder().encodeToString(key);
    String d = Base64.getEncoder().encodeToString(data);
    long index = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"blob\",\"keyBase64\":\"" + k
        + "\",\"dataBase64\":\"" + d + "\"},{\"TYPEID\":\"blob\",\"Key\":\"text\",\"DATABASE64\":\""
        + Base64.getEncoder().encodeToString("\"json text\"".getBytes(StandardCharsets.UTF_8)) + "\"}]}")
        .expect(200).json().get("index").asLong();

    LogEntry e = node.server().log().read(index, 1).get(0);
    assertThat(e.entities().get(0).key()).isEqualTo(key);
    assertThat(e.entities().get(0).data()).isEqualTo(data);
    JsonNode read = api.get("/v1/proposal?type=blob&from=" + index).expect(200).json().get("entries").get(0);
    assertThat(read.get("entities").get(0).get("keyBase64").asText()).isEqualTo(k);
    assertThat(read.get("entities").get(0).get("dataBase64").asText()).isEqualTo(d);
    assertThat(read.get("entities").get(1).get("data").asText()).isEqualTo("json text"); // JSON data is embedded
  }

  @Test
  void readsFilterByTypeAndPage() {
    api.postToml("/v1/type/page-a", "[type]\nname = \"page-a\"\n").expect(200);
    api.postToml("/v1/type/page-b", "[type]\nname = \"page-b\"\n").expect(200);
    long first = 0;
    for (int i = 0; i < 7; i++) {
      String body = "{\"entities\":[{\"typeId\":\"page-a\",\"key\":\"a" + i + "\",\"data\":" + i + "}"
          + (i % 2 == 0 ? ",{\"typeId\":\"page-b\",\"key\":\"b" + i + "\",\"data\":" + i + "}" : "") + "]}";
      long index = api.postJson("/v1/proposal", body).expect(200).json().get("index").asLong();
      first = first == 0 ? index : first;
    }
    List<String> keys = new ArrayList<>();
    long from = first;
    long last;
    do {
      JsonNode page = api.get("/v1/proposal?type=page-b&limit=2&from=" + from).expect(200).json();
      page.get("entries").forEach(e -> e.get("entities").forEach(x -> {
        assertThat(x.get("typeId").asText()).isEqualTo("page-b");
        keys.add(x.get("key").asText());
      }));
      assertThat(page.get("entries").size()).isLessThanOrEqualTo(2);
      from = page.get("next").asLong();
      last = page.get("lastIndex").asLong();
    } while (from <= last);
    assertThat(keys).containsExactly("b0", "b2", "b4", "b6");
  }

  @Test
  void configsAreDefinedListedVersionedRolledBackAndRemoved() {
    api.postToml("/v1/type/person", "[type]\nname = \"person\"\n").expect(200);
    JsonNode v1 = api.postToml("/v1/syncable/people", """
        [syncable]
        name = "people"
        type = "test"
        [test]
        topic = "person"
        store = "people-v1"
        """).expect(200).json();
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(v1.get("changed").asBoolean()).isTrue();
    String v2doc = "{\"syncable\":{\"name\":\"people\",\"type\":\"test\"},\"test\":{\"topic\":\"person\",\"store\":\"people-v2\"}}";
    assertThat(api.postJson("/v1/syncable/people", v2doc).expect(200).json().get("version").asInt()).isEqualTo(2);
    assertThat(api.postJson("/v1/syncable/people", v2doc).expect(200).json().get("changed").asBoolean()).isFalse();

    JsonNode listed = find(api.get("/v1/syncable").expect(200).json(), "people");
    assertThat(listed.get("name").asText()).isEqualTo("people");
    assertThat(listed.get("mimeType").asText()).isEqualTo("application/json");
    assertThat(listed.get("data").asText()).isEqualTo(v2doc);
    assertThat(api.get("/v1/syncable/people").expect(200).json().get("version").asInt()).isEqualTo(2);

    JsonNode versions = api.get("/v1/syncable/people/versions").expect(200).json();
    assertThat(versions.get(0).get("version").asInt()).isEqualTo(2);
    assertThat(versions.get(0).get("current").asBoolean()).isTrue();
    JsonNode one = api.get("/v1/syncable/people/versions/1").expect(200).json();
    assertThat(one.get("mimeType").asText()).isEqualTo("text/toml");
    assertThat(one.get("data").asText()).contains("store = \"people-v1\"");
    assertThat(one.get("current").asBoolean()).isFalse();

    JsonNode back = api.post("/v1/syncable/people/rollback?to=1").expect(200).json();
    assertThat(back.get("version").asInt()).isEqualTo(3);
    assertThat(back.get("restoredFrom").asInt()).isEqualTo(1);
    assertThat(api.get("/v1/syncable/people").json().get("data").asText()).contains("people-v1");

    api.delete("/v1/syncable/people").expect(204);
    api.get("/v1/syncable/people").expectError(404, "not_found");
    assertThat(api.get("/v1/syncable/people/versions").expect(200).json().size()).isEqualTo(3);
  }

  @Test
  void aSyncableSyncsAndItsDeadLettersAreAcknowledgedReplayedAndRebuilt() {
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
    api.postToml("/v1/syncable/orders", """
        [syncable]
        type = "test"
        [test]
        topic = "order"
        store = "orders"
        """).expect(200);
    long good = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"o1\",\"data\":{\"n\":1}}]}")
        .expect(200).json().get("index").asLong();
    long bad = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"o2\",\"data\":\"poison\"}]}")
        .expect(200).json().get("index").asLong();
    long bad2 = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"o3\",\"data\":\"poison\"}]}")
        .expect(200).json().get("index").asLong();
    Await.until("the syncable to pass the poisoned entries", Duration.ofSeconds(30),
        () -> api.get("/v1/syncable/orders/status").json().get("lastSyncedIndex").asLong() >= bad2);

    JsonNode status = api.get("/v1/syncable/orders/status").expect(200).json();
    assertThat(status.get("workerState").asText()).isIn("idle", "running");
    assertThat(status.get("deadLetters").asInt()).isEqualTo(2);
    assertThat(TestSyncableFactory.store("orders")).containsEntry("o1", "{\"n\":1}").doesNotContainKey("o2");
    JsonNode letters = api.get("/v1/syncable/orders/errors").expect(200).json();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).get("index").asLong()).isEqualTo(bad);
    assertThat(letters.get(0).get("message").asText()).contains("poisoned");
    assertThat(api.get("/v1/syncable/orders/errors?since=" + bad).json()).hasSize(1);
    assertThat(api.get("/v1/syncable/orders/errors?limit=1").json()).hasSize(1);
    assertThat(good).isLessThan(bad);

    api.post("/v1/syncable/orders/deadletter/" + bad2 + "/acknowledge").expect(204);
    assertThat(api.get("/v1/syncable/orders/status").json().get("acknowledgedDeadLetters").asInt()).isEqualTo(1);

    api.post("/v1/syncable/orders/replay/" + bad).expectError(502, "replay_failed");
    TestSyncableFactory.acceptPoison = true;
    try {
      api.post("/v1/syncable/orders/replay/" + bad).expect(204);
      assertThat(TestSyncableFactory.store("orders")).containsEntry("o2", "\"poison\"");
      assertThat(api.get("/v1/syncable/orders/errors").json()).hasSize(1);
      api.post("/v1/syncable/orders/replay/" + bad).expectError(404, "not_found");

      JsonNode rebuilt = api.post("/v1/syncable/orders/rebuild").expect(202).json();
      assertThat(rebuilt.get("deadLetters").asInt()).isZero();
      Await.until("the rebuilt syncable to catch up", Duration.ofSeconds(30),
          () -> api.get("/v1/syncable/orders/status").json().get("caughtUp").asBoolean());
      assertThat(TestSyncableFactory.store("orders")).containsKeys("o1", "o2", "o3");
    } finally {
      TestSyncableFactory.acceptPoison = false;
    }
  }

  @Test
  void anIngestableReportsItsStatus() {
    api.postToml("/v1/ingestable/source", """
        [ingestable]
        type = "test"
        [test]
        topic = "product"
        """).expect(200);
    Await.until("the ingestable to report", Duration.ofSeconds(30),
        () -> api.get("/v1/ingestable/source/status").json().has("reported"));
    JsonNode s = api.get("/v1/ingestable/source/status").expect(200).json();
    assertThat(s.get("workerState").asText()).isEqualTo("running");
    assertThat(s.get("position").get("sequence").asLong()).isEqualTo(7);
    assertThat(s.get("position").get("state").asText()).isEqualTo("lsn/7");
    assertThat(s.get("highWaterMark").asLong()).isEqualTo(7);
    assertThat(s.get("reported").get("lag").asLong()).isEqualTo(42);
    assertThat(s.get("reported").get("lagUnit").asText()).isEqualTo("bytes");
    api.delete("/v1/ingestable/source").expect(204);
    api.get("/v1/ingestable/source/status").expectError(404, "not_found");
  }

  @Test
  void aSnapshotRequestIsRecordedAndSeenByTheIngestableAndBadOnesAreRefused() {
    api.post("/v1/ingestable/nope/snapshot").expectError(400, "invalid_request"); // no body: checked first
    api.postJson("/v1/ingestable/nope/snapshot", "{\"tables\": [\"a\"]}").expectError(404, "not_found");
    api.postToml("/v1/ingestable/plain", """
        [ingestable]
        type = "plain"
        [plain]
        topic = "product"
        """).expect(200);
    api.postJson("/v1/ingestable/plain/snapshot", "{\"tables\": [\"a\"]}").expectError(501, "not_supported");
    api.postToml("/v1/ingestable/copier", """
        [ingestable]
        type = "test"
        [test]
        topic = "product"
        tables = ["shop.a", "shop.b"]
        """).expect(200);
    String path = "/v1/ingestable/copier/snapshot";
    api.postJson(path, "{\"tables\": []}").expectError(400, "invalid_request");
    api.postJson(path, "{\"tables\": [\"shop.a\"], \"force\": true}").expectError(400, "invalid_request");
    api.postJson(path, "{\"tables\": [3]}").expectError(400, "invalid_request");
    api.postJson(path, "{\"tables\": [\"shop.zz\"]}").expectError(400, "invalid_request");
    api.postJson(path, "[\"shop.a\"]").expectError(400, "invalid_request");
    JsonNode first = api.postJson(path, "{\"tables\": [\"shop.a\"]}").expect(202).json();
    assertThat(first.get("number").asLong()).isEqualTo(1);
    assertThat(first.get("tables").toString()).isEqualTo("[\"shop.a\"]");
    assertThat(first.get("requestedAt").asText()).isNotEmpty();
    JsonNode second = api.postJson(path, "{\"tables\": [\"shop.b\", \"shop.a\"]}").expect(202).json();
    assertThat(second.get("number").asLong()).isEqualTo(2);
    Await.until("the ingestable to see both requests", Duration.ofSeconds(30),
        () -> api.get("/v1/ingestable/copier/status").json().path("reported").path("detail").asText()
            .equals("snapshot requests seen: [1, 2]"));
    api.delete("/v1/ingestable/copier").expect(204);
    api.delete("/v1/ingestable/plain").expect(204);
  }

  @Test
  void aScrubErasesAKeysDataFromEarlierEntriesAndIsListedAndBadOnesAreRefused() {
    api.postToml("/v1/type/person", "[type]\nname = \"person\"\n").expect(200);
    long first = api.postJson("/v1/proposal", """
        {"entities":[
          {"typeId":"person","key":"p-1","data":{"email":"ada@example.org"}},
          {"typeId":"person","key":"p-2","data":{"email":"grace@example.org"}}
        ]}""").expect(200).json().get("index").asLong();

    JsonNode scrub = api.postJson("/v1/scrub", "{\"type\":\"person\",\"keys\":[\"p-1\"],\"reason\":\"ticket 7\"}")
        .expect(200).json();

    assertThat(scrub.get("type").asText()).isEqualTo("person");
    assertThat(scrub.get("keys").get(0).asText()).isEqualTo("p-1");
    assertThat(scrub.get("reason").asText()).isEqualTo("ticket 7");
    long index = scrub.get("index").asLong();
    assertThat(index).isGreaterThan(first);
    String read = api.get("/v1/proposal?type=person&from=" + first).expect(200).text();
    assertThat(read).doesNotContain("ada@example.org").contains("grace@example.org")
        .contains("{\"typeId\":\"person\",\"key\":\"p-1\",\"delete\":true}");
    JsonNode listed = api.get("/v1/scrub").expect(200).json();
    assertThat(listed.get(listed.size() - 1).get("index").asLong()).isEqualTo(index);
    assertThat(listed.get(listed.size() - 1).get("number").asLong()).isEqualTo(scrub.get("number").asLong());

    api.postJson("/v1/scrub", "{\"type\":\"nobody\",\"keys\":[\"1\"]}").expectError(400, "type_not_found");
    api.postJson("/v1/scrub", "{\"type\":\"person\",\"keys\":[]}").expectError(400, "invalid_request");
    api.postJson("/v1/scrub", "{\"type\":\"person\",\"keys\":[1]}").expectError(400, "invalid_request");
    api.postJson("/v1/scrub", "{\"type\":\"person\",\"keys\":[\"1\"],\"why\":\"x\"}")
        .expectError(400, "invalid_request");
    api.post("/v1/scrub").expectError(400, "invalid_request");
  }

  @Test
  void operationalRoutesAnswer() {
    assertThat(api.get("/health").expect(200).json().get("status").asText()).isEqualTo("ok");
    JsonNode ready = api.get("/ready").expect(200).json();
    assertThat(ready.get("status").asText()).isEqualTo("ready");
    JsonNode version = api.get("/version").expect(200).json();
    assertThat(version.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(version.get("engine").asText()).isEqualTo("memory");
    JsonNode cluster = api.get("/v1/cluster/status").expect(200).json();
    assertThat(cluster.get("role").asText()).isEqualTo("leader");
    assertThat(cluster.get("nodeId").asInt()).isEqualTo(1);
    assertThat(cluster.get("lastIndex").asLong()).isEqualTo(node.server().log().lastIndex());
    assertThat(api.get("/openapi.yaml").expect(200).text()).startsWith("openapi: 3.1.0");
    Response docs = api.get("/docs").expect(200);
    assertThat(docs.header("Content-Type")).startsWith("text/html");
    assertThat(docs.text()).contains("/docs/swagger-ui-bundle.js");
    assertThat(api.get("/docs/swagger-ui-bundle.js").expect(200).body().length).isGreaterThan(100_000);
    assertThat(api.get("/docs/init.js").expect(200).text()).contains("/openapi.yaml");
    api.get("/docs/nothing.js").expectError(404, "not_found");
  }

  private static JsonNode find(JsonNode list, String id) {
    for (JsonNode n : list) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError(id + " not in " + list);
  }
}
