package io.committed.sync.nats.internal;

import java.util.List;
import java.util.Optional;

/** NATS subject filters: {@code *} matches one token, a final {@code >} one or more. */
final class Subjects {
  private Subjects() {}

  /** True when {@code subject} (no wildcards) is matched by {@code filter}. */
  static boolean matches(String filter, String subject) {
    String[] f = filter.split("\\.", -1);
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals(">")) {
        return s.length > i;
      }
      if (i >= s.length || (!f[i].equals("*") && !f[i].equals(s[i]))) {
        return false;
      }
    }
    return f.length == s.length;
  }

  /** True when one of {@code filters} matches {@code subject}. */
  static boolean anyMatches(List<String> filters, String subject) {
    for (String f : filters) {
      if (matches(f, subject)) {
        return true;
      }
    }
    return false;
  }

  /** What is wrong with {@code filter} as a stream subject, or empty. */
  static Optional<String> filterProblem(String filter) {
    if (filter.isEmpty()) {
      return Optional.of("is empty");
    }
    String[] tokens = filter.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.isEmpty()) {
        return Optional.of("has an empty token");
      }
      if (t.chars().anyMatch(c -> c <= ' ' || c >= 0x7F)) {
        return Optional.of("holds a space or a character outside printable ASCII");
      }
      if ((t.contains("*") && !t.equals("*")) || (t.contains(">") && !(t.equals(">") && i == tokens.length - 1))) {
        return Optional.of("uses a wildcard inside a token or '>' before the last token");
      }
    }
    return Optional.empty();
  }
}
