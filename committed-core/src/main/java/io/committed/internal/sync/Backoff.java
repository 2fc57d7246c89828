package io.committed.internal.sync;

import java.time.Duration;

/**
 * Capped exponential backoff: {@code min}, then doubling per attempt, never above {@code max}.
 * Deterministic, so tests can predict every delay.
 */
public record Backoff(Duration min, Duration max) {

  public Backoff {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
    }
  }

  /** The delay before retry number {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 40);
    long nanos = min.toNanos();
    for (int i = 0; i < doublings && nanos < max.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, max.toNanos()));
  }
}
