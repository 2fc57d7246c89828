package io.committed.sync.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

class ValuesProperties {

  private static ColumnSpec column(String type, Dialect d) {
    SqlType t = SqlType.parse(type, new String[1]).orElseThrow();
    return new ColumnSpec("c", JsonPath.compile("$.c", new String[1]).orElseThrow(), t, t.category(d),
        t.fractionDigits(d));
  }

  private static Object fromJson(ColumnSpec c, String json, Dialect d) throws Exception {
    JsonNode node = Values.JSON.readTree("{\"c\":" + json + "}").get("c");
    return Values.fromJson(c, node, null, d);
  }

  @Property
  void integersArriveExactlyAsNumbersOrText(@ForAll long n) throws Exception {
    ColumnSpec c = column("BIGINT", Dialect.POSTGRES);
    assertThat(fromJson(c, Long.toString(n), Dialect.POSTGRES)).isEqualTo(n);
    assertThat(fromJson(c, "\"" + n + "\"", Dialect.POSTGRES)).isEqualTo(n);
    assertThat(Values.fromText(c, Long.toString(n), Dialect.POSTGRES)).isEqualTo(n);
  }

  @Property
  void anIntegerColumnRefusesAFractionInsteadOfRoundingIt(@ForAll @LongRange(min = -1_000_000, max = 1_000_000) long n,
      @ForAll @IntRange(min = 1, max = 9) int digit) {
    ColumnSpec c = column("INT", Dialect.MYSQL);
    assertThatThrownBy(() -> fromJson(c, n + "." + digit, Dialect.MYSQL))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("fraction");
  }

  @Property
  void decimalsKeepTheirScaleOrAreRefused(@ForAll @Scale(4) @BigRange(min = "-1000000", max = "1000000") BigDecimal d)
      throws Exception {
    ColumnSpec two = column("NUMERIC(20,2)", Dialect.POSTGRES);
    String text = d.toPlainString();
    if (d.stripTrailingZeros().scale() <= 2) {
      BigDecimal v = (BigDecimal) fromJson(two, text, Dialect.POSTGRES);
      assertThat(v.toPlainString()).isEqualTo(text); // exactly as written, scale included
    } else {
      assertThatThrownBy(() -> fromJson(two, text, Dialect.POSTGRES))
          .isInstanceOf(Values.BadValue.class).hasMessageContaining("would be rounded");
    }
  }

  @Property
  void timestampsParseInEveryCommonShape(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999) int micros, @ForAll @IntRange(min = -12, max = 14) int hours)
      throws Exception {
    Instant instant = Instant.ofEpochSecond(seconds, micros * 1000L);
    OffsetDateTime at = instant.atOffset(ZoneOffset.ofHours(hours));
    String iso = at.toString();
    String pgStyle = at.toLocalDateTime().toString().replace('T', ' ')
        + String.format("%s%02d", hours < 0 ? "-" : "+", Math.abs(hours));
    ColumnSpec tz = column("TIMESTAMP(6) WITH TIME ZONE", Dialect.POSTGRES);
    for (String text : new String[] {iso, pgStyle}) {
      OffsetDateTime parsed = (OffsetDateTime) Values.fromText(tz, text, Dialect.POSTGRES);
      assertThat(parsed.toInstant()).isEqualTo(instant);
    }
    ColumnSpec mysql = column("TIMESTAMP(6)", Dialect.MYSQL);
    assertThat(Values.fromText(mysql, iso, Dialect.MYSQL)).isEqualTo(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  @Example
  void aTimestampColumnRefusesPrecisionItWouldLose() {
    ColumnSpec millis = column("TIMESTAMP(3)", Dialect.POSTGRES);
    assertThatThrownBy(() -> Values.fromText(millis, "2024-05-01T10:00:00.123456", Dialect.POSTGRES))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("fractional seconds");
    ColumnSpec datetime = column("DATETIME", Dialect.MYSQL);
    assertThatThrownBy(() -> Values.fromText(datetime, "2024-05-01T10:00:00.5", Dialect.MYSQL))
        .isInstanceOf(Values.BadValue.class);
  }

  @Property
  void binaryTravelsAsBase64(@ForAll byte[] bytes) throws Exception {
    ColumnSpec c = column("BYTEA", Dialect.POSTGRES);
    String b64 = Base64.getEncoder().encodeToString(bytes);
    assertThat((byte[]) fromJson(c, "\"" + b64 + "\"", Dialect.POSTGRES)).isEqualTo(bytes);
  }

  @Example
  void wrongShapesAreRefusedWithTheColumnNamed() {
    assertThatThrownBy(() -> fromJson(column("INT", Dialect.H2), "\"abc\"", Dialect.H2))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("column c (jsonPath $.c)").hasMessageContaining("not a number");
    assertThatThrownBy(() -> fromJson(column("BOOLEAN", Dialect.H2), "2", Dialect.H2))
        .isInstanceOf(Values.BadValue.class);
    assertThatThrownBy(() -> fromJson(column("DATE", Dialect.H2), "{\"a\":1}", Dialect.H2))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> fromJson(column("BYTEA", Dialect.POSTGRES), "\"not base64!\"", Dialect.POSTGRES))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("base64");
    assertThatThrownBy(() -> fromJson(column("TIMESTAMPTZ", Dialect.POSTGRES), "\"2024-01-01T10:00:00+99:00\"",
        Dialect.POSTGRES)).isInstanceOf(Values.BadValue.class).hasMessageContaining("not a timestamp");
    assertThatThrownBy(() -> fromJson(column("DATE", Dialect.POSTGRES), "\"2024-02-30\"", Dialect.POSTGRES))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("not a date");
    assertThatThrownBy(() -> fromJson(column("UUID", Dialect.POSTGRES), "\"123\"", Dialect.POSTGRES))
        .isInstanceOf(Values.BadValue.class).hasMessageContaining("not a UUID");
  }

  @Example
  void textColumnsGetNumbersAndJsonAsWritten() throws Exception {
    ColumnSpec text = column("TEXT", Dialect.POSTGRES);
    assertThat(fromJson(text, "1234.50", Dialect.POSTGRES)).isEqualTo("1234.50");
    assertThat(fromJson(text, "1E+3", Dialect.POSTGRES)).isEqualTo("1000");
    assertThat(fromJson(text, "{\"a\":[1,2.50]}", Dialect.POSTGRES)).isEqualTo("{\"a\":[1,2.50]}");
    assertThat(fromJson(text, "null", Dialect.POSTGRES)).isNull();
  }
}
