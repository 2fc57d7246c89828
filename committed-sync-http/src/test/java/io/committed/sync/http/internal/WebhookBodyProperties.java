package io.committed.sync.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.sync.http.BodySchema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Bodies follow the documented schema and carry every key and payload exactly. */
class WebhookBodyProperties {

  @Provide
  Arbitrary<Entity> entities() {
    Arbitrary<String> type = Arbitraries.of("order", "person", "a.b-c_d");
    Arbitrary<byte[]> key = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
    Arbitrary<byte[]> data = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(30).map(s -> ("{\"s\": \"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
            .chars().filter(c -> c >= 0x20).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append) + "\", \"n\": [1, 2.5e3, null]}").getBytes(StandardCharsets.UTF_8)),
        Arbitraries.of("42", "\"text\"", "[]", " {\"x\":\n true} ", "null").map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(16));
    return Combinators.combine(type, key, data, Arbitraries.of(true, false))
        .as((t, k, d, delete) -> delete ? Entity.delete(t, k) : Entity.upsert(t, k, d));
  }

  @Property(tries = 300)
  void everyBodyFollowsTheSchemaAndCarriesKeysAndPayloadsExactly(
      @ForAll @Size(min = 1, max = 4) List<@From("entities") Entity> first,
      @ForAll @IntRange(min = 1, max = 5) int count, @ForAll boolean array) throws Exception {
    List<LogEntry> entries = new ArrayList<>();
    int n = array ? count : 1;
    for (int i = 0; i < n; i++) {
      entries.add(new LogEntry(7 + i, Instant.parse("2026-01-01T10:00:00.123456Z").plusSeconds(i),
          Proposal.of(first), Map.of("order", 3, "person", 1)));
    }
    JsonNode body = BodySchema.validated(WebhookBody.render("orders-hook", entries, array));
    assertThat(body.isArray()).isEqualTo(array);
    for (int i = 0; i < n; i++) {
      JsonNode doc = array ? body.get(i) : body;
      assertThat(doc.get("index").asLong()).isEqualTo(7 + i);
      assertThat(Instant.parse(doc.get("timestamp").asText())).isEqualTo(entries.get(i).timestamp());
      assertThat(doc.get("syncable").asText()).isEqualTo("orders-hook");
      for (int j = 0; j < first.size(); j++) {
        Entity e = first.get(j);
        JsonNode ent = doc.get("entities").get(j);
        assertThat(ent.get("type").asText()).isEqualTo(e.typeId());
        assertThat(ent.get("version").asInt()).isEqualTo(entries.get(i).typeVersion(e.typeId()));
        assertThat(ent.get("delete").asBoolean()).isEqualTo(e.delete());
        byte[] key = ent.has("key") ? ent.get("key").asText().getBytes(StandardCharsets.UTF_8)
            : Base64.getDecoder().decode(ent.get("key_base64").asText());
        assertThat(key).isEqualTo(e.key());
        if (!e.delete()) {
          if (ent.has("data")) {
            assertThat(ent.get("data")).isEqualTo(BodySchema.JSON.readTree(e.data()));
          } else {
            assertThat(Base64.getDecoder().decode(ent.get("data_base64").asText())).isEqualTo(e.data());
          }
        }
      }
    }
  }

  @Example
  void aJsonPayloadIsEmbeddedByteForByte() {
    String data = "{\"b\": 1,   \"a\": [true ,\n null], \"big\": 123456789012345678901234567890}";
    byte[] body = WebhookBody.render("s", List.of(new LogEntry(1, Instant.EPOCH,
        Proposal.of(Entity.upsert("order", "k", data)), Map.of("order", 1))), false);
    assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"data\":" + data + "}");
  }

  @Example
  void theSchemaRefusesWhatTheBodyMustNotBe() throws Exception {
    String ok = "{\"syncable\":\"s\",\"index\":1,\"timestamp\":\"2026-01-01T00:00:00Z\",\"entities\":"
        + "[{\"type\":\"t\",\"version\":1,\"key\":\"k\",\"delete\":false,\"data\":{}}]}";
    assertThat(BodySchema.valid(ok)).isTrue();
    assertThat(BodySchema.valid("[" + ok + "," + ok + "]")).isTrue();
    assertThat(BodySchema.valid(ok.replace("\"index\":1", "\"index\":0"))).isFalse();
    assertThat(BodySchema.valid(ok.replace(",\"data\":{}", ""))).as("an upsert without data").isFalse();
    assertThat(BodySchema.valid(ok.replace("\"delete\":false", "\"delete\":true"))).as("a delete with data").isFalse();
    assertThat(BodySchema.valid(ok.replace("\"key\":\"k\",", ""))).as("no key").isFalse();
    assertThat(BodySchema.valid("[]")).isFalse();
    assertThat(BodySchema.valid(ok.replace("\"entities\"", "\"extra\":1,\"entities\""))).isFalse();
  }

  @Example
  void theIdempotencyKeyNamesTheSyncableAndTheIndexes() {
    LogEntry a = new LogEntry(5, Instant.EPOCH, Proposal.of(Entity.delete("t", "k")), Map.of());
    LogEntry b = new LogEntry(9, Instant.EPOCH, Proposal.of(Entity.delete("t", "k")), Map.of());
    assertThat(WebhookBody.key("hook", List.of(a))).isEqualTo("hook:5");
    assertThat(WebhookBody.key("hook", List.of(a, b))).isEqualTo("hook:5-9");
  }
}
