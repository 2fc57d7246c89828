package io.committed.ingest.postgres.internal;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The parsed and checked {@code [sql]} section of a PostgreSQL ingestable, in the original's shape:
 * a flat form ({@code topic}, {@code tables}, ...) or {@code [[sql.topics]]}, and
 * {@code [sql.postgres]} for the slot.
 *
 * @param jdbcUrl the JDBC URL, {@code ${VAR}}s resolved
 * @param slot the replication slot's name
 * @param publication the publication's name
 * @param batchSize rows per snapshot batch (one proposal each)
 * @param heartbeat how often an idle stream writes a heartbeat message; zero to never
 * @param statusInterval how often standby status, lag and slot health are refreshed
 * @param onSlotLost what to do when the slot was lost or recreated
 * @param dropSlotOnRemove drop the slot (and a publication Committed created) when the ingestable is removed
 * @param initialSnapshot copy the tables' existing rows before streaming
 * @param topics the topics, each with its tables
 */
public record PgSettings(
    String jdbcUrl,
    String slot,
    String publication,
    int batchSize,
    Duration heartbeat,
    Duration statusInterval,
    OnSlotLost onSlotLost,
    boolean dropSlotOnRemove,
    boolean initialSnapshot,
    List<TopicSpec> topics) {

  /** What to do when the replication slot was lost or recreated since the last committed position. */
  public enum OnSlotLost {
    /** Refuse to continue; an operator decides (the default). */
    PARK,
    /** Recreate the slot and copy the tables again. */
    RESNAPSHOT
  }

  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
  private static final Pattern PUBLICATION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Set<String> TOP_FIELDS = Set.of("dialect", "connectionString", "topics", "postgres");
  private static final Set<String> TOPIC_FIELDS = Set.of("topic", "tables", "table", "primaryKey",
      "mapAllColumns", "excludeColumns", "jsonColumns", "mappings");
  private static final Set<String> PG_FIELDS = Set.of("slot_name", "publication", "batch_size",
      "heartbeat_interval", "status_interval", "on_slot_lost", "drop_slot_on_remove", "snapshot");

  /** The default slot and publication name of an ingestable: {@code committed_} and its id. */
  public static String defaultName(String ingestableId) {
    String s = "committed_" + ingestableId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  /**
   * Parses and checks {@code section} (the {@code [sql]} table).
   *
   * @throws ConfigException naming the field at fault
   */
  public static PgSettings parse(String ingestableId, PluginConfig section) {
    checkNames(section, union(TOP_FIELDS, TOPIC_FIELDS));
    String url = jdbcUrl(section);
    PluginConfig pg = section.section("postgres").orElse(null);
    if (pg != null) {
      checkNames(pg, PG_FIELDS);
    }
    String slot = pgString(pg, "slot_name").orElse(defaultName(ingestableId));
    if (!SLOT_NAME.matcher(slot).matches()) {
      throw pg.error("slot_name", "'" + slot + "' is not a valid slot name: use 1 to 63 lower-case letters,"
          + " digits and '_'");
    }
    String publication = pgString(pg, "publication").orElse(defaultName(ingestableId));
    if (!PUBLICATION_NAME.matcher(publication).matches()) {
      throw pg.error("publication", "'" + publication + "' is not a valid publication name: use 1 to 63 letters,"
          + " digits and '_', not starting with a digit");
    }
    long batch = pg == null ? 10_000 : pg.integer("batch_size", 10_000);
    if (batch < 1 || batch > 1_000_000) {
      throw pg.error("batch_size", "must be between 1 and 1000000, was " + batch);
    }
    Duration heartbeat = duration(pg, "heartbeat_interval", Duration.ofSeconds(10), true);
    Duration status = duration(pg, "status_interval", Duration.ofSeconds(10), false);
    OnSlotLost onLost = switch (pgString(pg, "on_slot_lost").orElse("park").toLowerCase(Locale.ROOT)) {
      case "park" -> OnSlotLost.PARK;
      case "resnapshot" -> OnSlotLost.RESNAPSHOT;
      default -> throw pg.error("on_slot_lost", "must be \"park\" or \"resnapshot\", not '"
          + pgString(pg, "on_slot_lost").orElse("") + "'");
    };
    boolean drop = pg == null || pg.bool("drop_slot_on_remove", true);
    boolean snapshot = switch (pgString(pg, "snapshot").orElse("initial").toLowerCase(Locale.ROOT)) {
      case "initial" -> true;
      case "never" -> false;
      default -> throw pg.error("snapshot", "must be \"initial\" or \"never\", not '"
          + pgString(pg, "snapshot").orElse("") + "'");
    };
    List<TopicSpec> topics = topics(section);
    return new PgSettings(url, slot, publication, (int) batch, heartbeat, status, onLost, drop, snapshot, topics);
  }

  /** Every table of every topic, in order. */
  public List<TableName> tables() {
    List<TableName> out = new ArrayList<>();
    topics.forEach(t -> out.addAll(t.tables()));
    return out;
  }

  /** The topic that captures {@code table}, if any. */
  public Optional<TopicSpec> topicOf(TableName table) {
    return topics.stream().filter(t -> t.tables().contains(table)).findFirst();
  }

  private static String jdbcUrl(PluginConfig section) {
    String raw = section.requireString("connectionString").trim();
    if (raw.startsWith("jdbc:postgresql:")) {
      return raw;
    }
    if (raw.startsWith("postgres://") || raw.startsWith("postgresql://")) {
      // the original's URL form: postgres://user@host:port/db?param=value
      String rest = raw.substring(raw.indexOf("://") + 3);
      String user = null;
      int at = rest.indexOf('@');
      int slash = rest.indexOf('/');
      if (at >= 0 && (slash < 0 || at < slash)) {
        user = rest.substring(0, at);
        rest = rest.substring(at + 1);
        if (user.contains(":")) {
          throw section.error("connectionString", "has a password in 'user:password@': write password=${VAR}"
              + " as a parameter instead");
        }
      }
      String url = "jdbc:postgresql://" + rest;
      if (user != null && !user.isEmpty()) {
        url += (url.contains("?") ? "&" : "?") + "user=" + user;
      }
      return url;
    }
    throw section.error("connectionString", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db?user=...)"
        + " or postgres://user@host:port/db, not '" + raw.replaceAll("password=[^&]*", "password=***") + "'");
  }

  private static List<TopicSpec> topics(PluginConfig section) {
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

  private static TopicSpec topic(PluginConfig c) {
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
      throw c.error("tables", "is required: the tables to capture, e.g. tables = [\"public.orders\"]");
    }
    Set<TableName> tables = new LinkedHashSet<>();
    for (String n : names) {
      TableName t = TableName.parse(n);
      if (t == null) {
        throw c.error(tablesField, "has a malformed table name '" + n + "': write schema.table or table (no quotes)");
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
        java.util.Collections.unmodifiableMap(mappings));
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

  private static Optional<String> pgString(PluginConfig pg, String name) {
    return pg == null ? Optional.empty() : pg.string(name).map(String::trim);
  }

  private static Duration duration(PluginConfig pg, String name, Duration dflt, boolean zeroAllowed) {
    Duration d = pg == null ? dflt : pg.duration(name).orElse(dflt);
    if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(Duration.ofHours(1)) > 0) {
      throw pg.error(name, "must be " + (zeroAllowed ? "0 (off) or " : "") + "between 1ms and 1h, was " + d);
    }
    return d;
  }

  private static void checkNames(PluginConfig c, Set<String> known) {
    Set<String> lower = new java.util.HashSet<>();
    known.forEach(k -> lower.add(k.toLowerCase(Locale.ROOT)));
    for (String n : c.names()) {
      if (!lower.contains(n.toLowerCase(Locale.ROOT))) {
        throw c.error(n, "is not a setting of a PostgreSQL ingestable; known here: " + String.join(", ",
            new java.util.TreeSet<>(known)));
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new java.util.HashSet<>(a);
    s.addAll(b);
    return s;
  }
}
