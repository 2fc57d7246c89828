package io.committed.sync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.sync.http.internal.HttpSyncableConfig;
import io.committed.testkit.TestSyncableContext;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Config parsing and backoff over many values. */
class HttpRetryProperties {

  @Property
  void theBackoffStartsAtMinDoublesAndNeverExceedsMax(@ForAll @LongRange(min = 1, max = 5_000) long minMs,
      @ForAll @LongRange(min = 0, max = 100_000) long extraMs, @ForAll @IntRange(min = 1, max = 200) int attempt) {
    var retry = new HttpSyncableConfig.Retry(Duration.ofMillis(minMs), Duration.ofMillis(minMs + extraMs), 10);
    Duration d = retry.delay(attempt);
    assertThat(d).isBetween(retry.min(), retry.max());
    assertThat(retry.delay(attempt + 1)).isGreaterThanOrEqualTo(d);
    if (d.compareTo(retry.max()) < 0) {
      assertThat(d).isEqualTo(Duration.ofMillis(minMs).multipliedBy(1L << (attempt - 1)));
    }
    assertThat(retry.delay(1)).isEqualTo(retry.min());
  }

  @Property
  void aBatchIsAcceptedExactlyWhenBetween1And10000(@ForAll @LongRange(min = -100, max = 20_000) long batch) {
    var ctx = TestSyncableContext.builder().document("""
        [syncable]
        type = "http"
        [http]
        topic = "order"
        url = "http://localhost:9/in"
        batch = %d
        """.formatted(batch)).build();
    if (batch >= 1 && batch <= 10_000) {
      assertThat(HttpSyncableConfig.parse(ctx).batch()).isEqualTo(batch);
    } else {
      assertThatThrownBy(() -> HttpSyncableConfig.parse(ctx)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("http.batch");
    }
  }
}
