package io.committed.sync.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The escapings are reversible (so injective), and what they write is always well-formed. */
class EscapingProperties {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Property(tries = 1000)
  void percentStyleEscapingsRoundTripEveryByteString(@ForAll byte[] value) {
    for (Escaping e : new Escaping[] {Escaping.NATS_TOKEN, Escaping.KAFKA_TOPIC_PART, Escaping.HEADER_VALUE}) {
      assertThat(e.unescape(e.escape(value))).as(e.name()).isEqualTo(value);
    }
  }

  @Property(tries = 1000)
  void aNatsTokenIsOneValidToken(@ForAll byte[] value) {
    String token = Escaping.NATS_TOKEN.escape(value);
    assertThat(token).doesNotContain(".", "*", ">", " ");
    if (value.length > 0) {
      assertThat(DestinationSyntax.NATS_SUBJECT.problem("orders." + token + ".x")).isEmpty();
    }
  }

  @Property(tries = 1000)
  void aKafkaTopicPartUsesOnlyLegalCharacters(@ForAll byte[] value) {
    String part = Escaping.KAFKA_TOPIC_PART.escape(value);
    assertThat(part).matches("[A-Za-z0-9._-]*");
  }

  @Property(tries = 1000)
  void aHeaderValueIsPrintableAsciiWithoutEdgeSpaces(@ForAll byte[] value) {
    String h = Escaping.HEADER_VALUE.escape(value);
    assertThat(h.chars().allMatch(c -> c >= 0x20 && c < 0x7F)).as(h).isTrue();
    assertThat(h).isEqualTo(h.strip());
  }

  @Property(tries = 1000)
  void aJsonStringEscapeReadsBackAsTheSameText(@ForAll String value) throws Exception {
    String text = new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8); // lone surrogates → ?
    String json = "\"" + Escaping.JSON_STRING.escape(text.getBytes(StandardCharsets.UTF_8)) + "\"";
    assertThat(MAPPER.readValue(json, String.class)).isEqualTo(text);
  }

  @Example
  void examplesAsTheDocsShowThem() {
    assertThat(Escaping.NATS_TOKEN.escape("order 7.1")).isEqualTo("order%207%2E1");
    assertThat(Escaping.NATS_TOKEN.escape("a_b-C9")).isEqualTo("a_b-C9");
    assertThat(Escaping.NATS_TOKEN.escape("50%")).isEqualTo("50%25");
    assertThat(Escaping.KAFKA_TOPIC_PART.escape("a/b_c.d")).isEqualTo("a_2fb_5fc.d");
    assertThat(Escaping.HEADER_VALUE.escape("Order Created")).isEqualTo("Order Created");
    assertThat(Escaping.HEADER_VALUE.escape(" é\n")).isEqualTo("%20%C3%A9%0A");
  }
}
