package io.committed.ingest.sql.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One topic of an ingestable: the tables whose rows become entities of that type, and how.
 *
 * @param topic the type id the entities are written as
 * @param tables the tables captured into it
 * @param primaryKey the key columns, in key order; empty to use each table's primary key
 * @param mapAllColumns true to map every column (except {@code excludeColumns}); false to map only
 *     {@code mappings}
 * @param excludeColumns columns left out of the data when mapping all columns
 * @param jsonColumns text columns whose content is JSON, embedded as JSON rather than a string
 * @param mappings column name to JSON field name, in document order
 */
public record TopicSpec(
    String topic,
    List<TableName> tables,
    List<String> primaryKey,
    boolean mapAllColumns,
    Set<String> excludeColumns,
    Set<String> jsonColumns,
    Map<String, String> mappings) {

  /** Every table of {@code topics}, in order. */
  public static List<TableName> tablesOf(List<TopicSpec> topics) {
    List<TableName> out = new ArrayList<>();
    topics.forEach(t -> out.addAll(t.tables()));
    return out;
  }

  /**
   * The tables a request to copy {@code names} again covers: every table of each named table's
   * topic (a topic is reconciled with all its tables at once), in config order.
   *
   * @param defaultSchema the schema of a name without one (null: names must have one)
   * @param form how a table name is written, for the error (e.g. {@code database.table})
   * @throws IllegalArgumentException naming a table that is not one, or that no topic captures
   */
  public static List<String> tablesToCopyAgain(List<TopicSpec> topics, List<String> names, String defaultSchema,
      String form) {
    java.util.Set<String> topicsAsked = new java.util.HashSet<>();
    for (String n : names) {
      TableName t = TableName.parse(n, defaultSchema);
      if (t == null) {
        throw new IllegalArgumentException("'" + n + "' is not a table name: write " + form);
      }
      TopicSpec topic = topicOf(topics, t).orElseThrow(() -> new IllegalArgumentException("table '" + n + "' is not"
          + " captured by this ingestable (its tables: " + tablesOf(topics) + ")"));
      topicsAsked.add(topic.topic());
    }
    return topics.stream().filter(t -> topicsAsked.contains(t.topic())).flatMap(t -> t.tables().stream())
        .map(TableName::toString).toList();
  }

  /** The topic of {@code topics} that captures {@code table}, if any. */
  public static Optional<TopicSpec> topicOf(List<TopicSpec> topics, TableName table) {
    return topics.stream().filter(t -> t.tables().contains(table)).findFirst();
  }

  /**
   * The key of table {@code t} of this topic: the configured {@code primaryKey}, else the table's.
   *
   * @param tablePrimaryKey the table's primary key columns, in key order (possibly none)
   * @param columns the table's column names
   * @throws SourceException when there is no key, or a key, mapped or JSON column is not a column
   */
  public List<String> keyOf(TableName t, List<String> tablePrimaryKey, List<String> columns) {
    List<String> key = primaryKey.isEmpty() ? tablePrimaryKey : primaryKey;
    if (key.isEmpty()) {
      throw new SourceException("table " + t + " has no primary key: add one, or name the key columns in primaryKey");
    }
    for (String k : key) {
      if (!columns.contains(k)) {
        throw new SourceException("primaryKey column '" + k + "' is not a column of " + t + " (columns: " + columns
            + ")");
      }
    }
    for (String c : mappings.keySet()) {
      if (!columns.contains(c)) {
        throw new SourceException("mapped column '" + c + "' is not a column of " + t + " (columns: " + columns + ")");
      }
    }
    for (String c : jsonColumns) {
      if (!columns.contains(c)) {
        throw new SourceException("jsonColumns names '" + c + "', which is not a column of " + t);
      }
    }
    return List.copyOf(key);
  }
}
