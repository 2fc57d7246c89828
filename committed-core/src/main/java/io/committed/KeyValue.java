package io.committed;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The latest value of one key of a type, as the key-value view holds it.
 *
 * @param type the type id
 * @param key the entity key, byte for byte (a copy is returned)
 * @param data the entity's data, byte for byte as written (a copy is returned)
 * @param index the log index of the entry that wrote it
 * @param typeVersion the type version the entry was written with
 * @param timestamp when that entry was proposed
 */
public record KeyValue(String type, byte[] key, byte[] data, long index, int typeVersion, Instant timestamp) {

  public KeyValue {
    Objects.requireNonNull(type, "type");
    key = key.clone();
    data = data.clone();
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /** A copy of the key. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** The key as UTF-8 text. */
  public String keyAsString() {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** A copy of the data. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The data as UTF-8 text. */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue v && type.equals(v.type) && Arrays.equals(key, v.key) && Arrays.equals(data, v.data)
        && index == v.index && typeVersion == v.typeVersion && timestamp.equals(v.timestamp);
  }

  @Override
  public int hashCode() {
    return (Objects.hash(type, index) * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(data);
  }

  /** Type, index and sizes only: key and data may hold personal data. */
  @Override
  public String toString() {
    return "KeyValue[" + type + ", key " + key.length + " bytes @" + index + ", " + data.length + " bytes]";
  }
}
