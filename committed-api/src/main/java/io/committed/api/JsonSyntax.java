package io.committed.api;

import java.nio.charset.StandardCharsets;

/**
 * Tells whether bytes are exactly one JSON value (RFC 8259) in UTF-8, with white space around it
 * allowed: how Committed's components decide that an entity's data is JSON (the REST API shows it
 * as JSON rather than base64; a CDC source writes a JSON column's text as JSON rather than as a
 * string). Strict: no comments, no trailing commas, no {@code NaN}, no leading zeros, no byte-order
 * mark, no control characters in strings, and only valid UTF-8 sequences. Checks without building
 * anything; nesting depth is not limited.
 */
public final class JsonSyntax {
  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;

  private JsonSyntax() {}

  /** True when {@code text} is exactly one JSON value. */
  public static boolean isValue(CharSequence text) {
    return text != null && isValue(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code utf8} is exactly one JSON value in UTF-8. */
  public static boolean isValue(byte[] utf8) {
    return utf8 != null && new Scan(utf8).document();
  }

  /** One pass over a document: a cursor, and the open containers as a stack. */
  private static final class Scan {
    private final byte[] b;
    private int pos;
    private byte[] open = new byte[16];
    private int depth;

    Scan(byte[] b) {
      this.b = b;
    }

    boolean document() {
      skipSpace();
      boolean expectValue = true; // else: a value just ended
      while (true) {
        if (expectValue) {
          if (pos >= b.length) {
            return false;
          }
          byte c = b[pos];
          if (c == '{' || c == '[') {
            pos++;
            push(c == '{' ? OBJECT : ARRAY);
            skipSpace();
            if (pos < b.length && b[pos] == (c == '{' ? '}' : ']')) {
              pos++;
              depth--;
              expectValue = false;
            } else if (c == '{' && !member()) {
              return false;
            }
            continue;
          }
          if (!scalar()) {
            return false;
          }
          expectValue = false;
          continue;
        }
        skipSpace();
        if (depth == 0) {
          return pos == b.length;
        }
        if (pos >= b.length) {
          return false;
        }
        byte c = b[pos++];
        byte top = open[depth - 1];
        if (c == ',') {
          skipSpace();
          if (top == OBJECT && !member()) {
            return false;
          }
          expectValue = true;
        } else if (c == (top == OBJECT ? '}' : ']')) {
          depth--;
        } else {
          return false;
        }
      }
    }

    /** A member's key and colon; the cursor is left at its value. */
    private boolean member() {
      if (!string()) {
        return false;
      }
      skipSpace();
      if (pos >= b.length || b[pos] != ':') {
        return false;
      }
      pos++;
      skipSpace();
      return true;
    }

    private void push(byte container) {
      if (depth == open.length) {
        open = java.util.Arrays.copyOf(open, depth * 2);
      }
      open[depth++] = container;
    }

    private boolean scalar() {
      byte c = b[pos];
      return switch (c) {
        case '"' -> string();
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> c == '-' || digit(c) ? number() : false;
      };
    }

    private boolean literal(String word) {
      if (pos + word.length() > b.length) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        if (b[pos + i] != word.charAt(i)) {
          return false;
        }
      }
      pos += word.length();
      return true;
    }

    private boolean number() {
      if (b[pos] == '-') {
        pos++;
      }
      if (pos >= b.length || !digit(b[pos])) {
        return false;
      }
      if (b[pos] == '0') {
        pos++;
      } else {
        digits();
      }
      if (pos < b.length && b[pos] == '.') {
        pos++;
        if (digits() == 0) {
          return false;
        }
      }
      if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
        pos++;
        if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
          pos++;
        }
        return digits() > 0;
      }
      return true;
    }

    private int digits() {
      int start = pos;
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
      return pos - start;
    }

    private static boolean digit(byte c) {
      return c >= '0' && c <= '9';
    }

    /** A string from its opening quote to after its closing one. */
    private boolean string() {
      if (pos >= b.length || b[pos] != '"') {
        return false;
      }
      pos++;
      while (pos < b.length) {
        int c = b[pos] & 0xFF;
        if (c == '"') {
          pos++;
          return true;
        }
        if (c < 0x20) {
          return false;
        }
        if (c == '\\') {
          if (!escape()) {
            return false;
          }
        } else if (c >= 0x80) {
          if (!utf8Sequence(c)) {
            return false;
          }
        } else {
          pos++;
        }
      }
      return false;
    }

    private boolean escape() {
      if (pos + 1 >= b.length) {
        return false;
      }
      byte e = b[pos + 1];
      if (e == 'u') {
        if (pos + 6 > b.length) {
          return false;
        }
        for (int i = pos + 2; i < pos + 6; i++) {
          if (Character.digit(b[i], 16) < 0) {
            return false;
          }
        }
        pos += 6;
        return true;
      }
      if ("\"\\/bfnrt".indexOf(e) < 0) {
        return false;
      }
      pos += 2;
      return true;
    }

    /** One UTF-8 encoded character starting with {@code lead} (at least 0x80), as RFC 3629 allows. */
    private boolean utf8Sequence(int lead) {
      int n;
      int min = 0x80;
      int max = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        n = 1;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 2;
        if (lead == 0xE0) {
          min = 0xA0;
        } else if (lead == 0xED) {
          max = 0x9F; // no surrogates
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 3;
        if (lead == 0xF0) {
          min = 0x90;
        } else if (lead == 0xF4) {
          max = 0x8F;
        }
      } else {
        return false;
      }
      if (pos + n >= b.length) {
        return false;
      }
      for (int i = 1; i <= n; i++) {
        int c = b[pos + i] & 0xFF;
        if (c < (i == 1 ? min : 0x80) || c > (i == 1 ? max : 0xBF)) {
          return false;
        }
      }
      pos += n + 1;
      return true;
    }

    private void skipSpace() {
      while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
        pos++;
      }
    }
  }
}
