package io.committed.sync.routing;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.JsonSyntax;
import io.committed.api.LogEntry;
import io.committed.spi.PluginConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the entities of an entry into broker messages, from the routing fields of a syncable's
 * section (documented in {@code docs/broker-sync.md}):
 *
 * <pre>
 * subject = "orders.${type}.${key}"     # the destination template; its field name is the broker's
 * deleteSubject = "orders.deleted"      # optional: where deletes go (default: the same template)
 * body = "data"                         # or "envelope"
 * deletes = "tombstone"                 # or "message" (deleteBody, or the envelope), or "skip"
 * deleteBody = '{"id":"${key}","deleted":true}'
 * [[nats.headers]]
 * name = "Aggregate-Id"
 * value = "${data.aggregate_id}"
 * </pre>
 *
 * <p>Immutable and thread-safe once parsed.
 */
public final class Router {

  /** What the message body is. */
  public enum Body {
    /** The entity's data, byte for byte. */
    DATA,
    /** A JSON envelope with the entity's metadata and its data (see {@code docs/broker-sync.md}). */
    ENVELOPE
  }

  /** What a delete becomes. */
  public enum Deletes {
    /** An empty body marked {@code Committed-Operation: delete} (Kafka: a null value). */
    TOMBSTONE,
    /** A message whose body is {@code deleteBody}, or the envelope with {@code "op":"delete"}. */
    MESSAGE,
    /** Nothing: deletes are not published. */
    SKIP
  }

  /**
   * How a broker names things.
   *
   * @param destinationField the section's field holding the destination template, e.g. {@code subject}
   * @param deleteDestinationField the field holding the deletes' template, e.g. {@code deleteSubject}
   * @param syntax the broker's destination syntax
   */
  public record Options(String destinationField, String deleteDestinationField, DestinationSyntax syntax) {}

  private record HeaderTemplate(String name, Template value) {}

  private final String syncableId;
  private final DestinationSyntax syntax;
  private final Template destination;
  private final Template deleteDestination;
  private final Body body;
  private final Deletes deletes;
  private final Template deleteBody;
  private final List<HeaderTemplate> headers;

  private Router(String syncableId, DestinationSyntax syntax, Template destination, Template deleteDestination,
      Body body, Deletes deletes, Template deleteBody, List<HeaderTemplate> headers) {
    this.syncableId = syncableId;
    this.syntax = syntax;
    this.destination = destination;
    this.deleteDestination = deleteDestination;
    this.body = body;
    this.deletes = deletes;
    this.deleteBody = deleteBody;
    this.headers = List.copyOf(headers);
  }

