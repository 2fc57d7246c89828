package io.committed.ingest.sql.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * How a source's value texts of one kind (a column type family) become JSON values and key texts.
 * Each source's value kinds implement it; {@link RowEncoder} applies them.
 */
public interface ValueFormat {

  /**
   * Writes {@code text} (never null) as this kind's JSON value.
   *
   * @throws IllegalArgumentException when the text is not of this kind's form
   */
  void write(JsonGenerator g, String text) throws IOException;

  /** The text of the value in an entity key; the text itself unless the kind says otherwise. */
  default String keyText(String text) {
    return text;
  }

  /** True when the texts are JSON documents (a JSON column type). */
  default boolean json() {
    return false;
  }

  /**
   * True when the server guarantees the JSON is valid (PostgreSQL's json/jsonb): written as it is.
   * JSON the server does not check (MariaDB's JSON is text under a check that may be absent) is
   * checked by the encoder and written as a string when invalid.
   */
  default boolean serverValidated() {
    return false;
  }

  /**
   * The JSON Schema types a value of this kind is written as ({@code integer}, {@code number},
   * {@code string}, {@code boolean}); empty for JSON documents, which may be anything.
   */
  default java.util.List<String> jsonTypes() {
    return java.util.List.of("string");
  }
}
