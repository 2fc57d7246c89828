package io.committed.sync.http.internal;

import java.time.Duration;

/**
 * What one attempt of a request came to.
 *
 * @param kind delivered, retry later, or refused for good
 * @param status the HTTP status, or 0 when no response came (timeout, connection error)
 * @param message what happened, naming the redacted URL and the status; never a secret
 * @param retryAfter the receiver's {@code Retry-After}, or null
 */
record Outcome(Kind kind, int status, String message, Duration retryAfter) {

  enum Kind { DELIVERED, TRANSIENT, PERMANENT }

  static Outcome delivered(int status) {
    return new Outcome(Kind.DELIVERED, status, "answered " + status, null);
  }

  static Outcome transientFailure(int status, String message, Duration retryAfter) {
    return new Outcome(Kind.TRANSIENT, status, message, retryAfter);
  }

  static Outcome permanent(int status, String message) {
    return new Outcome(Kind.PERMANENT, status, message, null);
  }
}
