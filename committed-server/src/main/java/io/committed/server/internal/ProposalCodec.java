package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.committed.api.Entity;
import io.committed.api.JsonSyntax;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of proposals and entries.
 *
 * <p>A proposal is {@code {"entities":[{"typeId","key","data","delete"}]}}, as in the original.
 * Field names are matched case-insensitively (as Go's decoder does); unknown fields are refused.
 *
 * <ul>
 *   <li>{@code key} is a string, stored as its UTF-8 bytes; absent means an empty key. A binary key
 *       is sent as {@code keyBase64} instead (standard base64).
 *   <li>{@code data} is any JSON value, stored as compact JSON with every number kept exactly as
 *       written ({@code 1234.50} stays {@code 1234.50}); a JSON string is stored as JSON too, with
 *       its quotes, and {@code null} as {@code null}. Binary data is sent as {@code dataBase64}. An
 *       upsert needs one of the two; a delete ({@code "delete": true}) has neither (or a null
 *       {@code data}).
 * </ul>
 *
 * <p>When entries are read back, a key that is valid UTF-8 is returned as {@code key} and any
 * other as {@code keyBase64}; data that is one valid JSON value is embedded as {@code data} and
 * any other as {@code dataBase64}.
 */
public final class ProposalCodec {
  private static final Set<String> ENTITY_FIELDS = Set.of("typeid", "key", "keybase64", "data", "database64", "delete");

  private ProposalCodec() {}

  /**
   * Parses a proposal.
   *
   * @throws ApiError 400 {@code invalid_json} or {@code invalid_request} for a body that is not a
   *     proposal, {@code invalid_entity} for a malformed entity
   * @throws ProposalRejectedException for what {@link Entity} and {@link Proposal} refuse
   */
  public static Proposal parse(byte[] body) {
    return parse(body, 0, body.length);
  }

  /** {@link #parse(byte[])} of {@code length} bytes of {@code body} from {@code offset}: one item of a batch. */
  public static Proposal parse(byte[] body, int offset, int length) {
    try (JsonParser p = Json.FACTORY.createParser(body, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ApiError.badRequest("invalid_request", "a proposal is a JSON object: {\"entities\":[{\"typeId\":...,"
            + "\"key\":...,\"data\":...}]}");
      }
      List<Entity> entities = null;
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        String name = field.toLowerCase(Locale.ROOT);
        if (!seen.add(name)) {
          throw ApiError.badRequest("invalid_request", "the proposal has the field '" + field + "' twice");
        }
        JsonToken value = p.nextToken();
        if (!name.equals("entities")) {
          throw ApiError.badRequest("invalid_request", "unknown field '" + field + "': a proposal has only 'entities'");
        }
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw ApiError.badRequest("invalid_request", "'entities' must be an array of entities");
        }
        entities = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          entities.add(entity(p, entities.size()));
        }
      }
      if (p.nextToken() != null) {
        throw ApiError.badRequest("invalid_json", "unexpected content after the proposal's closing brace at "
            + where(p.currentTokenLocation()));
      }
      return new Proposal(entities);
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage() + " at "
          + where(e.getLocation()));
    } catch (IOException e) {
      throw new ApiError(400, "invalid_json", "the body could not be read as JSON: " + e.getMessage());
    }
  }

  private static Entity entity(JsonParser p, int index) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw entityError(index, null, "is not an object");
    }
    String typeId = null;
    byte[] key = null;
    byte[] data = null;
    boolean dataIsNull = false;
    boolean delete = false;
    Set<String> seen = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String name = field.toLowerCase(Locale.ROOT);
      JsonToken v = p.nextToken();
      if (!ENTITY_FIELDS.contains(name)) {
        throw entityError(index, field, "has the unknown field '" + field
            + "' (an entity has typeId, key or keyBase64, data or dataBase64, delete)");
      }
      if (!seen.add(name)) {
        throw entityError(index, field, "has the field '" + field + "' twice");
      }
      switch (name) {
        case "typeid" -> typeId = v == JsonToken.VALUE_NULL ? null : string(p, index, field);
        case "key" -> {
          if (seen.contains("keybase64")) {
            throw entityError(index, field, "has both key and keyBase64");
          }
          key = v == JsonToken.VALUE_NULL ? null : string(p, index, field).getBytes(StandardCharsets.UTF_8);
        }
        case "keybase64" -> {
          if (seen.contains("key")) {
            throw entityError(index, field, "has both key and keyBase64");
          }
          key = base64(p, index, field);
        }
        case "data" -> {
          if (seen.contains("database64")) {
            throw entityError(index, field, "has both data and dataBase64");
          }
          dataIsNull = v == JsonToken.VALUE_NULL;
          data = copyValue(p);
        }
        case "database64" -> {
          if (seen.contains("data")) {
            throw entityError(index, field, "has both data and dataBase64");
          }
          data = base64(p, index, field);
        }
        default -> {
          if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
            throw entityError(index, field, "has a 'delete' that is not true or false");
          }
          delete = v == JsonToken.VALUE_TRUE;
        }
      }
    }
    if (delete && dataIsNull) {
      data = null; // a serializer's "data": null on a delete means no data
    }
    if (delete && data != null) {
      throw entityError(index, "data", "is a delete with data: a tombstone has a key only");
    }
    if (!delete && data == null) {
      throw entityError(index, "data", "has no data: send 'data' (JSON) or 'dataBase64', or \"delete\": true");
    }
    return new Entity(typeId, key == null ? new byte[0] : key, data, delete);
  }

  private static String string(JsonParser p, int index, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw entityError(index, field, "has a '" + field + "' that is not a string");
    }
    return p.getText();
  }

  private static byte[] base64(JsonParser p, int index, String field) throws IOException {
    String text = string(p, index, field);
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw entityError(index, field, "has a '" + field + "' that is not standard base64: " + e.getMessage());
    }
  }

  private static ApiError entityError(int index, String field, String problem) {
    Map<String, Object> details = new TreeMap<>();
    details.put("entity", index);
    if (field != null) {
      details.put("field", field);
    }
    return new ApiError(400, "invalid_entity", "entity #" + index + " " + problem, details);
  }

  /** Copies the current JSON value compactly, numbers written with their original text. */
  private static byte[] copyValue(JsonParser p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      int depth = 0;
      do {
        JsonToken t = p.currentToken();
        switch (t) {
          case START_OBJECT -> {
            g.writeStartObject();
            depth++;
          }
          case START_ARRAY -> {
            g.writeStartArray();
            depth++;
          }
          case END_OBJECT -> {
            g.writeEndObject();
            depth--;
          }
          case END_ARRAY -> {
            g.writeEndArray();
            depth--;
          }
          case FIELD_NAME -> g.writeFieldName(p.currentName());
          case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
          case VALUE_TRUE -> g.writeBoolean(true);
          case VALUE_FALSE -> g.writeBoolean(false);
          case VALUE_NULL -> g.writeNull();
          default -> throw new IOException("unexpected JSON token " + t);
        }
      } while (depth > 0 && p.nextToken() != null);
    }
    return out.toByteArray();
  }

  private static String where(JsonLocation l) {
    return l == null ? "an unknown position" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
  }

  // ---- writing ----

  /** Writes one entry: {@code {"index","timestamp","typeVersions","entities":[...]}}. */
  public static void writeEntry(JsonGenerator g, LogEntry entry, List<Entity> entities) throws IOException {
    g.writeStartObject();
    g.writeNumberField("index", entry.index());
    g.writeStringField("timestamp", entry.timestamp().toString());
    g.writeObjectFieldStart("typeVersions");
    for (Map.Entry<String, Integer> v : new TreeMap<>(entry.typeVersions()).entrySet()) {
      g.writeNumberField(v.getKey(), v.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("entities");
    for (Entity e : entities) {
      writeEntity(g, e);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeEntity(JsonGenerator g, Entity e) throws IOException {
    g.writeStartObject();
    g.writeStringField("typeId", e.typeId());
    byte[] key = e.key();
    if (isUtf8(key)) {
      g.writeStringField("key", new String(key, StandardCharsets.UTF_8));
    } else {
      g.writeStringField("keyBase64", Base64.getEncoder().encodeToString(key));
    }
    if (!e.delete()) {
      byte[] data = e.data();
      if (JsonSyntax.isValue(data)) {
        g.writeFieldName("data");
        g.writeRawValue(new String(data, StandardCharsets.UTF_8));
      } else {
        g.writeStringField("dataBase64", Base64.getEncoder().encodeToString(data));
      }
    }
    g.writeBooleanField("delete", e.delete());
    g.writeEndObject();
  }

  static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** A generator over {@code out} for writing entries. */
  public static JsonGenerator generator(OutputStream out) throws IOException {
    return Json.FACTORY.createGenerator(out);
  }
}
