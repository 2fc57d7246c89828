package io.committed.sync.nats.internal;

import io.nats.client.JetStreamApiException;
import java.util.Set;

/**
 * Tells what NATS refuses for good (the entry is dead-lettered) from trouble that passes (retried,
 * never skipped).
 *
 * <p>Permanent: the stream's size limit (API error 10054), a subject that belongs to another stream
 * than the configured one (10060), a publish the user has no permission for, a message over the
 * server's {@code max_payload}. Everything else is transient: no connection, a timeout waiting for
 * the acknowledgement, no responders (JetStream or the stream not ready), not enough replicas or no
 * quorum, insufficient resources, and a failed login (a wrong password is fixed in the config, not
 * by dropping data: the worker keeps retrying and its status shows the reason).
 */
final class Errors {
  /** JetStream API error codes that mean the message can never be stored as it is. */
  private static final Set<Integer> PERMANENT = Set.of(
      10054, // message size exceeds maximum allowed
      10060); // expected stream does not match

  private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("://[^@/\\s\\]\\[]+@");

  private Errors() {}

  /** True when the cause chain holds a JetStream refusal that retrying cannot change. */
  static boolean isPermanent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JetStreamApiException j) {
        return PERMANENT.contains(j.getApiErrorCode());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** A one-line description, with the API error code when there is one. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
      String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
      if (t instanceof JetStreamApiException j) {
        msg = j.getErrorDescription() + " [JetStream API error " + j.getApiErrorCode() + ", " + j.getErrorCode() + "]";
      }
      if (out.indexOf(msg) >= 0) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(msg);
    }
    return USER_INFO.matcher(out).replaceAll("://***@");
  }
}
