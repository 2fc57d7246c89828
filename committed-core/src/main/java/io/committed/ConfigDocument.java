package io.committed;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a config document, exactly as it was posted.
 *
 * @param kind the registry it belongs to
 * @param id its id within the kind
 * @param version its version, 1 for the first
 * @param format the format it is written in
 * @param content the document's bytes, byte-exact (a copy is returned)
 * @param createdAt when this version was proposed
 * @param restoredFrom the version this one rolled back to, or 0 when it was posted directly
 */
public record ConfigDocument(
    ConfigKind kind, String id, int version, ConfigFormat format, byte[] content, Instant createdAt, int restoredFrom) {

  public ConfigDocument {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(format, "format");
    content = content.clone();
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A copy of the document's bytes. */
  @Override
  public byte[] content() {
    return content.clone();
  }

  /** The document as text (documents are UTF-8). */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigDocument d
        && kind == d.kind && id.equals(d.id) && version == d.version && format == d.format
        && Arrays.equals(content, d.content) && createdAt.equals(d.createdAt) && restoredFrom == d.restoredFrom;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, id, version, format, Arrays.hashCode(content), createdAt, restoredFrom);
  }

  @Override
  public String toString() {
    return "ConfigDocument[" + kind.id() + "/" + id + " v" + version + " " + format + " " + content.length + " bytes]";
  }
}
