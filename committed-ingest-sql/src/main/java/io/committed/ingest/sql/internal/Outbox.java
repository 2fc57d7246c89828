package io.committed.ingest.sql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.committed.api.Entity;
import io.committed.api.EntityKeys;
import io.committed.api.JsonSyntax;
import io.committed.spi.PluginConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An outbox table ({@code [[sql.outbox]]}): each inserted row becomes one upsert whose type is the
 * row's aggregate type (or a fixed type), whose key is its aggregate id and whose data is
 * {@code {"payload": <payload>, <field>: <value>...}}. Updates and deletes of the table are ignored,
 * so an application may delete its outbox rows right after inserting them. Defaults follow
 * Debezium's outbox convention.
 *
 * @param table the outbox table
 * @param typeColumn the column naming the aggregate type (the entity's type unless {@code fixedType})
 * @param fixedType the entity type of every row, the aggregate type then carried as a field; null to route by
 *     {@code typeColumn}
 * @param keyColumn the aggregate id column (the entity key)
 * @param payloadColumn the payload column (JSON embedded as JSON, text as a string)
 * @param fields the columns carried as fields of the data, in order
 * @param fieldsDefaulted true when {@code fields} are the defaults: those the table lacks are left out
 */
public record Outbox(TableName table, String typeColumn, String fixedType, String keyColumn, String payloadColumn,
    List<String> fields, boolean fieldsDefaulted) {

  /** The settings of one {@code [[sql.outbox]]}. */
  public static final Set<String> FIELDS = Set.of("table", "typeColumn", "type", "keyColumn", "payloadColumn",
      "fields");
  /** The field of the data that holds the payload. */
  public static final String PAYLOAD_FIELD = "payload";

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /**
   * The {@code [[outbox]]} tables of {@code section}; none may also feed a topic of {@code topics}.
   *
   * @throws io.committed.api.ConfigException naming the field at fault
   */
  public static List<Outbox> parse(SqlConfig config, PluginConfig section, List<TopicSpec> topics) {
    if (section.has("outbox") && section.sections("outbox").isEmpty()) {
      throw section.error("outbox", "must be an array of tables ([[" + section.path() + ".outbox]])");
    }
    List<Outbox> out = new ArrayList<>();
    TreeMap<TableName, Boolean> seen = new TreeMap<>();
    for (PluginConfig c : section.sections("outbox")) {
      config.checkNames(c, FIELDS);
      String text = c.requireString("table");
      TableName t = TableName.parse(text, config.defaultSchema());
      if (t == null) {
        throw c.error("table", "is a malformed table name '" + text + "': write " + config.tableForm()
            + " or table (no quotes)");
      }
      if (seen.put(t, true) != null) {
        throw c.error("table", "declares " + t + " an outbox twice");
      }
      TopicSpec.topicOf(topics, t).ifPresent(s -> {
        throw c.error("table", t + " is an outbox and also a table of topic '" + s.topic() + "': an outbox table"
            + " feeds no topic of its own, remove it from one or the other");
      });
      String fixed = null;
      if (c.has("type")) {
        fixed = c.requireString("type").trim();
        if (!Entity.TYPE_ID_PATTERN.matcher(fixed).matches() || fixed.startsWith("_")) {
          throw c.error("type", "'" + fixed + "' is not a valid type id: use 1 to 128 letters, digits, '_', '.' or"
              + " '-', not starting with '_'");
        }
      }
      String type = column(c, "typeColumn", "aggregatetype");
      String key = column(c, "keyColumn", "aggregateid");
      String payload = column(c, "payloadColumn", "payload");
      boolean defaulted = !c.has("fields");
      List<String> fields = new ArrayList<>();
      for (String f : defaulted ? List.of("id", "type") : c.strings("fields")) {
        if (f.isBlank()) {
          throw c.error("fields", "has an empty column name");
        }
        String name = f.trim();
        if (fields.contains(name)) {
          throw c.error("fields", "names '" + name + "' twice");
        }
        if (name.equals(payload) || name.equals(key) || (fixed == null && name.equals(type))) {
          throw c.error("fields", "names '" + name + "', which is already the " + (name.equals(payload) ? "payload"
              : name.equals(key) ? "key" : "type") + " column");
        }
        if (name.equals(PAYLOAD_FIELD) || (fixed != null && name.equals(type))) {
          throw c.error("fields", "names '" + name + "', a field the outbox writes itself");
        }
        fields.add(name);
      }
      out.add(new Outbox(t, type, fixed, key, payload, List.copyOf(fields), defaulted));
    }
    return List.copyOf(out);
  }

  private static String column(PluginConfig c, String field, String fallback) {
    if (!c.has(field)) {
      return fallback;
    }
    String v = c.requireString(field).trim();
    if (v.isEmpty()) {
      throw c.error(field, "must not be empty");
    }
    return v;
  }

  /** Every outbox table of {@code outboxes}, in order. */
  public static List<TableName> tablesOf(List<Outbox> outboxes) {
    return outboxes.stream().map(Outbox::table).toList();
  }

  /** The outbox of {@code outboxes} declared for {@code table}, if any. */
  public static Optional<Outbox> of(List<Outbox> outboxes, TableName table) {
    return outboxes.stream().filter(o -> o.table().equals(table)).findFirst();
  }

  /**
   * The columns this outbox reads, checked against the table's {@code columns}: the type, key and
   * payload columns and the configured fields must exist (defaulted fields the table lacks are left
   * out).
   *
   * @throws SourceException naming the setting and the missing column
   */
  public List<String> fieldsOf(List<String> columns) {
    check(columns, "typeColumn", typeColumn);
    check(columns, "keyColumn", keyColumn);
    check(columns, "payloadColumn", payloadColumn);
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      if (columns.contains(f)) {
        out.add(f);
      } else if (!fieldsDefaulted) {
        throw new SourceException("outbox " + table + ": fields names '" + f + "', which is not a column of " + table
            + " (columns: " + columns + ")");
      }
    }
    return out;
  }

  private void check(List<String> columns, String setting, String column) {
    if (!columns.contains(column)) {
      throw new SourceException("outbox " + table + ": " + setting + " '" + column + "' is not a column of " + table
          + " (columns: " + columns + "); name the column in [[sql.outbox]] " + setting);
    }
  }

  /**
   * Turns inserted rows of the outbox table into entities. A row is its values' texts in the order
   * of {@code columns}, as for {@link RowEncoder}. Not thread-safe.
   *
   * @param <C> the source's description of a column
   */
  public static final class Encoder<C> {
    private final Outbox outbox;
    private final int typeIndex;
    private final int keyIndex;
    private final ValueFormat keyFormat;
    private final int payloadIndex;
    private final ValueFormat payloadFormat;
    private final int[] fieldIndex;
    private final String[] fieldName;
    private final ValueFormat[] fieldFormat;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

    /**
     * @throws SourceException when a column the outbox reads is not among {@code columns}
     */
    public Encoder(Outbox outbox, List<C> columns, Function<C, String> nameOf,
        Function<C, ? extends ValueFormat> formatOf) {
      this.outbox = outbox;
      List<String> names = columns.stream().map(nameOf).toList();
      List<String> fields = outbox.fieldsOf(names);
      typeIndex = names.indexOf(outbox.typeColumn());
      keyIndex = names.indexOf(outbox.keyColumn());
      keyFormat = formatOf.apply(columns.get(keyIndex));
      payloadIndex = names.indexOf(outbox.payloadColumn());
      payloadFormat = formatOf.apply(columns.get(payloadIndex));
      List<String> carried = new ArrayList<>();
      if (outbox.fixedType() != null) {
        carried.add(outbox.typeColumn());
      }
      carried.addAll(fields);
      fieldIndex = carried.stream().mapToInt(names::indexOf).toArray();
      fieldName = carried.toArray(String[]::new);
      fieldFormat = new ValueFormat[fieldIndex.length];
      for (int f = 0; f < fieldIndex.length; f++) {
        fieldFormat[f] = formatOf.apply(columns.get(fieldIndex[f]));
      }
    }

    public Outbox outbox() {
      return outbox;
    }

    /**
     * The upsert for an inserted row.
     *
     * @throws SourceException when the row has no aggregate type or id, or its aggregate type is not a valid type
     *     id (retrying the row cannot help)
     */
    public Entity entity(String[] row) {
      String type = outbox.fixedType();
      if (type == null) {
        type = value(row, typeIndex);
        if (type == null) {
          throw new SourceException("a row of outbox " + outbox.table() + " has no aggregate type (column '"
              + outbox.typeColumn() + "' is null)");
        }
        if (!Entity.TYPE_ID_PATTERN.matcher(type).matches() || type.startsWith("_")) {
          throw new SourceException("a row of outbox " + outbox.table() + " has aggregate type '" + type + "' (column '"
              + outbox.typeColumn() + "'), which is not a valid type id: use 1 to 128 letters, digits, '_', '.'"
              + " or '-', not starting with '_'");
        }
      }
      String id = value(row, keyIndex);
      if (id == null) {
        throw new SourceException("a row of outbox " + outbox.table() + " has no aggregate id (column '"
            + outbox.keyColumn() + "' is null)");
      }
      return Entity.upsert(type, EntityKeys.encode(List.of(keyFormat.keyText(id))), data(row));
    }

    private byte[] data(String[] row) {
      buffer.reset();
      try (JsonGenerator g = JSON.createGenerator(buffer)) {
        g.writeStartObject();
        g.writeFieldName(PAYLOAD_FIELD);
        String p = value(row, payloadIndex);
        if (p == null) {
          g.writeNull();
        } else if ((payloadFormat.json() || looksStructured(p)) && JsonSyntax.isValue(p)) {
          g.writeRawValue(p);
        } else {
          g.writeString(p); // plain text, or a JSON column holding invalid JSON (MariaDB without the check)
        }
        for (int f = 0; f < fieldIndex.length; f++) {
          g.writeFieldName(fieldName[f]);
          String v = value(row, fieldIndex[f]);
          if (v == null) {
            g.writeNull();
          } else {
            fieldFormat[f].write(g, v);
          }
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot convert a row of outbox " + outbox.table() + ": " + e.getMessage(), e);
      }
      return buffer.toByteArray();
    }

    private static String value(String[] row, int i) {
      return i < 0 || i >= row.length ? null : row[i];
    }
  }

  /** Text holding a JSON object or array is the payload's JSON; other text ("42", "true") stays a string. */
  private static boolean looksStructured(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (!Character.isWhitespace(ch)) {
        return ch == '{' || ch == '[';
      }
    }
    return false;
  }
}
