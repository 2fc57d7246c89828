package io.committed.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link BytesWriter} wrote; every read checks bounds and fails with {@link CorruptDataException}. */
public final class BytesReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  public BytesReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public BytesReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new CorruptDataException("slice " + offset + "+" + length + " outside " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  public byte[] array() {
    return buf;
  }

  public void skip(int n) {
    need(n);
    pos += n;
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw new CorruptDataException("needed " + n + " bytes at " + pos + ", only " + (end - pos) + " left");
    }
  }

  public int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public long varLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (v < 0) {
          throw new CorruptDataException("varint overflows a signed long at " + pos);
        }
        return v;
      }
    }
    throw new CorruptDataException("varint longer than 10 bytes at " + pos);
  }

  public int varInt() {
    long v = varLong();
    if (v > Integer.MAX_VALUE) {
      throw new CorruptDataException("varint " + v + " does not fit an int at " + pos);
    }
    return (int) v;
  }

  public long i64() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  public byte[] bytes() {
    int n = varInt();
    need(n);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  public String string() {
    int n = varInt();
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  public String nullableString() {
    return u8() == 0 ? null : string();
  }

  public boolean bool() {
    int b = u8();
    if (b > 1) {
      throw new CorruptDataException("boolean byte " + b + " at " + (pos - 1));
    }
    return b == 1;
  }

  /** Fails unless every byte was read. */
  public void expectEnd(String what) {
    if (pos != end) {
      throw new CorruptDataException(what + " has " + (end - pos) + " trailing bytes");
    }
  }
}
