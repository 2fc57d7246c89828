package io.committed.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link PluginConfig} over a Jackson tree. Field names match case-insensitively. */
public final class NodeConfig implements PluginConfig {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final String path;
  private final ObjectNode node;
  private final EnvResolver env;

  public NodeConfig(String path, ObjectNode node, EnvResolver env) {
    this.path = path;
    this.node = node;
    this.env = env;
  }

  /** The root of a document. */
  public static NodeConfig root(ObjectNode node, EnvResolver env) {
    return new NodeConfig("", node, env);
  }

  public ObjectNode node() {
    return node;
  }

  public EnvResolver env() {
    return env;
  }

  @Override
  public String path() {
    return path;
  }

  private String fieldPath(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The value of {@code name}, matched case-insensitively; null when absent. */
  public JsonNode get(String name) {
    JsonNode found = null;
    String foundName = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        if (found != null) {
          throw new ConfigException(fieldPath(name), fieldPath(name) + " is given twice ('" + foundName + "' and '"
              + e.getKey() + "'): field names are case-insensitive");
        }
        found = e.getValue();
        foundName = e.getKey();
      }
    }
    return found == null || found.isNull() || found.isMissingNode() ? null : found;
  }

  @Override
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return Collections.unmodifiableSet(names);
  }

  @Override
  public boolean has(String name) {
    return get(name) != null;
  }

  @Override
  public Optional<String> string(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw error(name, "must be a string, not " + shape(v));
    }
    return Optional.of(env.resolve(fieldPath(name), v.asText()));
  }

  /** A string without {@code ${VAR}} resolution: for checks on what is stored, and templates. */
  @Override
  public Optional<String> rawString(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw error(name, "must be a string, not " + shape(v));
    }
    return Optional.of(v.asText());
  }

  @Override
  public OptionalLong integer(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(name, "must be an integer, not " + describe(v));
    }
    return OptionalLong.of(v.longValue());
  }

  @Override
  public Optional<Boolean> bool(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isBoolean()) {
      return Optional.of(v.booleanValue());
    }
    if (v.isIntegralNumber() && (v.longValue() == 0 || v.longValue() == 1)) {
      return Optional.of(v.longValue() == 1);
    }
    throw error(name, "must be true or false (or 1 or 0), not " + describe(v));
  }

  @Override
  public Optional<Duration> duration(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isIntegralNumber() && v.longValue() >= 0) {
      return Optional.of(Duration.ofMillis(v.longValue()));
    }
    if (v.isTextual()) {
      String text = v.asText().trim().toLowerCase(Locale.ROOT);
      Matcher m = DURATION.matcher(text);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
      }
      try {
        return Optional.of(Duration.parse(v.asText().trim()));
      } catch (DateTimeParseException e) {
        // fall through to the error below
      }
    }
    throw error(name, "must be a duration such as 500 (milliseconds), \"250ms\", \"30s\", \"5m\" or \"1h\", not "
        + describe(v));
  }

  @Override
  public List<String> strings(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return List.of();
    }
    if (v.isValueNode()) {
      return List.of(env.resolve(fieldPath(name), v.asText()));
    }
    if (!v.isArray()) {
      throw error(name, "must be a string or an array of strings, not " + shape(v));
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isValueNode() || item.isNull()) {
        throw new ConfigException(fieldPath(name) + "[" + i + "]", fieldPath(name) + "[" + i + "] must be a string");
      }
      out.add(env.resolve(fieldPath(name) + "[" + i + "]", item.asText()));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public Optional<PluginConfig> section(String name) {
    return table(name).map(p -> p);
  }

  /** Like {@link #section}, typed. */
  public Optional<NodeConfig> table(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw error(name, "must be a table, not " + shape(v));
    }
    return Optional.of(new NodeConfig(fieldPath(name), (ObjectNode) v, env));
  }

  @Override
  public List<PluginConfig> sections(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(name, "must be an array of tables ([[" + fieldPath(name) + "]]), not " + shape(v));
    }
    List<PluginConfig> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String p = fieldPath(name) + "[" + i + "]";
      if (!item.isObject()) {
        throw new ConfigException(p, p + " must be a table, not " + shape(item));
      }
      out.add(new NodeConfig(p, (ObjectNode) item, env));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public ConfigException error(String name, String problem) {
    String field = fieldPath(name);
    return new ConfigException(field, field + " " + problem);
  }

  private static String shape(JsonNode v) {
    if (v.isObject()) {
      return "a table";
    }
    if (v.isArray()) {
      return "an array";
    }
    return "a " + v.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String describe(JsonNode v) {
    return v.isValueNode() ? "'" + v.asText() + "'" : shape(v);
  }

  @Override
  public String toString() {
    return "PluginConfig[" + (path.isEmpty() ? "<root>" : path) + "]";
  }
}
