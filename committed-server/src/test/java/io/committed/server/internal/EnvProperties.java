package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Go durations and sizes, as the environment gives them. */
class EnvProperties {

  /** Formats as Go's {@code time.Duration.String()} does, e.g. {@code 1h2m3.004s}, {@code 1.5ms}. */
  static String goFormat(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000) {
      return decimal(nanos, 1_000) + "us";
    }
    if (nanos < 1_000_000_000) {
      return decimal(nanos, 1_000_000) + "ms";
    }
    long h = nanos / 3_600_000_000_000L;
    long rest = nanos % 3_600_000_000_000L;
    long m = rest / 60_000_000_000L;
    rest %= 60_000_000_000L;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    return b.append(decimal(rest, 1_000_000_000)).append('s').toString();
  }

  private static String decimal(long value, long unit) {
    String frac = String.format("%0" + String.valueOf(unit).length() + "d", value % unit).substring(1)
        .replaceAll("0+$", "");
    return value / unit + (frac.isEmpty() ? "" : "." + frac);
  }

  @Property
  void goFormattedDurationsParseBackExactly(@ForAll @LongRange(min = 1, max = 400L * 3_600_000_000_000L) long nanos) {
    Duration d = Duration.ofNanos(nanos);
    assertThat(Env.parseDuration(goFormat(d))).as(goFormat(d)).isEqualTo(d);
  }

  @Property
  void sumsOfUnitsParse(@ForAll @IntRange(max = 99) int h, @ForAll @IntRange(max = 99) int m,
      @ForAll @IntRange(max = 99) int s, @ForAll @IntRange(max = 999) int ms) {
    Duration expected = Duration.ofHours(h).plusMinutes(m).plusSeconds(s).plusMillis(ms);
    assertThat(Env.parseDuration(h + "h" + m + "m" + s + "s" + ms + "ms")).isEqualTo(expected);
  }

  @Property
  void garbageIsNeverADuration(@ForAll("notDurations") String text) {
    assertThat(Env.parseDuration(text)).as("'%s'", text).isNull();
  }

  @Provide
  Arbitrary<String> notDurations() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 100_000).map(String::valueOf), // a bare number has no unit
        Arbitraries.strings().withChars("abcdxyz ,;").ofMinLength(1).ofMaxLength(8),
        Arbitraries.integers().between(1, 999).map(n -> n + "sec"),
        Arbitraries.integers().between(1, 999).map(n -> n + " s"),
        Arbitraries.integers().between(1, 999).map(n -> "s" + n));
  }

  @Example
  void variablesAreTrimmedAndCheckedNamingThemselves() {
    Env env = new Env(Map.of("A", " 45s\n", "B", "30", "C", "-1s", "D", "16MiB", "E", "17", "F", "2GiB", "G", "maybe"));
    assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> env.duration("B", Duration.ZERO)).isInstanceOf(ConfigException.class)
        .hasMessage("B must be a positive duration such as 30s, 1m30s or 500ms, was '30'")
        .extracting(e -> ((ConfigException) e).field().orElseThrow()).isEqualTo("B");
    assertThatThrownBy(() -> env.duration("C", Duration.ZERO)).hasMessageStartingWith("C must be a positive duration");
    assertThat(env.duration("unset", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(env.bytes("D", 0, 1, Long.MAX_VALUE)).isEqualTo(16L * 1024 * 1024);
    assertThat(env.bytes("E", 0, 1, Long.MAX_VALUE)).isEqualTo(17);
    assertThatThrownBy(() -> env.bytes("F", 0, 1, 1024L * 1024 * 1024)).hasMessageStartingWith("F must be a size");
    assertThatThrownBy(() -> env.bool("G", false)).hasMessage("G must be true or false, was 'maybe'");
    assertThat(new Env(Map.of("X", "  ")).string("X")).isEmpty();
  }
}
