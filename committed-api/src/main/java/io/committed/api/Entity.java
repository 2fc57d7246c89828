package io.committed.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One keyed change to one type: an upsert of {@code data} under {@code key}, or a delete (tombstone)
 * of {@code key}.
 *
 * <p>Instances are immutable: the constructor copies the arrays it is given and the accessors
 * return copies, so a caller can reuse its buffers. {@link #keyLength()}, {@link #dataLength()},
 * {@link #keyAsString()} and {@link #dataAsString()} avoid the copy.
 *
 * <p>Equality compares the contents of the arrays, not their identity.
 *
 * @param typeId the type (topic) this entity belongs to; matches {@link #TYPE_ID_PATTERN}. Type ids
 *     that start with {@code _} are reserved for Committed's own topics and rejected by
 *     {@code propose}.
 * @param key the entity's key; never null, may be empty for types that have no natural key
 * @param data the entity's payload (usually UTF-8 JSON); never null; always empty for a delete
 * @param delete true for a tombstone
 */
public record Entity(String typeId, byte[] key, byte[] data, boolean delete) {

  /** Type ids: 1 to 128 characters from letters, digits, {@code _ . -}, not starting with {@code . -}. */
  public static final Pattern TYPE_ID_PATTERN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

  private static final byte[] EMPTY = new byte[0];

  /**
   * Creates an entity, validating every field.
   *
   * @throws ProposalRejectedException with reason {@code MISSING_TYPE} when {@code typeId} is null
   *     or blank, {@code INVALID_TYPE} when it does not match {@link #TYPE_ID_PATTERN},
   *     {@code INVALID_ENTITY} when {@code key} is null, {@code data} is null for an upsert, or
   *     {@code data} is not empty for a delete
   */
  public Entity {
    if (typeId == null || typeId.isBlank()) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.MISSING_TYPE,
          "entity has no type id: every entity needs the id of the type it belongs to");
    }
    if (!isTypeId(typeId)) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_TYPE,
          "type id '" + typeId + "' is invalid: use 1 to 128 letters, digits, '_', '.' or '-'");
    }
    if (key == null) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_ENTITY,
          "entity of type '" + typeId + "' has a null key (use an empty key for keyless types)");
    }
    if (delete) {
      if (data != null && data.length > 0) {
        throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_ENTITY,
            "delete of type '" + typeId + "' carries data: a tombstone has a key only");
      }
      data = EMPTY;
    } else if (data == null) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_ENTITY,
          "upsert of type '" + typeId + "' has null data (use Entity.delete for a tombstone)");
    } else {
      data = data.clone();
    }
    key = key.clone();
  }

  /**
   * Whether {@code id} is a valid type id: what {@link #TYPE_ID_PATTERN} matches, checked without
   * a regular expression (every entity checks its type, and the pattern was a tenth of an ingest
   * thread's time).
   */
  public static boolean isTypeId(String id) {
    int n = id.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
          || i > 0 && (c == '.' || c == '-');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** An upsert of {@code data} under {@code key}. */
  public static Entity upsert(String typeId, byte[] key, byte[] data) {
    return new Entity(typeId, key, data, false);
  }

  /** An upsert with a UTF-8 key and UTF-8 data (usually JSON). */
  public static Entity upsert(String typeId, String key, String data) {
    return new Entity(typeId, utf8(key, "key"), utf8(data, "data"), false);
  }

  /** A delete (tombstone) of {@code key}. */
  public static Entity delete(String typeId, byte[] key) {
    return new Entity(typeId, key, null, true);
  }

  /** A delete (tombstone) of a UTF-8 key. */
  public static Entity delete(String typeId, String key) {
    return new Entity(typeId, utf8(key, "key"), null, true);
  }

  /** A copy of the key. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** A copy of the data; empty for a delete. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The key's length in bytes. */
  public int keyLength() {
    return key.length;
  }

  /** The data's length in bytes; 0 for a delete. */
  public int dataLength() {
    return data.length;
  }

  /** The key decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String keyAsString() {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** The data decoded as UTF-8 (malformed bytes become U+FFFD); empty for a delete. */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** True when this entity's key equals {@code other}, byte for byte. */
  public boolean hasKey(byte[] other) {
    return Arrays.equals(key, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entity e
        && delete == e.delete
        && typeId.equals(e.typeId)
        && Arrays.equals(key, e.key)
        && Arrays.equals(data, e.data);
  }

  @Override
  public int hashCode() {
    return ((typeId.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(data)) * 31
        + Boolean.hashCode(delete);
  }

  /** A short description; the data is summarised by its length, never printed. */
  @Override
  public String toString() {
    String k = key.length <= 64 ? HexFormat.of().formatHex(key) : key.length + " bytes";
    return delete
        ? "Entity[delete " + typeId + " key=" + k + "]"
        : "Entity[upsert " + typeId + " key=" + k + " data=" + data.length + " bytes]";
  }

  private static byte[] utf8(String s, String what) {
    if (s == null) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_ENTITY,
          "entity " + what + " is null");
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
