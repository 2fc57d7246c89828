package io.committed.server.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON settings of the API: one factory and one mapper, shared (both are thread-safe). */
public final class Json {
  /**
   * Request bodies may hold strings as long as the body itself (a base64 payload); nesting and
   * number lengths keep Jackson's defaults, which bound the work one request can cause.
   */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass().getName(), e);
    }
  }

  /** The error envelope {@code {"code","message","details"?}}. */
  public static byte[] error(ApiError e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", e.code());
    body.put("message", e.getMessage());
    if (!e.details().isEmpty()) {
      body.put("details", new java.util.TreeMap<>(e.details()));
    }
    return write(body);
  }

  /**
   * A request body that must be one JSON object, duplicate keys refused.
   *
   * @throws ApiError 400 {@code invalid_json} or {@code invalid_request}
   */
  public static JsonNode object(byte[] body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonNode json = MAPPER.readTree(p);
      if (json == null || !json.isObject()) {
        throw ApiError.badRequest("invalid_request", "the body is a JSON object");
      }
      if (p.nextToken() != null) {
        throw ApiError.badRequest("invalid_json", "unexpected content after the body's closing brace");
      }
      return json;
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiError.badRequest("invalid_json", "the body could not be read as JSON: " + e.getMessage());
    }
  }

  public static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }
}
