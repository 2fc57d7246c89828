package io.committed.ingest.mysql.internal;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parsed and checked {@code [sql]} section of a MySQL or MariaDB ingestable, in the shape of
 * the PostgreSQL one: a flat form ({@code topic}, {@code tables}, ...) or {@code [[sql.topics]]},
 * and {@code [sql.mysql]} for the binlog client (for both dialects).
 *
 * @param dialect the server family
 * @param address the server and the user
 * @param serverId the binlog client's server id, unique among the source's replicas
 * @param positionMode how positions are kept and resumed from
 * @param batchSize rows per snapshot chunk (one proposal each)
 * @param heartbeat how often an idle server sends a heartbeat event; zero to never
 * @param statusInterval how often lag, retention and status are refreshed
 * @param connectTimeout how long connecting to the server may take
 * @param onPositionLost what to do when the binlog no longer has the committed position
 * @param initialSnapshot copy the tables' existing rows before streaming
 * @param topics the topics, each with its tables
 */
public record MySqlSettings(
    Dialect dialect,
    SourceAddress address,
    long serverId,
    PositionMode positionMode,
    int batchSize,
    Duration heartbeat,
    Duration statusInterval,
    Duration connectTimeout,
    OnPositionLost onPositionLost,
    boolean initialSnapshot,
    List<TopicSpec> topics) {

  /** How positions are kept. */
  public enum PositionMode {
    /** GTIDs where the server has them (MariaDB always; MySQL with gtid_mode = ON), else file+position. */
    AUTO,
    /** GTIDs, or a clear error when the server has none. */
    GTID,
    /** Binlog file and position only (not valid across a failover to another server). */
    FILE
  }

  /** What to do when the binary log was purged past the committed position. */
  public enum OnPositionLost {
    /** Refuse to continue; an operator decides (the default). */
    PARK,
    /** Copy the tables again, deleting the keys they no longer have. */
    RESNAPSHOT
  }

  /** The largest server id MySQL accepts (32 bits, unsigned). */
  static final long MAX_SERVER_ID = 4_294_967_295L;

  private static final Set<String> TOP_FIELDS = Set.of("dialect", "connectionString", "topics", "mysql");
  private static final Set<String> TOPIC_FIELDS = Set.of("topic", "tables", "table", "primaryKey",
      "mapAllColumns", "excludeColumns", "jsonColumns", "mappings");
  private static final Set<String> MYSQL_FIELDS = Set.of("server_id", "position", "batch_size",
      "heartbeat_interval", "status_interval", "connect_timeout", "on_position_lost", "snapshot");

  /**
   * The default server id of an ingestable: 1,000,000,000 plus a hash of its id, far from the small
   * ids servers and ordinary replicas use, and the same on every node.
   */
  public static long defaultServerId(String ingestableId) {
    return 1_000_000_000L + Math.floorMod(ingestableId.hashCode(), 1_000_000_000);
  }

  /**
   * Parses and checks {@code section} (the {@code [sql]} table).
   *
   * @throws ConfigException naming the field at fault
   */
  public static MySqlSettings parse(Dialect dialect, String ingestableId, PluginConfig section) {
    checkNames(section, union(TOP_FIELDS, TOPIC_FIELDS));
    String declared = section.string("dialect").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(dialect.id());
    if (!declared.equals(dialect.id())) {
      throw section.error("dialect", "is '" + declared + "', but this is the " + dialect.id() + " ingestable");
    }
    SourceAddress address;
    try {
      address = SourceAddress.parse(section.requireString("connectionString"));
    } catch (IllegalArgumentException e) {
      throw section.error("connectionString", e.getMessage());
    }
    PluginConfig my = section.section("mysql").orElse(null);
    if (my != null) {
      checkNames(my, MYSQL_FIELDS);
    }
    long serverId = my == null ? defaultServerId(ingestableId) : my.integer("server_id", defaultServerId(ingestableId));
    if (serverId < 1 || serverId > MAX_SERVER_ID) {
      throw my.error("server_id", "must be between 1 and " + MAX_SERVER_ID + ", was " + serverId);
    }
    PositionMode mode = switch (string(my, "position").orElse("auto").toLowerCase(Locale.ROOT)) {
      case "auto" -> PositionMode.AUTO;
      case "gtid" -> PositionMode.GTID;
      case "file" -> PositionMode.FILE;
      default -> throw my.error("position", "must be \"auto\", \"gtid\" or \"file\", not '"
          + string(my, "position").orElse("") + "'");
    };
    long batch = my == null ? 10_000 : my.integer("batch_size", 10_000);
    if (batch < 1 || batch > 1_000_000) {
      throw my.error("batch_size", "must be between 1 and 1000000, was " + batch);
    }
    Duration heartbeat = duration(my, "heartbeat_interval", Duration.ofSeconds(10), true);
    Duration status = duration(my, "status_interval", Duration.ofSeconds(10), false);
    Duration connect = duration(my, "connect_timeout", Duration.ofSeconds(10), false);
    OnPositionLost onLost = switch (string(my, "on_position_lost").orElse("park").toLowerCase(Locale.ROOT)) {
      case "park" -> OnPositionLost.PARK;
      case "resnapshot" -> OnPositionLost.RESNAPSHOT;
      default -> throw my.error("on_position_lost", "must be \"park\" or \"resnapshot\", not '"
          + string(my, "on_position_lost").orElse("") + "'");
    };
    boolean snapshot = switch (string(my, "snapshot").orElse("initial").toLowerCase(Locale.ROOT)) {
      case "initial" -> true;
      case "never" -> false;
      default -> throw my.error("snapshot", "must be \"initial\" or \"never\", not '"
          + string(my, "snapshot").orElse("") + "'");
    };
    List<TopicSpec> topics = topics(section, address.database());
    return new MySqlSettings(dialect, address, serverId, mode, (int) batch, heartbeat, status, connect, onLost,
        snapshot, topics);
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

  private static List<TopicSpec> topics(PluginConfig section, String defaultDatabase) {
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
      out.add(topic(section, defaultDatabase));
    } else {
      for (PluginConfig t : many) {
        checkNames(t, TOPIC_FIELDS);
        out.add(topic(t, defaultDatabase));
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

  private static TopicSpec topic(PluginConfig c, String defaultDatabase) {
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
      throw c.error("tables", "is required: the tables to capture, e.g. tables = [\"shop.orders\"]");
    }
    Set<TableName> tables = new LinkedHashSet<>();
    for (String n : names) {
      TableName t = TableName.parse(n, defaultDatabase);
      if (t == null) {
        throw c.error(tablesField, "has a malformed table name '" + n + "': write database.table or table (no quotes)");
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

  private static Optional<String> string(PluginConfig my, String name) {
    return my == null ? Optional.empty() : my.string(name).map(String::trim);
  }

  private static Duration duration(PluginConfig my, String name, Duration dflt, boolean zeroAllowed) {
    Duration d = my == null ? dflt : my.duration(name).orElse(dflt);
    if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(Duration.ofHours(1)) > 0) {
      throw my.error(name, "must be " + (zeroAllowed ? "0 (off) or " : "") + "between 1ms and 1h, was " + d);
    }
    return d;
  }

  private static void checkNames(PluginConfig c, Set<String> known) {
    Set<String> lower = new HashSet<>();
    known.forEach(k -> lower.add(k.toLowerCase(Locale.ROOT)));
    for (String n : c.names()) {
      if (!lower.contains(n.toLowerCase(Locale.ROOT))) {
        throw c.error(n, "is not a setting of a MySQL/MariaDB ingestable; known here: "
            + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new HashSet<>(a);
    s.addAll(b);
    return s;
  }
}
