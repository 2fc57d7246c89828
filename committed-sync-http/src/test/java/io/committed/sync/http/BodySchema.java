package io.committed.sync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The request body's JSON Schema, read from the block in docs/http-sync.md, so docs and code cannot drift. */
public final class BodySchema {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private BodySchema() {}

  private static JsonSchema load() {
    try {
      String doc = Files.readString(Path.of("..", "docs", "http-sync.md"));
      int begin = doc.indexOf("<!-- schema:begin -->");
      int end = doc.indexOf("<!-- schema:end -->");
      String block = doc.substring(begin, end);
      String json = block.substring(block.indexOf("```json") + 7, block.lastIndexOf("```"));
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a body and asserts it follows the schema. */
  public static JsonNode validated(byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("the body is not JSON: " + e.getMessage(), e);
    }
    assertThat(SCHEMA.validate(node)).as("schema violations of %s", node).isEmpty();
    return node;
  }

  /** The schema's verdict on any document, for tests showing it can fail. */
  public static boolean valid(String json) throws IOException {
    return SCHEMA.validate(JSON.readTree(json)).isEmpty();
  }
}
