package io.committed.sync.kafka.internal;

import java.util.regex.Pattern;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortedException;

/**
 * Tells what Kafka refuses for good (the entry is dead-lettered) from trouble that passes (retried,
 * never skipped).
 *
 * <p>Permanent: a record over {@code max.request.size} or the topic's {@code max.message.bytes}, an
 * invalid topic name, a topic the principal may not write to. Everything else is transient: no
 * broker, timeouts, not enough in-sync replicas, leader changes, an unknown topic (it may be
 * created), a fenced producer (another instance took over; the next one starts anew), failed
 * authentication or a missing transactional-id permission (fixed in the config or the ACLs, not by
 * dropping data: the worker keeps retrying and its status shows the reason).
 */
final class Errors {
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password\\s*=\\s*)(\"[^\"]*\"|\\S+)");

  private Errors() {}

  /** True when the cause chain holds a refusal of the record itself. */
  static boolean isPermanent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
          || t instanceof InvalidTopicException || t instanceof TopicAuthorizationException) {
        return true;
      }
    }
    return false;
  }

  /** True for a failure that only reports an earlier one (the transaction was aborted because of it). */
  static boolean isConsequence(Throwable e) {
    return e instanceof TransactionAbortedException
        || (e.getMessage() != null && e.getMessage().contains("previous transactional or idempotent request has"
        + " failed"));
  }

  /** A one-line description of the cause chain, with anything that looks like a password hidden. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
      String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
          + t.getMessage().strip();
      if (out.indexOf(msg) >= 0) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(msg);
    }
    return PASSWORD.matcher(out).replaceAll("$1***");
  }
}
