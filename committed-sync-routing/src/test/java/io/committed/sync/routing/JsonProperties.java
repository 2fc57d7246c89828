package io.committed.sync.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.committed.api.JsonSyntax;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The routing JSON reader against Jackson (values) and {@link JsonSyntax} (what is JSON at all). */
class JsonProperties {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Provide
  Arbitrary<JsonNode> values() {
    return Arbitraries.lazyOf(
        () -> Arbitraries.strings().ofMaxLength(12).map(NODES::textNode),
        () -> Arbitraries.longs().map(NODES::numberNode),
        () -> Arbitraries.bigDecimals().map(NODES::numberNode),
        () -> Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()),
        () -> values().list().ofMaxSize(4).map(l -> {
          ArrayNode a = NODES.arrayNode();
          l.forEach(a::add);
          return a;
        }),
        () -> Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), values()).ofMaxSize(4).map(m -> {
          ObjectNode o = NODES.objectNode();
          m.forEach(o::set);
          return o;
        }));
  }

  @Property(tries = 1000)
  void readsWhatJacksonWritesAsJacksonReadsIt(@ForAll("values") JsonNode value) throws Exception {
    String text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    assertSame(MAPPER.readTree(text), Json.parse(text));
  }

  private static void assertSame(JsonNode expected, Object actual) {
    if (expected.isObject()) {
      assertThat(actual).isInstanceOf(Map.class);
      Map<?, ?> m = (Map<?, ?>) actual;
      assertThat(m).hasSize(expected.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        assertSame(f.getValue(), m.get(f.getKey()));
        assertThat(Json.select(actual, List.of(f.getKey()))).isSameAs(m.get(f.getKey()));
      }
    } else if (expected.isArray()) {
      List<?> l = (List<?>) actual;
      assertThat(l).hasSize(expected.size());
      for (int i = 0; i < l.size(); i++) {
        assertSame(expected.get(i), l.get(i));
      }
    } else if (expected.isNull()) {
      assertThat(actual).isSameAs(Json.NULL);
    } else if (expected.isNumber()) {
      assertThat(new java.math.BigDecimal(actual.toString())).isEqualByComparingTo(expected.decimalValue());
    } else {
      assertThat(actual.toString()).isEqualTo(expected.asText());
    }
  }

  @Property(tries = 1000)
  void aDamagedDocumentParsesExactlyWhenItIsJson(@ForAll("values") JsonNode value,
      @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll("damage") String damage) throws Exception {
    String doc = MAPPER.writeValueAsString(value);
    int i = at % (doc.length() + 1);
    String damaged = doc.substring(0, i) + damage + doc.substring(i);
    boolean parses;
    try {
      Json.parse(damaged);
      parses = true;
    } catch (IllegalArgumentException e) {
      parses = false;
    }
    assertThat(parses).as(damaged).isEqualTo(JsonSyntax.isValue(damaged));
  }

  @Provide
  Arbitrary<String> damage() {
    return Arbitraries.strings().withChars("{}[]\",:.-+eE0123456789 \t\n\\/untrfalsx").ofMaxLength(3);
  }

  @Example
  void corners() {
    assertThat(Json.parse("{\"a\":1,\"a\":2}")).isEqualTo(Map.of("a", new Json.Number("2")));
    assertThat(Json.parse(" \"\\u00e9\\n\" ")).isEqualTo("é\n");
    for (String bad : List.of("", "01", "1.", "[1,]", "{a:1}", "\"a\tb\"", "1 2", "nul")) {
      assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at offset");
    }
  }
}