  /**
   * Reads and checks the routing fields of {@code section}.
   *
   * @throws ConfigException naming the field at fault
   */
  public static Router parse(PluginConfig section, String syncableId, Options options) {
    String destField = options.destinationField();
    String deleteField = options.deleteDestinationField();
    Template destination = destination(section, destField, options.syntax(),
        raw(section, destField));
    Body body = choice(section, "body", Body.class, Body.DATA);
    Deletes deletes = choice(section, "deletes", Deletes.class, Deletes.TOMBSTONE);

    Template deleteDestination = destination;
    if (section.has(deleteField)) {
      deleteDestination = destination(section, deleteField, options.syntax(), raw(section, deleteField));
      if (deleteDestination.usesData()) {
        throw section.error(deleteField, "'" + deleteDestination + "' reads the data (${data.…}), which a delete"
            + " does not have");
      }
    } else if (deletes != Deletes.SKIP && destination.usesData()) {
      throw section.error(destField, "'" + destination + "' reads the data (${data.…}), which a delete does not"
          + " have: set " + section.path() + "." + deleteField + " for deletes, or " + section.path()
          + ".deletes = \"skip\"");
    }

    Template deleteBody = null;
    if (section.has("deleteBody")) {
      if (deletes != Deletes.MESSAGE) {
        throw section.error("deleteBody", "is used only with " + section.path() + ".deletes = \"message\"");
      }
      deleteBody = template(section, "deleteBody", raw(section, "deleteBody"));
      if (deleteBody.usesData()) {
        throw section.error("deleteBody", "'" + deleteBody + "' reads the data (${data.…}), which a delete does"
            + " not have");
      }
    } else if (deletes == Deletes.MESSAGE && body == Body.DATA) {
      throw section.error("deleteBody", "is required with " + section.path() + ".deletes = \"message\" and body ="
          + " \"data\": the message a delete becomes, e.g. '{\"id\":\"${key}\",\"deleted\":true}' (or use body ="
          + " \"envelope\", whose delete message is the envelope with \"op\":\"delete\")");
    }

    List<HeaderTemplate> headers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (PluginConfig h : section.sections("headers")) {
      String name = h.requireString("name").strip();
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c < 33 || c > 126 || c == ':') {
          throw h.error("name", "'" + name + "' is not a header name: use printable ASCII without spaces or ':'");
        }
      }
      if (name.isEmpty()) {
        throw h.error("name", "must not be empty");
      }
      for (String reserved : Headers.RESERVED_PREFIXES) {
        if (name.regionMatches(true, 0, reserved, 0, reserved.length())) {
          throw h.error("name", "'" + name + "' starts with " + reserved + ", which is reserved for the headers"
              + " Committed and the broker set");
        }
      }
      if (!names.add(name.toLowerCase(Locale.ROOT))) {
        throw h.error("name", "'" + name + "' is configured twice (header names are case-insensitive)");
      }
      headers.add(new HeaderTemplate(name, template(h, "value", raw(h, "value"))));
    }
    return new Router(syncableId, options.syntax(), destination, deleteDestination, body, deletes, deleteBody,
        headers);
  }

  /** Templates are read as written: their {@code ${…}} placeholders are not environment variables. */
  private static String raw(PluginConfig section, String field) {
    return section.rawString(field).orElseThrow(() -> section.error(field, "is required"));
  }

  private static Template destination(PluginConfig section, String field, DestinationSyntax syntax, String text) {
    Template t = template(section, field, text);
    Optional<String> problem = syntax.problem(t.sample("x"));
    if (problem.isPresent()) {
      throw section.error(field, "'" + text + "' " + (t.isConstant() ? "" : "(with each placeholder as 'x') ")
          + problem.get());
    }
    return t;
  }

  private static Template template(PluginConfig section, String field, String text) {
    try {
      return Template.parse(text);
    } catch (TemplateException e) {
      throw new ConfigException(section.path() + "." + field, section.path() + "." + field + ": '" + text + "': "
          + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E choice(PluginConfig section, String field, Class<E> type, E fallback) {
    Optional<String> v = section.string(field);
    if (v.isEmpty()) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.get().strip())) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add("\"" + e.name().toLowerCase(Locale.ROOT) + "\"");
    }
    throw section.error(field, "must be one of " + String.join(", ", allowed) + ", not '" + v.get() + "'");
  }

  /** The destination template. */
  public Template destination() {
    return destination;
  }

  /** The deletes' destination template (the destination template unless configured). */
  public Template deleteDestination() {
    return deleteDestination;
  }

  /** What a delete becomes. */
  public Deletes deletes() {
    return deletes;
  }

  /** What the body is. */
  public Body body() {
    return body;
  }

  /**
   * The message for entity {@code position} of {@code entry}.
   *
   * @return empty when the entity is a delete and deletes are skipped
   * @throws RoutingException when the entity cannot be routed (a dead letter's reason)
   */
  public Optional<RoutedMessage> route(LogEntry entry, int position) throws RoutingException {
    RenderContext ctx = new RenderContext(syncableId, entry, position);
    Entity e = ctx.entity();
    if (e.delete() && deletes == Deletes.SKIP) {
      return Optional.empty();
    }
    String dest = (e.delete() ? deleteDestination : destination).render(ctx, syntax.escaping(), true);
    Optional<String> problem = syntax.problem(dest);
    if (problem.isPresent()) { // values are escaped, so only a very long one gets here
      throw new RoutingException(ctx.describe() + ": the destination " + abbreviate(dest) + " " + problem.get());
    }
    List<RoutedMessage.Header> out = new ArrayList<>(9 + headers.size());
    out.add(new RoutedMessage.Header(Headers.SYNCABLE, Escaping.HEADER_VALUE.escape(syncableId)));
    out.add(new RoutedMessage.Header(Headers.INDEX, Long.toString(entry.index())));
    out.add(new RoutedMessage.Header(Headers.POSITION, Integer.toString(position)));
    out.add(new RoutedMessage.Header(Headers.ENTITIES, Integer.toString(entry.entities().size())));
    out.add(new RoutedMessage.Header(Headers.TYPE, e.typeId()));
    out.add(new RoutedMessage.Header(Headers.TYPE_VERSION, Integer.toString(entry.typeVersion(e.typeId()))));
    out.add(new RoutedMessage.Header(Headers.OPERATION, e.delete() ? "delete" : "upsert"));
    out.add(new RoutedMessage.Header(Headers.KEY, Escaping.HEADER_VALUE.escape(e.key())));
    out.add(new RoutedMessage.Header(Headers.TIMESTAMP, entry.timestamp().toString()));
    for (HeaderTemplate h : headers) {
      if (e.delete() && h.value().usesData()) {
        continue; // documented: a delete has no data to read
      }
      out.add(new RoutedMessage.Header(h.name(), h.value().render(ctx, Escaping.HEADER_VALUE, false)));
    }
    byte[] payload;
    boolean tombstone = false;
    if (!e.delete()) {
      payload = body == Body.DATA ? e.data() : envelope(ctx);
    } else if (deletes == Deletes.TOMBSTONE) {
      payload = new byte[0];
      tombstone = true;
    } else {
      payload = deleteBody != null ? deleteBody.renderBytes(ctx, Escaping.JSON_STRING) : envelope(ctx);
    }
    return Optional.of(new RoutedMessage(dest, e.key(), out, payload, tombstone));
  }

  /**
   * The envelope: {@code {"syncable", "index", "position", "entities", "timestamp", "type",
   * "typeVersion", "op", "key" (or "keyBase64" when the key is not UTF-8), "data" (the JSON data as
   * it is, or "dataBase64" when it is not JSON; absent for a delete)}}.
   */
  static byte[] envelope(RenderContext ctx) {
    Entity e = ctx.entity();
    LogEntry entry = ctx.entry();
    StringBuilder out = new StringBuilder(e.dataLength() + 256);
    out.append("{\"syncable\":\"");
    Escaping.appendJsonString(ctx.syncableId(), out);
    out.append("\",\"index\":").append(entry.index())
        .append(",\"position\":").append(ctx.position())
        .append(",\"entities\":").append(entry.entities().size())
        .append(",\"timestamp\":\"").append(entry.timestamp()).append('"')
        .append(",\"type\":\"");
    Escaping.appendJsonString(e.typeId(), out);
    out.append("\",\"typeVersion\":").append(entry.typeVersion(e.typeId()))
        .append(",\"op\":\"").append(e.delete() ? "delete" : "upsert").append('"');
    byte[] key = e.key();
    String keyText = utf8(key);
    if (keyText != null) {
      out.append(",\"key\":\"");
      Escaping.appendJsonString(keyText, out);
      out.append('"');
    } else {
      out.append(",\"keyBase64\":\"").append(Base64.getEncoder().encodeToString(key)).append('"');
    }
    if (!e.delete()) {
      byte[] data = e.data();
      if (JsonSyntax.isValue(data)) {
        out.append(",\"data\":").append(new String(data, StandardCharsets.UTF_8).strip());
      } else {
        out.append(",\"dataBase64\":\"").append(Base64.getEncoder().encodeToString(data)).append('"');
      }
    }
    return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes as a string when they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 77) + "...' (" + s.length() + " characters)";
  }

  @Override
  public String toString() {
    return "Router[" + destination + ", body " + body.name().toLowerCase(Locale.ROOT) + ", deletes "
        + deletes.name().toLowerCase(Locale.ROOT) + "]";
  }
}
