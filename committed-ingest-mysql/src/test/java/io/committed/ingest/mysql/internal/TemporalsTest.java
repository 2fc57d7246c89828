package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class TemporalsTest {

  @Property
  void paddingMatchesStringFormat(@ForAll @IntRange(min = 0, max = 99_999_999) int v,
      @ForAll @IntRange(min = 1, max = 8) int width) {
    assertThat(Temporals.padded(v, width)).isEqualTo(String.format("%0" + width + "d", v));
  }

  @Property
  void aFractionHasExactlyItsDigits(@ForAll @IntRange(min = 0, max = 999_999) int micros,
      @ForAll @IntRange(min = 0, max = 6) int fsp) {
    String expected = fsp == 0 ? "" : "." + String.format("%06d", micros).substring(0, fsp);
    assertThat(Temporals.fraction(micros, fsp)).isEqualTo(expected);
  }
}
