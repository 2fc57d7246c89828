package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class EntityKeysProperties {

  @Property
  void keysRoundTrip(@ForAll @Size(min = 1, max = 5) List<String> values) {
    assertThat(EntityKeys.decode(EntityKeys.encode(values), values.size())).containsExactlyElementsOf(values);
  }

  @Property
  void differentValuesGiveDifferentKeys(@ForAll @Size(min = 2, max = 3) List<String> a,
      @ForAll @Size(min = 2, max = 3) List<String> b) {
    if (!a.equals(b)) {
      assertThat(EntityKeys.encode(a)).isNotEqualTo(EntityKeys.encode(b));
    }
  }

  @Example
  void theEncodingIsTheDocumentedOne() {
    assertThat(new String(EntityKeys.encode(List.of("42")), StandardCharsets.UTF_8)).isEqualTo("42");
    assertThat(new String(EntityKeys.encode(List.of("42", "e\"u")), StandardCharsets.UTF_8))
        .isEqualTo("[\"42\",\"e\\\"u\"]");
    assertThatThrownBy(() -> EntityKeys.decode("[\"a\"]".getBytes(StandardCharsets.UTF_8), 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EntityKeys.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
