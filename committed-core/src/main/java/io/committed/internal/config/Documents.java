package io.committed.internal.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.committed.ConfigFormat;
import io.committed.api.ConfigException;
import java.io.IOException;

/** Parses config documents. Thread-safe. */
public final class Documents {
  // Numbers stay exact (1234.50 keeps its scale), as entity data and migrations need.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();
  private static final ObjectMapper TOML = TomlMapper.builder().build();

  /** The largest document accepted. */
  public static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

  private Documents() {}

  /**
   * Parses a document into its root table.
   *
   * @throws ConfigException when it is empty, too large, malformed (the message gives the line and
   *     column), or not a table at the top
   */
  public static ObjectNode parse(ConfigFormat format, byte[] document) {
    if (document == null || document.length == 0) {
      throw new ConfigException("the document is empty");
    }
    if (document.length > MAX_DOCUMENT_BYTES) {
      throw new ConfigException("the document is " + document.length + " bytes, more than the "
          + MAX_DOCUMENT_BYTES + " allowed");
    }
    JsonNode root;
    try {
      root = (format == ConfigFormat.TOML ? TOML : JSON).readTree(document);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException(null, "malformed " + format + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(null, "unreadable " + format + " document: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("the document must be a table (TOML) or an object (JSON) at the top");
    }
    return (ObjectNode) root;
  }

  /** Writes a node as compact JSON (for schemas and error details). */
  public static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The shared JSON mapper. */
  public static ObjectMapper json() {
    return JSON;
  }
}
