package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import java.io.ByteArrayOutputStream;
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
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The JSON form of proposals and entries: what is posted is what is stored, and what is read can be posted back. */
class ProposalCodecProperties {

  /** A generated entity: its request JSON and the entity the log must store. */
  record Case(String json, Entity expected) {}

  /** A JSON value as a client may write it (with spaces) and as the log stores it (compact). */
  record JsonValue(String loose, String compact) {}

  @Provide
  Arbitrary<JsonValue> json() {
    return Arbitraries.lazyOf(
        () -> numbers().map(n -> new JsonValue(n, n)),
        () -> Arbitraries.strings().ofMaxLength(12).map(s -> quote(s)).map(s -> new JsonValue(s, s)),
        () -> Arbitraries.of("true", "false", "null").map(s -> new JsonValue(s, s)),
        () -> json().list().ofMaxSize(4).map(items -> new JsonValue(
            "[ " + String.join(" , ", items.stream().map(JsonValue::loose).toList()) + " ]",
            "[" + String.join(",", items.stream().map(JsonValue::compact).toList()) + "]")),
        () -> Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), json()).as((k, v) -> Map.entry(k, v))
            .list().ofMaxSize(4).uniqueElements(e -> e.getKey()).map(fields -> new JsonValue(
                "{\n " + String.join(",\n ", fields.stream().map(f -> quote(f.getKey()) + " : " + f.getValue().loose()).toList()) + " }",
                "{" + String.join(",", fields.stream().map(f -> quote(f.getKey()) + ":" + f.getValue().compact()).toList()) + "}")));
  }

  /** Numbers whose text must survive exactly: trailing zeros, exponents, more digits than a double holds. */
  Arbitrary<String> numbers() {
    Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30)
        .map(s -> s.replaceFirst("^0+(?=\\d)", ""));
    return Combinators.combine(Arbitraries.of("", "-"), digits, Arbitraries.strings().numeric().ofMaxLength(6),
        Arbitraries.of("", "e5", "E-7", "e+300", "e400")).as((sign, i, frac, exp) ->
        sign + i + (frac.isEmpty() ? "" : "." + frac) + exp);
  }

  static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  @Provide
  Arbitrary<Case> entities() {
    Arbitrary<String> type = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<Object> key = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(b -> (Object) b));
    Arbitrary<Object> data = Arbitraries.oneOf(json().map(j -> (Object) j),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(32).filter(b -> !io.committed.api.JsonSyntax.isValue(b))
            .map(b -> (Object) b), // binary data; JSON data comes from json(), compact as the log stores it
        Arbitraries.just((Object) "delete"));
    return Combinators.combine(type, key, data, Arbitraries.of("typeId", "TYPEID", "typeid")).as((t, k, d, tf) -> {
      List<String> fields = new ArrayList<>();
      fields.add(quote(tf) + ":" + quote(t));
      byte[] keyBytes;
      if (k instanceof String s) {
        fields.add("\"key\":" + quote(s));
        keyBytes = s.getBytes(StandardCharsets.UTF_8);
      } else {
        keyBytes = (byte[]) k;
        fields.add("\"keyBase64\":\"" + Base64.getEncoder().encodeToString(keyBytes) + "\"");
      }
      Entity expected;
      if (d instanceof JsonValue j) {
        fields.add("\"data\": " + j.loose());
        expected = Entity.upsert(t, keyBytes, j.compact().getBytes(StandardCharsets.UTF_8));
      } else if (d instanceof byte[] b) {
        fields.add("\"dataBase64\":\"" + Base64.getEncoder().encodeToString(b) + "\"");
        expected = Entity.upsert(t, keyBytes, b);
      } else {
        fields.add("\"delete\":true");
        expected = Entity.delete(t, keyBytes);
      }
      java.util.Collections.rotate(fields, k.hashCode() % fields.size()); // field order does not matter
      return new Case("{" + String.join(",", fields) + "}", expected);
    });
  }

  @Provide
  Arbitrary<List<Case>> entityLists() {
    return entities().list().ofMinSize(1).ofMaxSize(5);
  }

  @Property
  void whatIsPostedIsWhatIsStored(@ForAll("entityLists") List<Case> cases) {
    String body = "{\"entities\":[" + String.join(",", cases.stream().map(Case::json).toList()) + "]}";
    Proposal p = ProposalCodec.parse(body.getBytes(StandardCharsets.UTF_8));
    assertThat(p.entities()).containsExactlyElementsOf(cases.stream().map(Case::expected).toList());
  }

  @Property
  void whatIsReadCanBePostedBack(@ForAll("entityLists") List<Case> cases) throws Exception {
    List<Entity> entities = cases.stream().map(Case::expected).toList();
    LogEntry entry = new LogEntry(7, Instant.parse("2026-01-02T03:04:05.123456Z"), Proposal.of(entities), Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      ProposalCodec.writeEntry(g, entry, entities);
    }
    String read = out.toString(StandardCharsets.UTF_8);
    String entitiesJson = read.substring(read.indexOf("\"entities\":"), read.length() - 1);
    Proposal again = ProposalCodec.parse(("{" + entitiesJson + "}").getBytes(StandardCharsets.UTF_8));
    assertThat(again.entities()).containsExactlyElementsOf(entities);
  }

  @Property
  void anyBodyIsAProposalOrAClientError(@ForAll("bodies") String body) {
    try {
      ProposalCodec.parse(body.getBytes(StandardCharsets.UTF_8));
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
    } catch (ProposalRejectedException e) {
      assertThat(e.reason()).isNotNull();
    }
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"entities\"", "\"typeId\"", "\"key\"",
        "\"data\"", "\"dataBase64\"", "\"delete\"", "true", "null", "1.5", "\"x\"", "\"a b\"", "\"==\"", " ", "\"_t\"");
    return Arbitraries.oneOf(fragments.list().ofMaxSize(30).map(l -> String.join("", l)),
        entities().list().ofMinSize(1).ofMaxSize(3).map(l -> "{\"entities\":["
            + String.join(",", l.stream().map(Case::json).toList()) + "]}").map(s -> s.substring(0, s.length() / 2)),
        Arbitraries.strings().ofMaxLength(40));
  }

  @Example
  void keysAndDataAreWrittenReadably() throws Exception {
    Entity json = Entity.upsert("t", "k", "{\"n\":1.50}");
    Entity text = Entity.upsert("t", "k", "plain text");
    Entity binary = Entity.upsert("t", new byte[] {(byte) 0xff}, new byte[] {1});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      g.writeStartArray();
      ProposalCodec.writeEntity(g, json);
      ProposalCodec.writeEntity(g, text);
      ProposalCodec.writeEntity(g, binary);
      ProposalCodec.writeEntity(g, Entity.delete("t", "gone"));
      g.writeEndArray();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[{\"typeId\":\"t\",\"key\":\"k\",\"data\":{\"n\":1.50},"
        + "\"delete\":false},{\"typeId\":\"t\",\"key\":\"k\",\"dataBase64\":\"cGxhaW4gdGV4dA==\",\"delete\":false},"
        + "{\"typeId\":\"t\",\"keyBase64\":\"/w==\",\"dataBase64\":\"AQ==\",\"delete\":false},"
        + "{\"typeId\":\"t\",\"key\":\"gone\",\"delete\":true}]");
  }

  @Example
  void duplicateAndConflictingFieldsAreRefused() {
    assertThatThrownBy(() -> ProposalCodec.parse("{\"entities\":[],\"ENTITIES\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiError.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> ProposalCodec.parse(
        "{\"entities\":[{\"typeId\":\"t\",\"typeid\":\"u\",\"data\":1}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiError.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> ProposalCodec.parse(
        "{\"entities\":[{\"typeId\":\"t\",\"dataBase64\":\"AA==\",\"data\":1}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ApiError.class).hasMessageContaining("both data and dataBase64");
  }
}
