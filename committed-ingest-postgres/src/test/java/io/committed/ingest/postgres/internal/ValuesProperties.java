package io.committed.ingest.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.BigRange;

class ValuesProperties {

  private static String json(ValueKind kind, String text) throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      kind.write(g, text);
    }
    return out.toString();
  }

  /** PostgreSQL's ISO text of an instant seen from an offset: date, time, trimmed fraction, +hh[:mm[:ss]]. */
  private static String pgText(Instant instant, int offsetSeconds) {
    LocalDateTime local = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(),
        ZoneOffset.ofTotalSeconds(offsetSeconds));
    String base = local.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    String fraction = "";
    if (instant.getNano() != 0) {
      fraction = String.format(".%06d", instant.getNano() / 1000).replaceAll("0+$", "");
    }
    int abs = Math.abs(offsetSeconds);
    String offset = (offsetSeconds < 0 ? "-" : "+") + String.format("%02d", abs / 3600);
    if (abs % 3600 != 0) {
      offset += String.format(":%02d", abs % 3600 / 60);
      if (abs % 60 != 0) {
        offset += String.format(":%02d", abs % 60);
      }
    }
    return base + fraction + offset;
  }

  @Property
  void timestamptzBecomesTheSameUtcInstantWhateverTheSessionZone(
      @ForAll @LongRange(min = -62_000_000_000L, max = 253_000_000_000L) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999) int micros,
      @ForAll @IntRange(min = -15 * 3600, max = 15 * 3600) int offsetA,
      @ForAll @IntRange(min = -15 * 3600, max = 15 * 3600) int offsetB) {
    Instant instant = Instant.ofEpochSecond(seconds, micros * 1000L);
    String a = Timestamps.utc(pgText(instant, offsetA));
    String b = Timestamps.utc(pgText(instant, offsetB));
    assertThat(a).isEqualTo(b).endsWith("Z");
    assertThat(Instant.parse(a)).isEqualTo(instant);
  }

  @Property
  void numericsKeepTheirDigitsAndScale(@ForAll @BigRange(min = "-1e30", max = "1e30") @Scale(6) BigDecimal value)
      throws Exception {
    String text = value.toPlainString();
    assertThat(json(ValueKind.DECIMAL, text)).isEqualTo(text);
    assertThat(new BigDecimal(json(ValueKind.DECIMAL, text)).scale()).isEqualTo(value.scale());
  }

  @Property
  void byteaHexBecomesBase64(@ForAll byte[] bytes) throws Exception {
    String hex = "\\x" + java.util.HexFormat.of().formatHex(bytes);
    assertThat(json(ValueKind.BYTEA, hex)).isEqualTo("\"" + Base64.getEncoder().encodeToString(bytes) + "\"");
    assertThat(ValueKind.bytea(escape(bytes))).isEqualTo(bytes);
  }

  private static String escape(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      int v = x & 0xff;
      if (v == '\\') {
        b.append("\\\\");
      } else if (v < 0x20 || v > 0x7e) {
        b.append(String.format("\\%03o", v));
      } else {
        b.append((char) v);
      }
    }
    return b.toString();
  }

  @Example
  void specialValues() throws Exception {
    assertThat(json(ValueKind.DECIMAL, "NaN")).isEqualTo("\"NaN\"");
    assertThat(json(ValueKind.FLOAT, "-Infinity")).isEqualTo("\"-Infinity\"");
    assertThat(json(ValueKind.FLOAT, "1e+30")).isEqualTo("1e+30");
    assertThat(json(ValueKind.BOOLEAN, "t")).isEqualTo("true");
    assertThat(json(ValueKind.INTEGER, "-9223372036854775808")).isEqualTo("-9223372036854775808");
    assertThat(json(ValueKind.TIMESTAMPTZ, "infinity")).isEqualTo("\"infinity\"");
    assertThat(json(ValueKind.TIMESTAMPTZ, "2000-01-01 00:00:00+00 BC")).isEqualTo("\"2000-01-01 00:00:00+00 BC\"");
    assertThat(json(ValueKind.TIMESTAMPTZ, "2024-05-01 00:30:00.5+05:30")).isEqualTo("\"2024-04-30T19:00:00.5Z\"");
    assertThat(json(ValueKind.TIMESTAMP, "2024-05-01 10:15:30")).isEqualTo("\"2024-05-01T10:15:30\"");
    assertThat(json(ValueKind.TEXT, "")).isEqualTo("\"\"");
    assertThat(ValueKind.BOOLEAN.keyText("f")).isEqualTo("false");
    assertThat(ValueKind.ofType(1700)).isEqualTo(ValueKind.DECIMAL);
    assertThat(ValueKind.ofType(25)).isEqualTo(ValueKind.TEXT);
  }
}
