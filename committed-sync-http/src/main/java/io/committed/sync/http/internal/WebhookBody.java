package io.committed.sync.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.api.Entity;
import io.committed.api.JsonSyntax;
import io.committed.api.LogEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The body of a request: one JSON document per entry, or a JSON array of them when the syncable's
 * batch is more than 1 (documented as a JSON Schema in {@code docs/http-sync.md}):
 *
 * <pre>
 * {"syncable": "orders-hook", "index": 42, "timestamp": "2026-01-01T10:00:00.123456Z",
 *  "entities": [{"type": "order", "version": 3, "key": "42", "delete": false, "data": {...}}]}
 * </pre>
 *
 * <p>A payload that is JSON is embedded as is, byte for byte; any other payload is sent as
 * {@code data_base64}. A key that is not valid UTF-8 is sent as {@code key_base64}.
 */
public final class WebhookBody {
  private static final JsonFactory JSON = new JsonFactory();

  private WebhookBody() {}

  /** The body for {@code entries}: an array when {@code array}, else the one entry's document. */
  public static byte[] render(String syncableId, List<LogEntry> entries, boolean array) {
    if (!array && entries.size() != 1) {
      throw new IllegalArgumentException("a body without an array holds exactly one entry, not " + entries.size());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * entries.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      if (array) {
        g.writeStartArray();
      }
      for (LogEntry e : entries) {
        entry(g, syncableId, e);
      }
      if (array) {
        g.writeEndArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }

  private static void entry(JsonGenerator g, String syncableId, LogEntry e) throws IOException {
    g.writeStartObject();
    g.writeStringField("syncable", syncableId);
    g.writeNumberField("index", e.index());
    g.writeStringField("timestamp", e.timestamp().toString());
    g.writeArrayFieldStart("entities");
    for (Entity entity : e.entities()) {
      g.writeStartObject();
      g.writeStringField("type", entity.typeId());
      g.writeNumberField("version", e.typeVersion(entity.typeId()));
      byte[] key = entity.key();
      String text = utf8(key);
      if (text != null) {
        g.writeStringField("key", text);
      } else {
        g.writeStringField("key_base64", Base64.getEncoder().encodeToString(key));
      }
      g.writeBooleanField("delete", entity.delete());
      if (!entity.delete()) {
        byte[] data = entity.data();
        if (JsonSyntax.isValue(data)) {
          g.writeFieldName("data");
          g.writeRawValue(new String(data, StandardCharsets.UTF_8));
        } else {
          g.writeStringField("data_base64", Base64.getEncoder().encodeToString(data));
        }
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** The bytes as text when they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The request's {@code Idempotency-Key} and {@code webhook-id}: {@code <syncable>:<index>} for one
   * entry, {@code <syncable>:<first>-<last>} for several. The same on every retry of the request and
   * on every node, because it depends on nothing but the entries.
   */
  public static String key(String syncableId, List<LogEntry> entries) {
    long first = entries.get(0).index();
    long last = entries.get(entries.size() - 1).index();
    return first == last ? syncableId + ":" + first : syncableId + ":" + first + "-" + last;
  }
}
