package io.committed.sync.http.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Tells delivered from transient from permanent by status: 2xx delivered; 408 (timeout), 425 (too
 * early), 429 (too many requests) and every 5xx transient, as are timeouts and connection errors;
 * every other 4xx permanent (the receiver refuses this data and would refuse it again). A 3xx that
 * reaches here was not followed; it is transient, because it says nothing about the data (the URL
 * needs fixing, and dead-lettering every entry meanwhile would be wrong).
 */
final class Classifier {
  /** The longest {@code Retry-After} honoured; a longer one is cut to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private Classifier() {}

  static Outcome.Kind kind(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.Kind.DELIVERED;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 425 && status != 429) {
      return Outcome.Kind.PERMANENT;
    }
    return Outcome.Kind.TRANSIENT;
  }

  /**
   * A {@code Retry-After} value: seconds, or an HTTP date (relative to {@code clock}); at most
   * {@link #MAX_RETRY_AFTER}; null when absent or unreadable.
   */
  static Duration retryAfter(Optional<String> header, Clock clock) {
    if (header.isEmpty()) {
      return null;
    }
    String v = header.get().trim();
    Duration d;
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      d = v.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(v));
    } else {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(clock.instant(), at.toInstant());
        if (d.isNegative()) {
          d = Duration.ZERO;
        }
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }
}
