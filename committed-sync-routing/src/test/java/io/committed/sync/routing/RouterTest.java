package io.committed.sync.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.PluginConfig;
import io.committed.testkit.TestPluginConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routing config checks (each names its field) and the messages entities become. */
class RouterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Router.Options NATS = new Router.Options("subject", "deleteSubject",
      DestinationSyntax.NATS_SUBJECT);

  private static Router router(String fields) {
    PluginConfig section = TestPluginConfig.of("[nats]\n" + fields).section("nats").orElseThrow();
    return Router.parse(section, "orders-out", NATS);
  }

  private static LogEntry entry(Entity... entities) {
    Map<String, Integer> versions = new java.util.HashMap<>();
    for (Entity e : entities) {
      versions.put(e.typeId(), 2);
    }
    return new LogEntry(7, Instant.parse("2026-03-04T05:06:07Z"), new Proposal(List.of(entities)), versions);
  }

  @Test
  void anUpsertBecomesItsDataWithTheStandardAndConfiguredHeaders() throws Exception {
    Router r = router("""
        subject = "orders.${type}.${key}"
        [[nats.headers]]
        name = "Aggregate-Id"
        value = "${data.aggregate_id}"
        """);
    LogEntry e = entry(Entity.upsert("order", "a.1", "{\"aggregate_id\":\"é 9\"}"), Entity.upsert("order", "b", "{\"aggregate_id\":\"b\"}"));
    RoutedMessage m = r.route(e, 0).orElseThrow();
    assertThat(m.destination()).isEqualTo("orders.order.a%2E1");
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"aggregate_id\":\"é 9\"}");
    assertThat(m.key()).isEqualTo("a.1".getBytes(StandardCharsets.UTF_8));
    assertThat(m.tombstone()).isFalse();
    assertThat(m.headers()).extracting(RoutedMessage.Header::name).containsExactly(Headers.SYNCABLE, Headers.INDEX,
        Headers.POSITION, Headers.ENTITIES, Headers.TYPE, Headers.TYPE_VERSION, Headers.OPERATION, Headers.KEY,
        Headers.TIMESTAMP, "Aggregate-Id");
    assertThat(m.header(Headers.INDEX)).isEqualTo("7");
    assertThat(m.header(Headers.POSITION)).isEqualTo("0");
    assertThat(m.header(Headers.ENTITIES)).isEqualTo("2");
    assertThat(m.header(Headers.TYPE_VERSION)).isEqualTo("2");
    assertThat(m.header(Headers.OPERATION)).isEqualTo("upsert");
    assertThat(m.header(Headers.TIMESTAMP)).isEqualTo("2026-03-04T05:06:07Z");
    assertThat(m.header("aggregate-id")).isEqualTo("%C3%A9 9");
    assertThat(r.route(e, 1).orElseThrow().header(Headers.POSITION)).isEqualTo("1");
  }

  @Test
  void theEnvelopeIsJsonWithTheMetadataAndTheData() throws Exception {
    Router r = router("subject = \"o.${key}\"\nbody = \"envelope\"\ndeletes = \"message\"");
    JsonNode up = MAPPER.readTree(r.route(entry(Entity.upsert("order", "k\"1", "{\"n\": [1, 2]}")), 0)
        .orElseThrow().body());
    assertThat(up.path("syncable").asText()).isEqualTo("orders-out");
    assertThat(up.path("index").asLong()).isEqualTo(7);
    assertThat(up.path("position").asInt()).isZero();
    assertThat(up.path("entities").asInt()).isEqualTo(1);
    assertThat(up.path("type").asText()).isEqualTo("order");
    assertThat(up.path("typeVersion").asInt()).isEqualTo(2);
    assertThat(up.path("op").asText()).isEqualTo("upsert");
    assertThat(up.path("key").asText()).isEqualTo("k\"1");
    assertThat(up.path("data").path("n").get(1).asInt()).isEqualTo(2);

    JsonNode raw = MAPPER.readTree(r.route(entry(Entity.upsert("order", new byte[] {(byte) 0xff},
        new byte[] {1, 2})), 0).orElseThrow().body());
    assertThat(raw.path("keyBase64").asText()).isEqualTo("/w==");
    assertThat(raw.path("dataBase64").asText()).isEqualTo("AQI=");

    RoutedMessage del = r.route(entry(Entity.delete("order", "k")), 0).orElseThrow();
    JsonNode d = MAPPER.readTree(del.body());
    assertThat(d.path("op").asText()).isEqualTo("delete");
    assertThat(d.has("data")).isFalse();
    assertThat(del.tombstone()).isFalse();
  }

  @Test
  void deletesBecomeTombstonesConfiguredMessagesOrNothing() throws Exception {
    Entity delete = Entity.delete("order", "k\"7");
    RoutedMessage t = router("subject = \"o.${key}\"").route(entry(delete), 0).orElseThrow();
    assertThat(t.tombstone()).isTrue();
    assertThat(t.body()).isEmpty();
    assertThat(t.header(Headers.OPERATION)).isEqualTo("delete");

    RoutedMessage m = router("""
        subject = "o.${data.kind}.${key}"
        deleteSubject = "o.deleted.${key}"
        deletes = "message"
        deleteBody = '{"id":"${key}","deleted":true}'
        [[nats.headers]]
        name = "Kind"
        value = "${data.kind}"
        """).route(entry(delete), 0).orElseThrow();
    assertThat(m.destination()).isEqualTo("o.deleted.k%227");
    assertThat(MAPPER.readTree(m.body()).path("id").asText()).isEqualTo("k\"7");
    assertThat(m.header("Kind")).as("a header that reads data is left out of a delete").isNull();

    assertThat(router("subject = \"o.${data.kind}\"\ndeletes = \"skip\"").route(entry(delete), 0)).isEmpty();
  }

  @Test
  void anEntityThatCannotBeRoutedSaysWhichAndWhy() {
    Router r = router("subject = \"o.${data.kind}\"\ndeletes = \"skip\"");
    assertThatThrownBy(() -> r.route(entry(Entity.upsert("order", "42", "{}")), 0))
        .isInstanceOf(RoutingException.class)
        .hasMessage("entry 7, entity 0 (upsert of order key '42'): the data has no field kind for ${data.kind}");
    assertThatThrownBy(() -> router("subject = \"o.${key}\"").route(entry(Entity.upsert("order", "", "{}")), 0))
        .isInstanceOf(RoutingException.class).hasMessageContaining("${key} is empty");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "no subject | body = 'data' | nats.subject | is required",
      "malformed | subject = 'o.${key' | nats.subject | no closing '}'",
      "empty token | subject = 'o..${key}' | nats.subject | empty token",
      "wildcard | subject = 'o.*' | nats.subject | wildcard",
      "space | subject = 'o. ${key}' | nats.subject | a space",
      "trailing dot | subject = 'o.${key}.' | nats.subject | empty token",
      "data without delete route | subject = 'o.${data.t}' | nats.subject | set nats.deleteSubject",
      "data in delete subject | subject = 'o.${key}'\\ndeleteSubject = 'd.${data.t}' | nats.deleteSubject | reads the data",
      "bad body | subject = 'o'\\nbody = 'xml' | nats.body | must be one of \"data\", \"envelope\"",
      "bad deletes | subject = 'o'\\ndeletes = 'drop' | nats.deletes | \"tombstone\", \"message\", \"skip\"",
      "message without body | subject = 'o'\\ndeletes = 'message' | nats.deleteBody | is required",
      "body without message | subject = 'o'\\ndeleteBody = 'x' | nats.deleteBody | only with",
      "data in delete body | subject = 'o'\\ndeletes = 'message'\\ndeleteBody = '${data.x}' | nats.deleteBody | reads the data",
      "reserved header | subject = 'o'\\n[[nats.headers]]\\nname = 'Nats-Msg-Id'\\nvalue = 'x' | nats.headers[0].name | reserved",
      "committed header | subject = 'o'\\n[[nats.headers]]\\nname = 'committed-index'\\nvalue = 'x' | nats.headers[0].name | reserved",
      "header with colon | subject = 'o'\\n[[nats.headers]]\\nname = 'a:b'\\nvalue = 'x' | nats.headers[0].name | not a header name",
      "header twice | subject = 'o'\\n[[nats.headers]]\\nname = 'A'\\nvalue = 'x'\\n[[nats.headers]]\\nname = 'a'\\nvalue = 'y' | nats.headers[1].name | twice",
      "bad header template | subject = 'o'\\n[[nats.headers]]\\nname = 'A'\\nvalue = '${nope}' | nats.headers[0].value | unknown placeholder",
  })
  void aBadRoutingConfigIsRefusedNamingTheField(String what, String fields, String field, String message) {
    assertThatThrownBy(() -> router(fields.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains(field));
  }

  @Test
  void kafkaTopicsUseTheirOwnSyntax() throws Exception {
    PluginConfig section = TestPluginConfig.of("[kafka]\ndestination = \"outbox.${type}\"").section("kafka")
        .orElseThrow();
    Router r = Router.parse(section, "k", new Router.Options("destination", "deleteDestination",
        DestinationSyntax.KAFKA_TOPIC));
    assertThat(r.route(entry(Entity.upsert("shop_order", "1", "{}")), 0).orElseThrow().destination())
        .isEqualTo("outbox.shop_5forder");
    PluginConfig bad = TestPluginConfig.of("[kafka]\ndestination = \"a/b\"").section("kafka").orElseThrow();
    assertThatThrownBy(() -> Router.parse(bad, "k", new Router.Options("destination", "deleteDestination",
        DestinationSyntax.KAFKA_TOPIC))).isInstanceOf(ConfigException.class).hasMessageContaining("'/'");
  }
}
