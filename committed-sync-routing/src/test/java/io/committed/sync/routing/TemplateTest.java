package io.committed.sync.routing;

import static io.committed.sync.routing.TemplateProperties.entity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bad templates fail with a message that says what and where; values that cannot be had say why. */
class TemplateTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "orders.${key | 8 | no closing '}'",
      "orders.${} | 8 | empty placeholder",
      "orders.${nope} | 8 | unknown placeholder ${nope}: use one of ${index}, ${key}",
      "price$5 | 6 | write $$ for a literal",
      "trailing$ | 9 | write $$ for a literal",
      "${data.} | 1 | needs a field path",
      "${data} | 1 | needs a field path",
      "${data.a..b} | 1 | no empty segment",
  })
  void aMalformedTemplateNamesTheProblemAndItsColumn(String text, int column, String message) {
    assertThatThrownBy(() -> Template.parse(text))
        .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.column()).isEqualTo(column))
        .hasMessageContaining(message)
        .hasMessageContaining("at column " + column);
  }

  @Test
  void everyPlaceholderRenders() throws Exception {
    Template t = Template.parse("${syncable}/${type}/${key}/${index}/${position}/${typeVersion}/${timestamp}");
    assertThat(t.render(entity("order", "k".getBytes(StandardCharsets.UTF_8), "{}"), Escaping.HEADER_VALUE, false))
        .isEqualTo("sync-1/order/k/42/0/3/2026-01-02T03:04:05Z");
    assertThat(Template.parse(" ${ key } ").render(entity("o", new byte[] {'a'}, "{}"), Escaping.NATS_TOKEN, true))
        .isEqualTo(" a ");
  }

  @Test
  void dataThatCannotBeReadIsARoutingErrorThatSaysWhy() {
    byte[] key = "42".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Template.parse("${data.a}").render(entity("o", key, "not json"), Escaping.NATS_TOKEN,
        true)).isInstanceOf(RoutingException.class)
        .hasMessageContaining("entry 42, entity 0 (upsert of o key '42')")
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> Template.parse("${data.a}").render(entity("o", key, "{\"b\":1}"), Escaping.NATS_TOKEN,
        true)).isInstanceOf(RoutingException.class).hasMessageContaining("has no field a");
    assertThatThrownBy(() -> Template.parse("${data.a}").render(entity("o", key, "{\"a\":{}}"), Escaping.NATS_TOKEN,
        true)).isInstanceOf(RoutingException.class).hasMessageContaining("is an object");
    assertThatThrownBy(() -> Template.parse("${data.a}").render(entity("o", key, "{\"a\":null}"), Escaping.NATS_TOKEN,
        true)).isInstanceOf(RoutingException.class).hasMessageContaining("is null");
    assertThatThrownBy(() -> Template.parse("o.${data.a}").render(entity("o", key, "{\"a\":\"\"}"), Escaping.NATS_TOKEN,
        true)).isInstanceOf(RoutingException.class).hasMessageContaining("is empty");
  }

  @Test
  void arraysAreIndexedByDigits() throws Exception {
    assertThat(Template.parse("${data.items.1.sku}").render(entity("o", new byte[] {1},
        "{\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\"}]}"), Escaping.NATS_TOKEN, true)).isEqualTo("b");
  }
}
