package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** {@link JsonSyntax} against Jackson, a strict parser, as the oracle. */
class JsonSyntaxProperties {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Jackson's verdict on UTF-8 text: one value, nothing after it. */
  private static boolean jackson(byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      return false; // a byte-order mark: JsonSyntax is stricter than Jackson here, on purpose
    }
    try (JsonParser p = MAPPER.getFactory().createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<JsonNode> values() {
    return Arbitraries.lazyOf(
        () -> Arbitraries.strings().ofMaxLength(12).map(NODES::textNode),
        () -> Arbitraries.longs().map(NODES::numberNode),
        () -> Arbitraries.doubles().filter(Double::isFinite).map(NODES::numberNode),
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

  @Property(tries = 500)
  void everyDocumentJacksonWritesIsAValue(@ForAll("values") JsonNode value) throws Exception {
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    assertThat(JsonSyntax.isValue(bytes)).as(new String(bytes, StandardCharsets.UTF_8)).isTrue();
    assertThat(JsonSyntax.isValue(MAPPER.writeValueAsString(value))).isTrue();
  }

  @Property(tries = 3000)
  void aDamagedDocumentIsAValueExactlyWhenJacksonSaysSo(@ForAll("values") JsonNode value,
      @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll("damage") byte[] bytesIn, @ForAll boolean replace)
      throws Exception {
    byte[] doc = MAPPER.writeValueAsBytes(value);
    int i = doc.length == 0 ? 0 : at % (doc.length + 1);
    ByteBuffer out = ByteBuffer.allocate(doc.length + bytesIn.length);
    out.put(doc, 0, i).put(bytesIn);
    int skip = replace ? Math.min(bytesIn.length, doc.length - i) : 0;
    out.put(doc, i + skip, doc.length - i - skip);
    byte[] damaged = java.util.Arrays.copyOf(out.array(), out.position());
    assertThat(JsonSyntax.isValue(damaged)).as("%s", new String(damaged, StandardCharsets.ISO_8859_1))
        .isEqualTo(jackson(damaged));
  }

  @Provide
  Arbitrary<byte[]> damage() {
    List<Byte> chars = new java.util.ArrayList<>();
    for (byte c : "{}[]\",:.-+eE0123456789 \t\n\\/untrfalse".getBytes(StandardCharsets.US_ASCII)) {
      chars.add(c);
    }
    Arbitrary<Byte> syntax = Arbitraries.of(chars);
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, syntax), net.jqwik.api.Tuple.of(1, any))
        .list().ofMinSize(0).ofMaxSize(3).map(l -> {
          byte[] b = new byte[l.size()];
          for (int k = 0; k < b.length; k++) {
            b[k] = l.get(k);
          }
          return b;
        });
  }

  @Example
  void theCornersRfc8259Draws() {
    for (String ok : List.of("0", "-0", "1.5e-3", "\"\"", "\"\\u00e9\\n\"", " [ ] ", "{}", "{\"a\":[1,{\"b\":null}]}",
        "\"é 😀\"", "true", "null", "1E+2")) {
      assertThat(JsonSyntax.isValue(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("", " ", "01", "1.", ".5", "+1", "-", "NaN", "[1,]", "{\"a\":1,}", "{a:1}", "'x'",
        "\"\\x\"", "\"\\u12\"", "\"a\tb\"", "[1] [2]", "1 2", "tru", "nul", "{\"a\"}", "[", "\"", "// c\n1")) {
      assertThat(JsonSyntax.isValue(bad)).as(bad).isFalse();
    }
    assertThat(JsonSyntax.isValue(new byte[] {'"', (byte) 0xC3, '"'})).as("a cut UTF-8 sequence").isFalse();
    assertThat(JsonSyntax.isValue(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})).as("a surrogate")
        .isFalse();
    assertThat(JsonSyntax.isValue(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'})).as("a BOM").isFalse();
    assertThat(JsonSyntax.isValue("[".repeat(100_000) + "]".repeat(100_000))).as("deep nesting").isTrue();
    assertThat(JsonSyntax.isValue((byte[]) null)).isFalse();
  }
}
