package io.committed.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class IngestStatusTest {

  @Test
  void figuresThatDoNotApplyAreEmpty() {
    IngestStatus streaming = IngestStatus.streaming(42, "bytes");
    assertThat(streaming.lag()).hasValue(42);
    assertThat(streaming.rowsCopied()).isEmpty();
    assertThat(streaming.rowsEstimated()).isEmpty();

    IngestStatus snapshot = IngestStatus.snapshot(10, 100);
    assertThat(snapshot.rowsCopied()).hasValue(10);
    assertThat(snapshot.rowsEstimated()).hasValue(100);
    assertThat(snapshot.lag()).isEmpty();

    IngestStatus starting = IngestStatus.phase("starting", "preflight");
    assertThat(starting.lag()).isEmpty();
    assertThat(starting.rowsCopied()).isEmpty();
    assertThat(starting.detail()).isEqualTo("preflight");
  }

  @Test
  void negativeFiguresAndNullsAreRefused() {
    assertThatThrownBy(() -> IngestStatus.streaming(-1, "bytes")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lag must not be negative");
    assertThatThrownBy(() -> IngestStatus.snapshot(-1, 5)).hasMessageContaining("rowsCopied");
    assertThatThrownBy(() -> new IngestStatus("x", null, OptionalLong.empty(), OptionalLong.empty(), "", ""))
        .isInstanceOf(NullPointerException.class).hasMessage("rowsCopied");
    assertThatThrownBy(() -> IngestStatus.phase(null, "")).isInstanceOf(NullPointerException.class);
  }
}
