package io.committed.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The key encoding shared by ingestables and syncables for keys made of column values: one column
 * is its value's UTF-8 text as is; several columns are a JSON array of strings, in the key's
 * column order ({@code ["42","eu"]}). A reader always knows how many key columns it expects, so
 * the two forms never need telling apart.
 *
 * <p>Values are text: numbers as their exact decimal text, booleans as {@code true}/{@code false},
 * binary as base64. A null value has no encoding (key columns are never null).
 */
public final class EntityKeys {
  private EntityKeys() {}

  /**
   * Encodes key column values.
   *
   * @throws IllegalArgumentException when {@code values} is empty or contains a null
   */
  public static byte[] encode(List<String> values) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one value");
    }
    for (String v : values) {
      if (v == null) {
        throw new IllegalArgumentException("key values must not be null: " + values);
      }
    }
    if (values.size() == 1) {
      return values.get(0).getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      quote(values.get(i), out);
    }
    return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Encodes one key value. */
  public static byte[] encode(String value) {
    return encode(List.of(value));
  }

  /**
   * Decodes a key of {@code columns} values.
   *
   * @throws IllegalArgumentException when the key is not an encoding of that many values
   */
  public static List<String> decode(byte[] key, int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be >= 1");
    }
    String text = new String(key, StandardCharsets.UTF_8);
    if (columns == 1) {
      return List.of(text);
    }
    List<String> values = new ArrayList<>(columns);
    int[] pos = {0};
    expect(text, pos, '[');
    while (true) {
      values.add(string(text, pos));
      skipSpace(text, pos);
      if (pos[0] < text.length() && text.charAt(pos[0]) == ',') {
        pos[0]++;
        continue;
      }
      expect(text, pos, ']');
      break;
    }
    skipSpace(text, pos);
    if (pos[0] != text.length() || values.size() != columns) {
      throw new IllegalArgumentException("key " + text + " is not a JSON array of " + columns + " strings");
    }
    return Collections.unmodifiableList(values);
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void skipSpace(String t, int[] pos) {
    while (pos[0] < t.length() && Character.isWhitespace(t.charAt(pos[0]))) {
      pos[0]++;
    }
  }

  private static void expect(String t, int[] pos, char c) {
    skipSpace(t, pos);
    if (pos[0] >= t.length() || t.charAt(pos[0]) != c) {
      throw new IllegalArgumentException("key " + t + ": expected '" + c + "' at " + pos[0]);
    }
    pos[0]++;
  }

  private static String string(String t, int[] pos) {
    expect(t, pos, '"');
    StringBuilder out = new StringBuilder();
    while (pos[0] < t.length()) {
      char c = t.charAt(pos[0]++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos[0] >= t.length()) {
        break;
      }
      char e = t.charAt(pos[0]++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (pos[0] + 4 > t.length()) {
            throw new IllegalArgumentException("key " + t + ": truncated \\u escape");
          }
          out.append((char) Integer.parseInt(t.substring(pos[0], pos[0] + 4), 16));
          pos[0] += 4;
        }
        default -> throw new IllegalArgumentException("key " + t + ": bad escape \\" + e);
      }
    }
    throw new IllegalArgumentException("key " + t + ": unterminated string");
  }
}
