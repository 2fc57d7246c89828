package io.committed.internal.codec;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Encodes a proposal as an entry body, the bytes kept in the event log:
 *
 * <pre>
 * body    := format:u8(=1) timestampMicros:varlong count:varint entity*
 * entity  := flags:u8(bit0=delete, bit1=scrubbed) typeId:string typeVersion:varint key:bytes [data:bytes unless delete]
 * </pre>
 *
 * <p>A scrubbed entity is an upsert whose data a scrub erased: it keeps its type, version and key,
 * has no data, and carries both flags, so it reads as a tombstone (also to readers that predate
 * the scrubbed flag).
 */
public final class EntryCodec {
  public static final int FORMAT = 1;
  private static final int DELETE = 1;
  private static final int SCRUBBED = 2;

  private EntryCodec() {}

  /** Microseconds since the epoch; instants before 1970 are not allowed. */
  public static long toMicros(Instant t) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, t);
    if (micros < 0) {
      throw new IllegalArgumentException("timestamps before 1970 are not supported: " + t);
    }
    return micros;
  }

  public static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** The most bytes a body's header (format, timestamp, count) takes. */
  public static final int MAX_HEADER_BYTES = 1 + 10 + 5;

  /** The bytes {@code e} takes in a body, when its type is at {@code typeVersion}. */
  public static int entitySize(Entity e, int typeVersion) {
    int typeLen = e.typeId().length(); // type ids are ASCII (Entity.TYPE_ID_PATTERN)
    int n = 1 + BytesWriter.varLongSize(typeLen) + typeLen + BytesWriter.varLongSize(typeVersion)
        + BytesWriter.varLongSize(e.keyLength()) + e.keyLength();
    if (!e.delete()) {
      n += BytesWriter.varLongSize(e.dataLength()) + e.dataLength();
    }
    return n;
  }

  /** The exact size {@link #encode} produces. */
  public static int encodedSize(long timestampMicros, Proposal proposal, ToIntFunction<String> typeVersion) {
    int n = 1 + BytesWriter.varLongSize(timestampMicros) + BytesWriter.varLongSize(proposal.entities().size());
    for (Entity e : proposal.entities()) {
      n += entitySize(e, typeVersion.applyAsInt(e.typeId()));
    }
    return n;
  }

  /** Writes the body of {@code proposal} to {@code out}. */
  public static void encode(BytesWriter out, long timestampMicros, Proposal proposal, ToIntFunction<String> typeVersion) {
    out.u8(FORMAT).varLong(timestampMicros).varInt(proposal.entities().size());
    for (Entity e : proposal.entities()) {
      out.u8(e.delete() ? DELETE : 0).string(e.typeId()).varInt(typeVersion.applyAsInt(e.typeId()));
      out.bytes(e.key());
      if (!e.delete()) {
        out.bytes(e.data());
      }
    }
  }

  /** Decodes a body written by {@link #encode}. */
  public static LogEntry decode(long index, byte[] body) {
    BytesReader in = new BytesReader(body);
    int format = in.u8();
    if (format != FORMAT) {
      throw new CorruptDataException("entry " + index + " has unknown format " + format);
    }
    long micros = in.varLong();
    int count = in.varInt();
    if (count <= 0 || count > in.remaining()) {
      throw new CorruptDataException("entry " + index + " claims " + count + " entities");
    }
    List<Entity> entities = new ArrayList<>(count);
    Map<String, Integer> versions = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int flags = in.u8();
      String type = in.string();
      int version = in.varInt();
      byte[] key = in.bytes();
      boolean delete = (flags & DELETE) != 0;
      entities.add(delete ? Entity.delete(type, key) : Entity.upsert(type, key, in.bytes()));
      if (version > 0) {
        versions.put(type, version);
      }
    }
    in.expectEnd("entry " + index);
    return new LogEntry(index, fromMicros(micros), new Proposal(entities), versions);
  }

  /**
   * The body with every upsert of {@code typeId} whose key is in {@code keys} replaced by a
   * scrubbed entity (see the class comment); the other entities and the timestamp are unchanged
   * byte for byte. Never longer than {@code body}.
   *
   * @param keys the keys to erase, each wrapped whole ({@link java.nio.ByteBuffer#wrap(byte[])})
   * @return the new body, or null when {@code body} holds no such upsert
   */
  public static byte[] scrub(byte[] body, String typeId, java.util.Set<java.nio.ByteBuffer> keys) {
    byte[] type = typeId.getBytes(java.nio.charset.StandardCharsets.US_ASCII); // type ids are ASCII
    BytesReader in = new BytesReader(body);
    in.u8();
    in.varLong();
    int count = in.varInt();
    BytesWriter out = null;
    int copied = 0; // body[0, copied) is in out already, or would be
    for (int i = 0; i < count; i++) {
      int start = in.position();
      int flags = in.u8();
      int typeLength = in.varInt();
      int typeAt = in.position();
      in.skip(typeLength);
      boolean sameType = Arrays.equals(body, typeAt, typeAt + typeLength, type, 0, type.length);
      in.varInt();
      int keyLength = in.varInt();
      int keyAt = in.position();
      in.skip(keyLength);
      int keyEnd = in.position();
      if ((flags & DELETE) != 0) {
        continue;
      }
      in.skip(in.varInt());
      if (sameType && keys.contains(java.nio.ByteBuffer.wrap(body, keyAt, keyLength))) {
        if (out == null) {
          out = new BytesWriter(body.length);
        }
        out.raw(body, copied, start - copied);
        out.u8(DELETE | SCRUBBED).raw(body, start + 1, keyEnd - start - 1);
        copied = in.position();
      }
    }
    if (out == null) {
      return null;
    }
    out.raw(body, copied, body.length - copied);
    return out.toByteArray();
  }

  /** How many scrubbed entities a body holds. */
  public static int scrubbedEntities(byte[] body) {
    BytesReader in = new BytesReader(body);
    in.u8();
    in.varLong();
    int count = in.varInt();
    int scrubbed = 0;
    for (int i = 0; i < count; i++) {
      int flags = in.u8();
      in.skip(in.varInt());
      in.varInt();
      in.skip(in.varInt());
      if ((flags & DELETE) == 0) {
        in.skip(in.varInt());
      } else if ((flags & SCRUBBED) != 0) {
        scrubbed++;
      }
    }
    return scrubbed;
  }

  /** The type ids of a body, in order of first appearance, without decoding keys and data. */
  public static List<String> typeIds(byte[] body, int offset, int length) {
    BytesReader in = new BytesReader(body, offset, length);
    in.u8();
    in.varLong();
    int count = in.varInt();
    List<String> types = new ArrayList<>(2);
    for (int i = 0; i < count; i++) {
      boolean delete = (in.u8() & DELETE) != 0;
      String type = in.string();
      if (!types.contains(type)) {
        types.add(type);
      }
      in.varInt();
      in.skip(in.varInt());
      if (!delete) {
        in.skip(in.varInt());
      }
    }
    return types;
  }

  /**
   * Joins bodies into one: the first body's timestamp, all entities in order. Used to commit a
   * large transaction that arrived in parts as one entry.
   */
  public static byte[] concat(List<byte[]> bodies) {
    if (bodies.size() == 1) {
      return bodies.get(0);
    }
    long micros = -1;
    long count = 0;
    int[] starts = new int[bodies.size()];
    int total = 0;
    for (int i = 0; i < bodies.size(); i++) {
      BytesReader in = new BytesReader(bodies.get(i));
      int format = in.u8();
      if (format != FORMAT) {
        throw new CorruptDataException("entry part has unknown format " + format);
      }
      long t = in.varLong();
      micros = micros < 0 ? t : micros;
      count += in.varInt();
      starts[i] = in.position();
      total += in.remaining();
    }
    BytesWriter out = new BytesWriter(total + 16);
    out.u8(FORMAT).varLong(micros).varLong(count);
    for (int i = 0; i < bodies.size(); i++) {
      byte[] b = bodies.get(i);
      out.raw(b, starts[i], b.length - starts[i]);
    }
    return out.toByteArray();
  }
}
