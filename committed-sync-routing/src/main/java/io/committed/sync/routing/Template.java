package io.committed.sync.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Text with placeholders over one entity, such as {@code orders.${type}.${key}} or
 * {@code outbox.${data.aggregate_type}}.
 *
 * <p>Placeholders:
 *
 * <ul>
 *   <li>{@code ${type}}: the entity's type id; {@code ${key}}: its key (UTF-8 bytes as they are);
 *   <li>{@code ${index}}: the log index of its entry; {@code ${position}}: its 0-based position
 *       among the entities of the entry that the syncable receives; {@code ${typeVersion}}: the
 *       version of its type the entry was written with; {@code ${timestamp}}: when the entry was
 *       proposed (ISO-8601, UTC); {@code ${syncable}}: the syncable's id;
 *   <li>{@code ${data.a.b}}: field {@code b} of object {@code a} of the entity's JSON data (a
 *       segment of digits indexes an array). A string renders as its text, a number as written,
 *       a boolean as {@code true}/{@code false}; null, an object, an array or a missing field is
 *       a {@link RoutingException}, as is data that is not JSON.
 * </ul>
 *
 * <p>{@code $$} is a literal {@code $}. Anything else after a {@code $} is an error, so a typo
 * cannot silently become literal text. Values are escaped by the {@link Escaping} the template is
 * rendered with; literal text is used as written. Instances are immutable.
 */
public final class Template {
  /** The names a placeholder may use besides {@code data.…}. */
  public static final Set<String> NAMES = Set.of("type", "key", "index", "position", "typeVersion", "timestamp",
      "syncable");

  private sealed interface Part permits Literal, Field {}

  private record Literal(String text) implements Part {}

  private record Field(String name, List<String> dataPath) implements Part {}

  private final String text;
  private final List<Part> parts;

  private Template(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses a template.
   *
   * @throws TemplateException naming the problem and its column
   */
  public static Template parse(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$') {
        literal.append(c);
        i++;
        continue;
      }
      if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
        literal.append('$');
        i += 2;
        continue;
      }
      if (i + 1 >= text.length() || text.charAt(i + 1) != '{') {
        throw new TemplateException("a '$' must start a placeholder ${name}; write $$ for a literal '$'", i + 1);
      }
      int close = text.indexOf('}', i + 2);
      if (close < 0) {
        throw new TemplateException("the placeholder that starts here has no closing '}'", i + 1);
      }
      String name = text.substring(i + 2, close).strip();
      if (literal.length() > 0) {
        parts.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      parts.add(field(name, i + 1));
      i = close + 1;
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    return new Template(text, parts);
  }

  private static Field field(String name, int column) {
    if (name.isEmpty()) {
      throw new TemplateException("empty placeholder ${}: name one of " + known(), column);
    }
    if (name.equals("data") || name.startsWith("data.")) {
      String path = name.equals("data") ? "" : name.substring(5);
      List<String> segments = List.of(path.split("\\.", -1));
      if (path.isEmpty() || segments.stream().anyMatch(String::isEmpty)) {
        throw new TemplateException("${" + name + "} needs a field path such as ${data.aggregate_type}, with no"
            + " empty segment", column);
      }
      return new Field(name, segments);
    }
    if (!NAMES.contains(name)) {
      throw new TemplateException("unknown placeholder ${" + name + "}: use one of " + known(), column);
    }
    return new Field(name, null);
  }

  private static String known() {
    return String.join(", ", new TreeSet<>(NAMES).stream().map(n -> "${" + n + "}").toList()) + " or ${data.<field>}";
  }

  /** The text the template was parsed from. */
  public String text() {
    return text;
  }

  /** True when some placeholder reads the entity's data (which a delete does not have). */
  public boolean usesData() {
    return parts.stream().anyMatch(p -> p instanceof Field f && f.dataPath() != null);
  }

  /** True when the template has no placeholder. */
  public boolean isConstant() {
    return parts.stream().allMatch(p -> p instanceof Literal);
  }

  /**
   * The template with every placeholder replaced by {@code sample}: how config checks see the
   * shape of what it renders.
   */
  public String sample(String sample) {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      out.append(p instanceof Literal l ? l.text() : sample);
    }
    return out.toString();
  }

  /**
   * Renders the template for one entity.
   *
   * @param refuseEmpty whether a placeholder whose value is empty is an error (a destination name
   *     must not have an empty token)
   * @throws RoutingException when a value cannot be had (see the class comment)
   */
  public String render(RenderContext entity, Escaping escaping, boolean refuseEmpty) throws RoutingException {
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (Part p : parts) {
      if (p instanceof Literal l) {
        out.append(l.text());
        continue;
      }
      Field f = (Field) p;
      byte[] value = f.dataPath() != null ? entity.dataField(f.name(), f.dataPath()) : entity.value(f.name());
      if (refuseEmpty && value.length == 0) {
        throw new RoutingException(entity.describe() + ": ${" + f.name() + "} is empty, and '" + text
            + "' would have an empty part");
      }
      out.append(escaping.escape(value));
    }
    return out.toString();
  }

  /** Renders for one entity and returns the UTF-8 bytes. */
  public byte[] renderBytes(RenderContext entity, Escaping escaping) throws RoutingException {
    return render(entity, escaping, false).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text;
  }
}
