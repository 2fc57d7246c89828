package io.committed.ingest.sql.internal;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.spi.PluginConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of the {@code [sql]} section every SQL source shares: the topics, in the flat form
 * ({@code topic}, {@code tables}, {@code primaryKey}, {@code mapAllColumns}, {@code excludeColumns},
 * {@code jsonColumns}, {@code [[sql.mappings]]}) or as {@code [[sql.topics]]}, and the check that a
 * section holds only known settings. Errors are {@link ConfigException}s naming the field.
 *
 * @param source the source's name in error messages ({@code PostgreSQL}, {@code MySQL/MariaDB})
 * @param defaultSchema the schema of a table named without one (null: every table must name one)
 * @param exampleTable a table name for the "tables is required" message ({@code public.orders})
 * @param tableForm how a table is written, for the malformed-name message ({@code schema.table})
 */
public record SqlConfig(String source, String defaultSchema, String exampleTable, String tableForm) {

  /** The settings of one topic: allowed in {@code [sql]} (flat form) and in each {@code [[sql.topics]]}. */
  public static final Set<String> TOPIC_FIELDS = Set.of("topic", "tables", "table", "primaryKey",
      "mapAllColumns", "excludeColumns", "jsonColumns", "mappings");

  /**
   * Fails on a setting of {@code c} not in {@code known} (compared ignoring case), listing the known ones.
   *
   * @throws ConfigException naming the unknown setting
   */
  public void checkNames(PluginConfig c, Set<String> known) {
    Set<String> lower = new HashSet<>();
    known.forEach(k -> lower.add(k.toLowerCase(Locale.ROOT)));
    for (String n : c.names()) {
      if (!lower.contains(n.toLowerCase(Locale.ROOT))) {
        throw c.error(n, "is not a setting of a " + source + " ingestable; known here: "
            + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  /** {@link #checkNames} of the {@code [sql]} section: {@code topFields} and {@link #TOPIC_FIELDS}. */
  public void checkSection(PluginConfig section, Set<String> topFields) {
    Set<String> all = new HashSet<>(topFields);
    all.addAll(TOPIC_FIELDS);
    all.add("topics");
    all.add("outbox");
    checkNames(section, all);
  }

  /**
   * The topics of {@code section}: its flat form or its {@code [[topics]]}; a table feeds one topic.
   * None when the section declares only {@code [[outbox]]} tables ({@link Outbox#parse}).
   *
   * @throws ConfigException naming the field at fault
   */
  public List<TopicSpec> topics(PluginConfig section) {
    boolean flat = section.has("topic") || section.has("tables") || section.has("table");
    List<PluginConfig> many = section.sections("topics");
    if (section.has("topics") && many.isEmpty()) {
      throw section.error("topics", "must be an array of tables ([[" + section.path() + ".topics]])");
    }
    if (flat && !many.isEmpty()) {
      throw section.error("topics", "cannot be combined with the flat form (" + section.path() + ".topic, "
          + section.path() + ".tables): use one or the other");
    }
    List<TopicSpec> out = new ArrayList<>();
    if (many.isEmpty() && !flat && section.has("outbox")) {
      return List.of(); // only outbox tables
    }
    if (many.isEmpty()) {
      out.add(topic(section));
    } else {
      for (PluginConfig t : many) {
        checkNames(t, TOPIC_FIELDS);
        out.add(topic(t));
      }
    }
    Map<TableName, String> owner = new TreeMap<>();
    for (TopicSpec t : out) {
      for (TableName table : t.tables()) {
        String before = owner.put(table, t.topic());
        if (before != null) {
          throw section.error(many.isEmpty() ? "tables" : "topics", "table " + table + " is listed twice (topics '"
              + before + "' and '" + t.topic() + "'): a table feeds one topic");
        }
      }
    }
    return List.copyOf(out);
  }

  private TopicSpec topic(PluginConfig c) {
    String topic = c.requireString("topic").trim();
    if (!Entity.TYPE_ID_PATTERN.matcher(topic).matches() || topic.startsWith("_")) {
      throw c.error("topic", "'" + topic + "' is not a valid type id: use 1 to 128 letters, digits, '_', '.' or '-'"
          + ", not starting with '_'");
    }
    if (c.has("table") && c.has("tables")) {
      throw c.error("table", "cannot be combined with " + c.path() + ".tables");
    }
    String tablesField = c.has("table") ? "table" : "tables";
    List<String> names = c.strings(tablesField);
    if (names.isEmpty()) {
      throw c.error("tables", "is required: the tables to capture, e.g. tables = [\"" + exampleTable + "\"]");
    }
    Set<TableName> tables = new LinkedHashSet<>();
    for (String n : names) {
      TableName t = TableName.parse(n, defaultSchema);
      if (t == null) {
        throw c.error(tablesField, "has a malformed table name '" + n + "': write " + tableForm + " or table"
            + " (no quotes)");
      }
      if (!tables.add(t)) {
        throw c.error(tablesField, "lists " + t + " twice");
      }
    }
    List<String> key = nonBlank(c, "primaryKey");
    if (new LinkedHashSet<>(key).size() != key.size()) {
      throw c.error("primaryKey", "names a column twice: " + key);
    }
    Map<String, String> mappings = new LinkedHashMap<>();
    Set<String> jsonNames = new LinkedHashSet<>();
    for (PluginConfig m : c.sections("mappings")) {
      checkNames(m, Set.of("jsonName", "column"));
      String column = m.requireString("column");
      String json = m.requireString("jsonName");
      if (column.isBlank()) {
        throw m.error("column", "must not be empty");
      }
      if (mappings.put(column, json) != null) {
        throw m.error("column", "maps column '" + column + "' a second time");
      }
      if (!jsonNames.add(json)) {
        throw m.error("jsonName", "'" + json + "' is the name of two mappings");
      }
    }
    boolean mapAll = c.bool("mapAllColumns", mappings.isEmpty());
    if (!mapAll && mappings.isEmpty()) {
      throw c.error("mapAllColumns", "is false but there are no [[" + c.path() + ".mappings]]: no column would be"
          + " captured");
    }
    Set<String> exclude = new LinkedHashSet<>(nonBlank(c, "excludeColumns"));
    for (String col : mappings.keySet()) {
      if (exclude.contains(col)) {
        throw c.error("excludeColumns", "excludes '" + col + "', which a mapping maps");
      }
    }
    Set<String> json = new LinkedHashSet<>(nonBlank(c, "jsonColumns"));
    return new TopicSpec(topic, List.copyOf(tables), List.copyOf(key), mapAll, Set.copyOf(exclude), Set.copyOf(json),
        Collections.unmodifiableMap(mappings));
  }

  private static List<String> nonBlank(PluginConfig c, String name) {
    List<String> values = new ArrayList<>();
    for (String v : c.strings(name)) {
      if (v.isBlank()) {
        throw c.error(name, "has an empty column name");
      }
      values.add(v.trim());
    }
    return values;
  }
}
