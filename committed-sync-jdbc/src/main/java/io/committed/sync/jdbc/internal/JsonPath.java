package io.committed.sync.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON paths of mappings: {@code $} (the whole payload) followed by steps {@code .name},
 * {@code ['any name']} or {@code [index]}. Nothing else (no wildcards, filters or recursion): a
 * mapping selects one value or none.
 */
public final class JsonPath {
  private final String text;
  private final List<Object> steps; // String names and Integer indexes

  private JsonPath(String text, List<Object> steps) {
    this.text = text;
    this.steps = List.copyOf(steps);
  }

  /**
   * Compiles a path.
   *
   * @return empty, with the reason in {@code problem[0]}, when the path is not supported
   */
  public static Optional<JsonPath> compile(String text, String[] problem) {
    if (text == null || !text.startsWith("$")) {
      problem[0] = "'" + text + "' must start with $ (the payload), e.g. $.id or $.address.city";
      return Optional.empty();
    }
    List<Object> steps = new ArrayList<>();
    int i = 1;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
            || text.charAt(i) == '-' || text.charAt(i) == '$')) {
          i++;
        }
        if (i == start) {
          return fail(problem, text, start, "a field name after '.'");
        }
        steps.add(text.substring(start, i));
      } else if (c == '[') {
        i++;
        if (i < n && (text.charAt(i) == '\'' || text.charAt(i) == '"')) {
          char q = text.charAt(i++);
          StringBuilder name = new StringBuilder();
          while (i < n && text.charAt(i) != q) {
            if (text.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            name.append(text.charAt(i++));
          }
          if (i + 1 >= n || text.charAt(i + 1) != ']') {
            return fail(problem, text, i, "a closing " + q + "]");
          }
          steps.add(name.toString());
          i += 2;
        } else {
          int start = i;
          while (i < n && Character.isDigit(text.charAt(i))) {
            i++;
          }
          if (i == start || i >= n || text.charAt(i) != ']' || i - start > 9) {
            return fail(problem, text, start, "an array index or a quoted name in [ ]");
          }
          steps.add(Integer.parseInt(text.substring(start, i)));
          i++;
        }
      } else {
        return fail(problem, text, i, "'.' or '['");
      }
    }
    return Optional.of(new JsonPath(text, steps));
  }

  private static Optional<JsonPath> fail(String[] problem, String text, int at, String expected) {
    problem[0] = "'" + text + "' is not a supported JSON path: expected " + expected + " at position " + at
        + " (supported: $, $.name, $['name'], $[0], and combinations)";
    return Optional.empty();
  }

  /** True for {@code $}, the whole payload. */
  public boolean isRoot() {
    return steps.isEmpty();
  }

  /** The value at this path, or null when absent (a JSON null is returned as is). */
  public JsonNode select(JsonNode root) {
    JsonNode node = root;
    for (Object step : steps) {
      if (node == null) {
        return null;
      }
      node = step instanceof Integer index
          ? (node.isArray() ? node.get(index) : null)
          : (node.isObject() ? node.get((String) step) : null);
    }
    return node;
  }

  @Override
  public String toString() {
    return text;
  }
}
