package io.committed.ingest.sql.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema of a topic's entities, from its tables' columns as the topic maps them (the
 * fields {@link RowEncoder} writes): per field its JSON types, with {@code null} added for a
 * nullable column, and the SQL type in {@code $comment}; fields of key or {@code NOT NULL} columns
 * in {@code required}. A topic of several tables has every field of any of them; a field is
 * required only when every table has it as a key or {@code NOT NULL} column, and takes the types of
 * all of them. The top-level {@code $comment} names the tables and their key columns.
 */
public final class TopicSchema {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TopicSchema() {}

  /** A table column: its name, SQL type (as the catalog writes it), nullability and value format. */
  public record Column(String name, String sqlType, boolean nullable, ValueFormat format) {}

  /** A table's columns, in table order, and its key columns in key order. */
  public record Table(TableName name, List<Column> columns, List<String> keyColumns) {}

  /** The schema, as compact JSON with fields in the order of the tables' columns. */
  public static String of(TopicSpec spec, List<Table> tables) {
    Map<String, ObjectNode> properties = new LinkedHashMap<>();
    Map<String, Integer> requiredIn = new LinkedHashMap<>();
    List<String> comments = new ArrayList<>();
    for (Table t : tables) {
      comments.add(t.name() + " (key " + String.join(", ", t.keyColumns()) + ")");
      for (Column c : t.columns()) {
        String field = fieldOf(spec, c.name());
        if (field == null) {
          continue;
        }
        boolean json = c.format().json() || spec.jsonColumns().contains(c.name());
        ObjectNode p = properties.computeIfAbsent(field, f -> JSON.createObjectNode());
        List<String> types = new ArrayList<>();
        if (p.has("type")) {
          p.get("type").forEach(x -> types.add(x.asText()));
        }
        if (json || p.has("$anyJson")) {
          p.put("$anyJson", true);
        } else {
          c.format().jsonTypes().forEach(x -> {
            if (!types.contains(x)) {
              types.add(x);
            }
          });
          if (c.nullable() && !types.contains("null")) {
            types.add("null");
          }
        }
        ArrayNode typeArray = p.putArray("type");
        types.forEach(typeArray::add);
        String comment = c.sqlType() + (c.nullable() ? "" : " not null")
            + (t.keyColumns().contains(c.name()) ? ", key" : "") + (tables.size() > 1 ? " (" + t.name() + ")" : "");
        p.put("$comment", p.has("$comment") ? p.get("$comment").asText() + "; " + comment : comment);
        if (!c.nullable() || t.keyColumns().contains(c.name())) {
          requiredIn.merge(field, 1, Integer::sum);
        }
      }
    }
    ObjectNode schema = JSON.createObjectNode();
    schema.put("type", "object");
    schema.put("$comment", "generated from " + String.join(", ", comments));
    ObjectNode props = schema.putObject("properties");
    properties.forEach((field, p) -> {
      if (p.remove("$anyJson") != null) {
        p.remove("type"); // a JSON document may be any JSON value
      } else if (p.get("type").size() == 1) {
        p.put("type", p.get("type").get(0).asText());
      }
      props.set(field, p);
    });
    ArrayNode required = schema.putArray("required");
    requiredIn.forEach((field, n) -> {
      if (n == tables.size()) {
        required.add(field);
      }
    });
    return schema.toString();
  }

  /** The field a column is written as, or null when the topic does not map it (as {@link RowEncoder}). */
  private static String fieldOf(TopicSpec spec, String column) {
    if (spec.mapAllColumns()) {
      return spec.excludeColumns().contains(column) ? null : spec.mappings().getOrDefault(column, column);
    }
    return spec.mappings().get(column);
  }
}
