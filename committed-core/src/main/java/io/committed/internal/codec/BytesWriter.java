package io.committed.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with unsigned LEB128 varints and length-prefixed strings and arrays. */
public final class BytesWriter {
  private byte[] buf;
  private int size;

  public BytesWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int extra) {
    int need = size + extra;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
  }

  public BytesWriter u8(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** An unsigned varint; {@code v} must not be negative. */
  public BytesWriter varLong(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("varint must not be negative: " + v);
    }
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  public BytesWriter varInt(int v) {
    return varLong(v);
  }

  public BytesWriter i64(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  public BytesWriter raw(byte[] b) {
    return raw(b, 0, b.length);
  }

  public BytesWriter raw(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
    return this;
  }

  public BytesWriter bytes(byte[] b) {
    varInt(b.length);
    return raw(b);
  }

  public BytesWriter string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A string that may be null (encoded with a presence byte). */
  public BytesWriter nullableString(String s) {
    if (s == null) {
      return u8(0);
    }
    u8(1);
    return string(s);
  }

  public BytesWriter bool(boolean b) {
    return u8(b ? 1 : 0);
  }

  /** The number of bytes {@link #varLong} writes for {@code v}. */
  public static int varLongSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }
}
