package io.committed.sync.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a value is written into the text it is rendered into, so that whatever the entity holds, the
 * result is well-formed and two different values never render the same.
 *
 * <p>The percent-style escapings write each byte of the value's UTF-8 form that is not in their
 * safe set as an escape character and two hex digits; the escape character itself is always
 * escaped, so {@link #unescape} restores the exact bytes.
 */
public enum Escaping {
  /**
   * One token of a NATS subject: letters, digits, {@code -} and {@code _} as they are, every other
   * byte as {@code %XX} (so {@code .}, {@code *}, {@code >} and spaces never split or widen the
   * subject). {@code order 7.1} → {@code order%207%2E1}.
   */
  NATS_TOKEN('%') {
    @Override
    boolean safe(int b, int i, int n) {
      return isAlnum(b) || b == '-' || b == '_';
    }
  },
  /**
   * Part of a Kafka topic name, whose legal characters are letters, digits, {@code . _ -}: letters,
   * digits, {@code .} and {@code -} as they are, every other byte (including {@code _}) as
   * {@code _xx}. {@code a/b} → {@code a_2fb}.
   */
  KAFKA_TOPIC_PART('_') {
    @Override
    boolean safe(int b, int i, int n) {
      return isAlnum(b) || b == '-' || b == '.';
    }
  },
  /**
   * A header value (US-ASCII without control characters, which both NATS and HTTP-style parsers
   * accept): printable ASCII as it is except {@code %}, a space only between other characters;
   * everything else, including non-ASCII UTF-8 bytes, as {@code %XX}.
   */
  HEADER_VALUE('%') {
    @Override
    boolean safe(int b, int i, int n) {
      return (b > 0x20 && b < 0x7F && b != '%') || (b == ' ' && i > 0 && i < n - 1);
    }
  },
  /**
   * The content of a JSON string (between its quotes): {@code "} and {@code \} escaped, control
   * characters as {@code \n}, {@code \t} or {@code \\uXXXX}; bytes that are not UTF-8 become
   * U+FFFD. Not reversible by {@link #unescape}.
   */
  JSON_STRING('\\') {
    @Override
    boolean safe(int b, int i, int n) {
      return false;
    }

    @Override
    public String escape(byte[] utf8) {
      StringBuilder out = new StringBuilder(utf8.length + 8);
      appendJsonString(new String(utf8, StandardCharsets.UTF_8), out);
      return out.toString();
    }

    @Override
    public byte[] unescape(String text) {
      throw new UnsupportedOperationException("JSON_STRING is decoded by a JSON parser");
    }
  };

  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  private final char escapeChar;

  Escaping(char escapeChar) {
    this.escapeChar = escapeChar;
  }

  /** True when byte {@code b} (at {@code i} of {@code n}) is written as it is. */
  abstract boolean safe(int b, int i, int n);

  /** The escape character of the percent-style escapings. */
  public char escapeChar() {
    return escapeChar;
  }

  /** The value's UTF-8 bytes, escaped. */
  public String escape(byte[] utf8) {
    StringBuilder out = new StringBuilder(utf8.length + 8);
    char[] hex = this == KAFKA_TOPIC_PART ? HEX_LOWER : HEX_UPPER;
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xFF;
      if (safe(b, i, utf8.length)) {
        out.append((char) b);
      } else {
        out.append(escapeChar).append(hex[b >> 4]).append(hex[b & 0xF]);
      }
    }
    return out.toString();
  }

  /** The value, escaped. */
  public String escape(String value) {
    return escape(value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The bytes {@link #escape} was given: for consumers that decode a header or a subject token.
   *
   * @throws IllegalArgumentException when {@code text} is not something {@link #escape} produces
   */
  public byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == escapeChar) {
        if (i + 2 >= text.length()) {
          throw new IllegalArgumentException("'" + text + "': " + escapeChar + " at " + i + " is not followed by two hex digits");
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("'" + text + "': " + escapeChar + " at " + i + " is not followed by two hex digits");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c > 0x7F) {
        throw new IllegalArgumentException("'" + text + "' holds a character outside ASCII at " + i);
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** Appends {@code s} as the content of a JSON string. */
  static void appendJsonString(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append("\\u").append(HEX_LOWER[c >> 12 & 0xF]).append(HEX_LOWER[c >> 8 & 0xF])
                .append(HEX_LOWER[c >> 4 & 0xF]).append(HEX_LOWER[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  private static boolean isAlnum(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
  }
}
