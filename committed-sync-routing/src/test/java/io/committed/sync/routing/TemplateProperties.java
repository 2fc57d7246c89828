package io.committed.sync.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.NotEmpty;

/** Rendering: literal text as written, each value escaped into exactly one token, distinct values distinct. */
class TemplateProperties {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static RenderContext entity(String type, byte[] key, String data) {
    LogEntry entry = new LogEntry(42, Instant.parse("2026-01-02T03:04:05Z"),
        Proposal.of(Entity.upsert(type, key, data.getBytes(StandardCharsets.UTF_8))), Map.of(type, 3));
    return new RenderContext("sync-1", entry, 0);
  }

  @Provide
  Arbitrary<String> literals() {
    return Arbitraries.strings().withChars("abcXYZ019.-_ {}*>é\t").ofMaxLength(30);
  }

  @Property(tries = 500)
  void literalTextRendersAsWritten(@ForAll("literals") String literal) throws Exception {
    Template t = Template.parse(literal.replace("$", "$$"));
    assertThat(t.render(entity("t", new byte[] {1}, "{}"), Escaping.NATS_TOKEN, true)).isEqualTo(literal);
    assertThat(t.isConstant()).isTrue();
  }

  @Property(tries = 500)
  void dollarsEscapeThemselves(@ForAll("literals") String a, @ForAll("literals") String b) throws Exception {
    Template t = Template.parse(a + "$$" + b);
    assertThat(t.render(entity("t", new byte[] {1}, "{}"), Escaping.NATS_TOKEN, true)).isEqualTo(a + "$" + b);
  }

  @Property(tries = 1000)
  void aKeyIsExactlyOneTokenOfAValidSubjectAndReadsBack(@ForAll @NotEmpty byte[] key) throws Exception {
    String subject = Template.parse("orders.${type}.${key}").render(entity("shop.order", key, "{}"),
        Escaping.NATS_TOKEN, true);
    assertThat(DestinationSyntax.NATS_SUBJECT.problem(subject)).isEmpty();
    String[] tokens = subject.split("\\.");
    assertThat(tokens).hasSize(3);
    assertThat(Escaping.NATS_TOKEN.unescape(tokens[1])).isEqualTo("shop.order".getBytes(StandardCharsets.UTF_8));
    assertThat(Escaping.NATS_TOKEN.unescape(tokens[2])).isEqualTo(key);
  }

  @Property(tries = 1000)
  void differentKeysGoToDifferentSubjectsAndTopics(@ForAll @NotEmpty byte[] a, @ForAll @NotEmpty byte[] b)
      throws Exception {
    Assume.that(!java.util.Arrays.equals(a, b));
    Template t = Template.parse("o.${key}");
    for (Escaping e : new Escaping[] {Escaping.NATS_TOKEN, Escaping.KAFKA_TOPIC_PART}) {
      assertThat(t.render(entity("t", a, "{}"), e, true)).isNotEqualTo(t.render(entity("t", b, "{}"), e, true));
    }
  }

  @Property(tries = 500)
  void aDataFieldRendersAsItsEscapedText(@ForAll String value, @ForAll long number, @ForAll boolean flag)
      throws Exception {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.putObject("outer").put("aggregate_type", value).put("n", number);
    doc.put("flag", flag);
    String data = MAPPER.writeValueAsString(doc);
    String text = MAPPER.readTree(data).path("outer").path("aggregate_type").asText();
    RenderContext ctx = entity("t", new byte[] {1}, data);
    assertThat(Template.parse("${data.outer.aggregate_type}|${data.outer.n}|${data.flag}")
        .render(ctx, Escaping.HEADER_VALUE, false))
        .isEqualTo(Escaping.HEADER_VALUE.escape(text) + "|" + number + "|" + flag);
  }

  @Property(tries = 300)
  void everyTemplateSampleOfValidLiteralsIsAValidSubject(@ForAll("tokens") java.util.List<String> tokens) {
    String template = String.join(".", tokens);
    Template t = Template.parse(template);
    assertThat(DestinationSyntax.NATS_SUBJECT.problem(t.sample("x"))).as(template).isEmpty();
  }

  @Provide
  Arbitrary<java.util.List<String>> tokens() {
    Arbitrary<String> token = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abc019-_").ofMinLength(1).ofMaxLength(5),
        Arbitraries.of("${type}", "${key}", "${index}", "${data.a}", "x${key}y"));
    return token.list().ofMinSize(1).ofMaxSize(5);
  }
}
