package io.committed.raft;

import net.openhft.chronicle.bytes.Bytes;

/**
 * One record of the event log ({@link ChronicleEventLog}) as it lies in its Chronicle excerpt:
 * {@code long index, long engineIndex, int flags|length, int crc32c, byte[length] entry}, the
 * checksum over the index, the engine index, the length and the entry. Records of releases before
 * checksums have no flags and no checksum: {@code long index, long engineIndex, int length,
 * byte[length] entry}.
 *
 * @param rewriting a rewrite in place (scrub, repair) was under way: its checksum is not current
 * @param damage what is wrong with the record, or null for a sound one (then the other fields hold)
 */
record EventRecord(long index, long engineIndex, byte[] entry, boolean rewriting, String damage) {
  /** Length word flag: a CRC32C of the record follows the length. */
  private static final int CHECKED = 0x8000_0000;
  /** Length word flag: the record is being rewritten in place; its checksum is not current. */
  private static final int REWRITING = 0x4000_0000;
  private static final int LENGTH = 0x3FFF_FFFF;
  /** Bytes before the entry in a record with a checksum, and in one without. */
  private static final int HEADER = 24;
  private static final int UNCHECKED_HEADER = 20;

  /** Reads the record at {@code b}'s read position, to its end. */
  static EventRecord parse(Bytes<?> b) {
    long size = b.readRemaining();
    if (size < UNCHECKED_HEADER) {
      return damaged("is " + size + " bytes long, shorter than a record's header");
    }
    long index = b.readLong();
    long engineIndex = b.readLong();
    int word = b.readInt();
    boolean checked = (word & CHECKED) != 0;
    boolean rewriting = (word & REWRITING) != 0;
    int length = checked ? word & LENGTH : word;
    if (!checked && rewriting) {
      return damaged("declares a length of " + word);
    }
    int crc = 0;
    if (checked) {
      if (b.readRemaining() < 4) {
        return damaged("ends inside its header");
      }
      crc = b.readInt();
    }
    if (length > b.readRemaining()) {
      return damaged("declares " + length + " bytes, " + b.readRemaining() + " follow");
    }
    byte[] entry = new byte[length];
    b.read(entry);
    if (checked && !rewriting && checksum(index, engineIndex, entry) != crc) {
      return damaged("does not match its checksum (it was not written whole: a full disk or a power cut)");
    }
    return new EventRecord(index, engineIndex, entry, rewriting, null);
  }

  private static EventRecord damaged(String why) {
    return new EventRecord(0, 0, null, false, why);
  }

  /** Writes a record at {@code b}'s write position; {@code checked} false writes one as releases before checksums did. */
  static void write(Bytes<?> b, long index, long engineIndex, byte[] entry, boolean checked) {
    b.writeLong(index);
    b.writeLong(engineIndex);
    if (checked) {
      b.writeInt(CHECKED | entry.length);
      b.writeInt(checksum(index, engineIndex, entry));
    } else {
      b.writeInt(entry.length);
    }
    b.write(entry);
  }

  /**
   * Writes a whole record over the excerpt of {@code size} bytes at {@code at} (a damaged record),
   * marked as being rewritten until its checksum is in place.
   *
   * @return false when the record does not fill the excerpt exactly (nothing is written then)
   */
  static boolean writeOver(Bytes<?> b, long at, long size, long index, long engineIndex, byte[] entry) {
    boolean checked = size == HEADER + entry.length;
    if (!checked && size != UNCHECKED_HEADER + entry.length) {
      return false;
    }
    b.writeLong(at, index);
    b.writeLong(at + 8, engineIndex);
    b.writeInt(at + 16, checked ? CHECKED | REWRITING | entry.length : entry.length);
    b.write(at + (checked ? HEADER : UNCHECKED_HEADER), entry, 0, entry.length);
    if (checked) {
      b.writeInt(at + 20, checksum(index, engineIndex, entry));
      b.writeInt(at + 16, CHECKED | entry.length);
    }
    return true;
  }

  /**
   * Replaces the entry of the sound record at {@code at} with {@code entry} (not longer): the new
   * length and bytes, zeros over what is left of the old bytes, then the checksum. The record keeps
   * its size; until the checksum is written it is marked as being rewritten.
   *
   * @throws IllegalArgumentException when {@code entry} is longer than the record's
   */
  static void rewriteEntry(Bytes<?> b, long at, long index, byte[] entry) {
    int word = b.readInt(at + 16);
    boolean checked = (word & CHECKED) != 0;
    int old = checked ? word & LENGTH : word;
    if (entry.length > old) {
      throw new IllegalArgumentException("a scrub may not make entry " + index + " longer (" + old + " to "
          + entry.length + " bytes)");
    }
    long body = at + (checked ? HEADER : UNCHECKED_HEADER);
    if (checked) {
      b.writeInt(at + 16, CHECKED | REWRITING | old);
    }
    b.write(body, entry, 0, entry.length);
    for (long p = body + entry.length; p < body + old; p++) {
      b.writeByte(p, (byte) 0);
    }
    if (checked) {
      b.writeInt(at + 20, checksum(index, b.readLong(at + 8), entry));
      b.writeInt(at + 16, CHECKED | entry.length);
    } else {
      b.writeInt(at + 16, entry.length);
    }
  }

  private static int checksum(long index, long engineIndex, byte[] entry) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(java.nio.ByteBuffer.allocate(20).putLong(index).putLong(engineIndex).putInt(entry.length).flip());
    crc.update(entry);
    return (int) crc.getValue();
  }
}
