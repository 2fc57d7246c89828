package io.committed.ingest.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowEncoderTest {
  /** A source's kinds: numbers, strings (keys upper-cased), checked and unchecked JSON. */
  enum Kind implements ValueFormat {
    NUMBER, TEXT, VALID_JSON, UNCHECKED_JSON;

    @Override
    public void write(JsonGenerator g, String text) throws IOException {
      switch (this) {
        case NUMBER -> g.writeNumber(text);
        case VALID_JSON, UNCHECKED_JSON -> g.writeRawValue(text);
        default -> g.writeString(text);
      }
    }

    @Override
    public String keyText(String text) {
      return this == TEXT ? text.toUpperCase(java.util.Locale.ROOT) : text;
    }

    @Override
    public boolean json() {
      return this == VALID_JSON || this == UNCHECKED_JSON;
    }

    @Override
    public boolean serverValidated() {
      return this == VALID_JSON;
    }
  }

  record Col(String name, Kind kind) {}

  private static final TableName T = new TableName("s", "t");
  private static final List<Col> COLS = List.of(new Col("id", Kind.NUMBER), new Col("region", Kind.TEXT),
      new Col("doc", Kind.TEXT), new Col("valid", Kind.VALID_JSON), new Col("unchecked", Kind.UNCHECKED_JSON),
      new Col("secret", Kind.TEXT));

  private static RowEncoder<Col> encoder(TopicSpec spec) {
    return new RowEncoder<>(spec, T, COLS, Col::name, Col::kind, List.of("region", "id"));
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void keysUseKeyTextsAndDataFollowsTheMappingAndTheJsonRules() {
    RowEncoder<Col> e = encoder(new TopicSpec("t", List.of(T), List.of(), true, Set.of("secret"), Set.of("doc"),
        Map.of("region", "area")));
    String[] row = {"7", "eu", "{\"a\":1}", "[1]", "{\"b\":2}", "pw"};
    assertThat(s(e.key(row))).isEqualTo("[\"EU\",\"7\"]");
    assertThat(e.keyValues(row)).containsExactly("eu", "7");
    assertThat(s(e.data(row))).isEqualTo("{\"id\":7,\"area\":\"eu\",\"doc\":{\"a\":1},\"valid\":[1],\"unchecked\":{\"b\":2}}");
    String[] bad = {"7", "eu", "{nope", "[1]", "{nope", null};
    assertThat(s(e.data(bad))).isEqualTo("{\"id\":7,\"area\":\"eu\",\"doc\":\"{nope\",\"valid\":[1],\"unchecked\":\"{nope\"}");
  }

  @Test
  void onlyMappedColumnsWhenNotMappingAll() {
    Map<String, String> mappings = new LinkedHashMap<>(); // in document order
    mappings.put("id", "n");
    mappings.put("gone", "g");
    RowEncoder<Col> e = encoder(new TopicSpec("t", List.of(T), List.of(), false, Set.of(), Set.of(), mappings));
    assertThat(s(e.data(new String[] {"7", "eu", null, null, null, null}))).isEqualTo("{\"n\":7,\"g\":null}");
    assertThat(e.dataIndexes()).containsExactly(0, -1);
  }

  @Test
  void aMissingOrNullKeyIsAnError() {
    TopicSpec spec = new TopicSpec("t", List.of(T), List.of(), true, Set.of(), Set.of(), Map.of());
    assertThatThrownBy(() -> new RowEncoder<>(spec, T, COLS, Col::name, Col::kind, List.of("nope")))
        .hasMessageContaining("key column 'nope'");
    assertThatThrownBy(() -> encoder(spec).key(new String[] {"7", null, null, null, null, null}))
        .hasMessageContaining("no value for key column 'region'");
  }
}
