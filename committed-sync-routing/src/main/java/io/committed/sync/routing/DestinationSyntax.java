package io.committed.sync.routing;

import java.util.Optional;

/**
 * The rules of a broker's destination names: how a placeholder's value is escaped into one, and
 * what a whole name must look like. A template's literal text is checked at config time (rendered
 * with sample values); values are escaped so that no entity can make a name invalid.
 */
public enum DestinationSyntax {
  /**
   * A NATS subject to publish to: tokens separated by {@code .}, none empty, no wildcard
   * ({@code *}, {@code >}), only printable ASCII without spaces. Each placeholder's value is one
   * token ({@link Escaping#NATS_TOKEN}), so {@code orders.${key}} stays two tokens whatever the key.
   */
  NATS_SUBJECT(Escaping.NATS_TOKEN) {
    @Override
    public Optional<String> problem(String subject) {
      if (subject.isEmpty()) {
        return Optional.of("is empty");
      }
      for (int i = 0; i < subject.length(); i++) {
        char c = subject.charAt(i);
        if (c <= ' ' || c >= 0x7F) {
          return Optional.of("holds " + describe(c) + " at " + (i + 1) + ": a subject has printable ASCII only,"
              + " without spaces");
        }
      }
      if (subject.startsWith(".") || subject.endsWith(".") || subject.contains("..")) {
        return Optional.of("has an empty token (a leading, trailing or doubled '.')");
      }
      for (String token : subject.split("\\.")) {
        if (token.contains("*") || token.contains(">")) {
          return Optional.of("has a wildcard ('*' or '>'), which a message cannot be published to");
        }
      }
      return Optional.empty();
    }
  },
  /**
   * A Kafka topic name: 1 to 249 of letters, digits, {@code . _ -}, not {@code .} or {@code ..}.
   * Values are escaped with {@link Escaping#KAFKA_TOPIC_PART}.
   */
  KAFKA_TOPIC(Escaping.KAFKA_TOPIC_PART) {
    @Override
    public Optional<String> problem(String topic) {
      if (topic.isEmpty()) {
        return Optional.of("is empty");
      }
      if (topic.length() > 249) {
        return Optional.of("is " + topic.length() + " characters long; a topic name has at most 249");
      }
      if (topic.equals(".") || topic.equals("..")) {
        return Optional.of("cannot be '.' or '..'");
      }
      for (int i = 0; i < topic.length(); i++) {
        char c = topic.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok) {
          return Optional.of("holds " + describe(c) + " at " + (i + 1) + ": a topic name has letters, digits, '.',"
              + " '_' and '-' only");
        }
      }
      return Optional.empty();
    }
  };

  private final Escaping escaping;

  DestinationSyntax(Escaping escaping) {
    this.escaping = escaping;
  }

  /** How placeholder values are escaped into a destination name. */
  public Escaping escaping() {
    return escaping;
  }

  /** What is wrong with {@code name} as a destination, or empty when it is valid. */
  public abstract Optional<String> problem(String name);

  private static String describe(char c) {
    return c == ' ' ? "a space" : c < 0x20 || c == 0x7F ? String.format("control character U+%04X", (int) c)
        : "'" + c + "'";
  }
}
