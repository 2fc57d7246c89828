package io.committed.ingest.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.EntityKeys;
import io.committed.ingest.sql.internal.RowEncoderTest.Col;
import io.committed.ingest.sql.internal.RowEncoderTest.Kind;
import io.committed.spi.PluginConfig;
import io.committed.testkit.TestPluginConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private static final SqlConfig CONFIG = new SqlConfig("Test", "app", "app.orders", "schema.table");
  private static final List<Col> DEBEZIUM = List.of(new Col("id", Kind.TEXT), new Col("aggregatetype", Kind.TEXT),
      new Col("aggregateid", Kind.NUMBER), new Col("type", Kind.TEXT), new Col("payload", Kind.VALID_JSON));

  static PluginConfig section(String sql) {
    return TestPluginConfig.of("[sql]\n" + sql).section("sql").orElseThrow();
  }

  static List<Outbox> parse(String sql) {
    PluginConfig s = section(sql);
    return Outbox.parse(CONFIG, s, CONFIG.topics(s));
  }

  static String message(String sql) {
    try {
      parse(sql);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error for " + sql);
  }

  static Outbox.Encoder<Col> encoder(Outbox o, List<Col> cols) {
    return new Outbox.Encoder<>(o, cols, Col::name, Col::kind);
  }

  @Test
  void theDebeziumConventionsAreTheDefaults() {
    List<Outbox> o = parse("[[sql.outbox]]\ntable = \"outbox\"\n");
    assertThat(o).containsExactly(new Outbox(new TableName("app", "outbox"), "aggregatetype", null, "aggregateid",
        "payload", List.of("id", "type"), true));
    Entity e = encoder(o.get(0), DEBEZIUM).entity(new String[] {"e-1", "orders", "42", "created", "{\"n\": 1}"});
    assertThat(e.typeId()).isEqualTo("orders");
    assertThat(e.key()).isEqualTo(EntityKeys.encode(List.of("42")));
    assertThat(new String(e.data(), StandardCharsets.UTF_8))
        .isEqualTo("{\"payload\":{\"n\": 1},\"id\":\"e-1\",\"type\":\"created\"}");
  }

  @Test
  void aFixedTypeCarriesTheAggregateTypeAsAField() {
    Outbox o = parse("[[sql.outbox]]\ntable = \"app.events\"\ntype = \"events\"\nfields = []\n").get(0);
    Entity e = encoder(o, DEBEZIUM).entity(new String[] {"e-1", "orders", "42", "created", null});
    assertThat(e.typeId()).isEqualTo("events");
    assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("{\"payload\":null,\"aggregatetype\":\"orders\"}");
  }

  @Test
  void namedColumnsAndATextPayload() {
    Outbox o = parse("[[sql.outbox]]\ntable = \"box\"\ntypeColumn = \"kind\"\nkeyColumn = \"ref\"\n"
        + "payloadColumn = \"body\"\nfields = [\"at\"]\n").get(0);
    List<Col> cols = List.of(new Col("kind", Kind.TEXT), new Col("ref", Kind.TEXT), new Col("body", Kind.TEXT),
        new Col("at", Kind.NUMBER));
    Entity e = encoder(o, cols).entity(new String[] {"shipments", "s-9", "plain \"text\"", "17"});
    assertThat(e.typeId()).isEqualTo("shipments");
    assertThat(e.key()).isEqualTo(EntityKeys.encode(List.of("S-9"))); // the kind's key text
    assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("{\"payload\":\"plain \\\"text\\\"\",\"at\":17}");
    // text holding a JSON object is embedded; other JSON-looking text and broken JSON stay strings
    assertThat(new String(encoder(o, cols).entity(new String[] {"a", "b", " [1, 2]", null}).data(),
        StandardCharsets.UTF_8)).isEqualTo("{\"payload\": [1, 2],\"at\":null}");
    assertThat(new String(encoder(o, cols).entity(new String[] {"a", "b", "42", null}).data(),
        StandardCharsets.UTF_8)).isEqualTo("{\"payload\":\"42\",\"at\":null}");
    assertThat(new String(encoder(o, cols).entity(new String[] {"a", "b", "{oops", null}).data(),
        StandardCharsets.UTF_8)).isEqualTo("{\"payload\":\"{oops\",\"at\":null}");
  }

  @Test
  void configErrorsNameTheField() {
    assertThat(message("[[sql.outbox]]\ntypeColumn = \"t\"\n")).contains("sql.outbox").contains("table");
    assertThat(message("[[sql.outbox]]\ntable = \"outbox\"\npayload = \"p\"\n")).contains("payload")
        .contains("not a setting");
    assertThat(message("topic = \"orders\"\ntables = [\"orders\", \"outbox\"]\n[[sql.outbox]]\ntable = \"outbox\"\n"))
        .contains("table").contains("app.outbox is an outbox and also a table of topic 'orders'");
    assertThat(message("[[sql.outbox]]\ntable = \"a\"\n[[sql.outbox]]\ntable = \"app.a\"\n")).contains("twice");
    assertThat(message("[[sql.outbox]]\ntable = \"a\"\ntype = \"_x\"\n")).contains("type").contains("'_x'");
    assertThat(message("[[sql.outbox]]\ntable = \"a\"\nfields = [\"payload\"]\n")).contains("fields");
    assertThat(message("[[sql.outbox]]\ntable = \"a\"\nkeyColumn = \" \"\n")).contains("keyColumn");
  }

  @Test
  void columnsTheTableLacksAreRefusedNamingTheSetting() {
    List<Col> noType = List.of(new Col("aggregateid", Kind.NUMBER), new Col("payload", Kind.TEXT));
    Outbox defaults = parse("[[sql.outbox]]\ntable = \"outbox\"\n").get(0);
    assertThatThrownBy(() -> encoder(defaults, noType)).isInstanceOf(SourceException.class)
        .hasMessageContaining("typeColumn 'aggregatetype' is not a column of app.outbox");
    Outbox fixed = parse("[[sql.outbox]]\ntable = \"outbox\"\ntype = \"x\"\ntypeColumn = \"aggregateid\"\n").get(0);
    // defaulted fields (id, type) the table lacks are left out
    assertThat(fixed.fieldsOf(List.of("aggregateid", "payload"))).isEmpty();
    Outbox named = parse("[[sql.outbox]]\ntable = \"outbox\"\nfields = [\"id\", \"missing\"]\n").get(0);
    assertThatThrownBy(() -> named.fieldsOf(List.of("id", "aggregatetype", "aggregateid", "payload")))
        .isInstanceOf(SourceException.class).hasMessageContaining("fields names 'missing'");
  }

  @Test
  void rowsThatCannotBeRoutedAreRefused() {
    Outbox.Encoder<Col> e = encoder(parse("[[sql.outbox]]\ntable = \"outbox\"\n").get(0), DEBEZIUM);
    assertThatThrownBy(() -> e.entity(new String[] {"1", "bad type!", "1", null, null}))
        .isInstanceOf(SourceException.class).hasMessageContaining("aggregate type 'bad type!'");
    assertThatThrownBy(() -> e.entity(new String[] {"1", null, "1", null, null}))
        .isInstanceOf(SourceException.class).hasMessageContaining("no aggregate type");
    assertThatThrownBy(() -> e.entity(new String[] {"1", "orders", null, null, null}))
        .isInstanceOf(SourceException.class).hasMessageContaining("no aggregate id");
  }

  @Property(tries = 200)
  void everyRowRoutesToItsAggregate(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String type,
      @ForAll long id, @ForAll String text) {
    Outbox.Encoder<Col> e = encoder(parse("[[sql.outbox]]\ntable = \"outbox\"\nfields = [\"type\"]\n").get(0),
        List.of(new Col("aggregatetype", Kind.TEXT), new Col("aggregateid", Kind.NUMBER), new Col("type", Kind.TEXT),
            new Col("payload", Kind.TEXT)));
    Entity en = e.entity(new String[] {type, Long.toString(id), text, text});
    assertThat(en.typeId()).isEqualTo(type);
    assertThat(en.key()).isEqualTo(EntityKeys.encode(List.of(Long.toString(id))));
    assertThat(io.committed.api.JsonSyntax.isValue(new String(en.data(), StandardCharsets.UTF_8))).isTrue();
  }
}
