package io.committed.sync.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonPathTest {
  private static JsonPath path(String p) {
    String[] problem = new String[1];
    return JsonPath.compile(p, problem).orElseThrow(() -> new AssertionError(problem[0]));
  }

  @Test
  void selectsFieldsIndexesAndQuotedNames() throws Exception {
    JsonNode doc = Values.JSON.readTree("{\"a\":{\"b c\":[10,{\"d\":\"x\"}]},\"e-f\":1}");
    assertThat(path("$").select(doc)).isEqualTo(doc);
    assertThat(path("$.a['b c'][0]").select(doc).intValue()).isEqualTo(10);
    assertThat(path("$.a[\"b c\"][1].d").select(doc).textValue()).isEqualTo("x");
    assertThat(path("$.e-f").select(doc).intValue()).isEqualTo(1);
    assertThat(path("$.missing.deeper").select(doc)).isNull();
    assertThat(path("$.a[0]").select(doc)).isNull();
  }

  @Test
  void refusesWhatItDoesNotSupport() {
    for (String bad : new String[] {"a.b", "$..a", "$.a[*]", "$[?(@.a)]", "$.", "$.a[", "$['a'", "$ .a"}) {
      String[] problem = new String[1];
      assertThat(JsonPath.compile(bad, problem)).as(bad).isEmpty();
      assertThat(problem[0]).as(bad).isNotBlank();
    }
  }
}
