package io.committed.sync.routing;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One entity of one entry, as templates see it. The data is parsed as JSON at most once, on the
 * first {@code ${data.…}} placeholder. Not thread-safe; made per entity.
 */
public final class RenderContext {
  private final String syncableId;
  private final LogEntry entry;
  private final int position;
  private final Entity entity;
  private Object json;
  private String jsonProblem;

  /**
   * @param syncableId the syncable's id
   * @param entry the entry as the syncable received it
   * @param position the entity's index in {@code entry.entities()}
   */
  public RenderContext(String syncableId, LogEntry entry, int position) {
    this.syncableId = syncableId;
    this.entry = entry;
    this.position = position;
    this.entity = entry.entities().get(position);
  }

  /** The entity. */
  public Entity entity() {
    return entity;
  }

  /** Its entry. */
  public LogEntry entry() {
    return entry;
  }

  /** Its 0-based position among the entry's entities. */
  public int position() {
    return position;
  }

  /** The syncable's id. */
  public String syncableId() {
    return syncableId;
  }

  /** "entry 12, entity 0 (upsert of orders key '42')": for error messages; the data is never shown. */
  public String describe() {
    String key = entity.keyAsString();
    String shown = key.length() <= 60 ? key : key.substring(0, 57) + "...";
    if (shown.chars().anyMatch(c -> c < 0x20)) {
      shown = entity.keyLength() <= 30 ? "0x" + HexFormat.of().formatHex(entity.key()) : entity.keyLength() + " bytes";
    }
    return "entry " + entry.index() + ", entity " + position + " (" + (entity.delete() ? "delete" : "upsert")
        + " of " + entity.typeId() + " key '" + shown + "')";
  }

  byte[] value(String name) {
    return switch (name) {
      case "type" -> utf8(entity.typeId());
      case "key" -> entity.key();
      case "index" -> utf8(Long.toString(entry.index()));
      case "position" -> utf8(Integer.toString(position));
      case "typeVersion" -> utf8(Integer.toString(entry.typeVersion(entity.typeId())));
      case "timestamp" -> utf8(entry.timestamp().toString());
      case "syncable" -> utf8(syncableId);
      default -> throw new IllegalStateException("unknown placeholder " + name);
    };
  }

  byte[] dataField(String name, List<String> path) throws RoutingException {
    if (entity.delete()) {
      throw new RoutingException(describe() + ": ${" + name + "} reads the data, and a delete has none");
    }
    if (json == null && jsonProblem == null) {
      try {
        json = Json.parse(entity.dataAsString());
      } catch (IllegalArgumentException e) {
        jsonProblem = e.getMessage();
      }
    }
    if (jsonProblem != null) {
      throw new RoutingException(describe() + ": ${" + name + "} needs JSON data, and the data is not JSON ("
          + jsonProblem + ")");
    }
    Object v = Json.select(json, path);
    if (v == null) {
      throw new RoutingException(describe() + ": the data has no field " + String.join(".", path) + " for ${"
          + name + "}");
    }
    if (v == Json.NULL || v instanceof Map || v instanceof List) {
      String what = v == Json.NULL ? "null" : v instanceof Map ? "an object" : "an array";
      throw new RoutingException(describe() + ": field " + String.join(".", path) + " for ${" + name + "} is "
          + what + "; route on a string, number or boolean");
    }
    return utf8(v.toString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
