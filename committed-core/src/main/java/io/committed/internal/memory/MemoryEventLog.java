package io.committed.internal.memory;

import io.committed.api.LogClosedException;
import io.committed.engine.EventLog;

/**
 * An event log in memory: entries in fixed-size chunks, so appends never copy old entries and
 * readers need no lock. One writer (the apply thread) publishes each entry through the volatile
 * {@link #last} after storing it; readers only look below {@code last}.
 */
public final class MemoryEventLog implements EventLog {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private volatile Chunk[] chunks = new Chunk[16];
  private volatile long last;
  private volatile long scrubbed;
  private volatile boolean closed;

  private static final class Chunk {
    final byte[][] entries = new byte[CHUNK][];
    final long[] engineIndexes = new long[CHUNK];
  }

  @Override
  public long lastIndex() {
    return last;
  }

  @Override
  public long engineIndexOf(long index) {
    check(index);
    long i = index - 1;
    return chunks[(int) (i >>> CHUNK_BITS)].engineIndexes[(int) (i & (CHUNK - 1))];
  }

  @Override
  public void append(long index, long engineIndex, byte[] entry) {
    if (closed) {
      throw new LogClosedException("event log is closed");
    }
    if (index != last + 1) {
      throw new IllegalStateException("append of entry " + index + " after " + last);
    }
    long i = index - 1;
    int c = (int) (i >>> CHUNK_BITS);
    Chunk[] cs = chunks;
    if (c >= cs.length) {
      cs = java.util.Arrays.copyOf(cs, cs.length * 2);
      chunks = cs;
    }
    if (cs[c] == null) {
      cs[c] = new Chunk();
    }
    int o = (int) (i & (CHUNK - 1));
    cs[c].entries[o] = entry;
    cs[c].engineIndexes[o] = engineIndex;
    last = index; // publishes the stores above
  }

  @Override
  public int read(long fromIndex, int maxEntries, Visitor visitor) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, was " + fromIndex);
    }
    long end = Math.min(last, fromIndex + maxEntries - 1);
    Chunk[] cs = chunks;
    int n = 0;
    for (long index = fromIndex; index <= end; index++, n++) {
      long i = index - 1;
      Chunk c = cs[(int) (i >>> CHUNK_BITS)];
      int o = (int) (i & (CHUNK - 1));
      visitor.visit(index, c.engineIndexes[o], c.entries[o]);
    }
    return n;
  }

  /** The entry at {@code index} (for tests and diagnostics). */
  public byte[] read(long index) {
    byte[][] out = new byte[1][];
    if (read(index, 1, (i, e, body) -> out[0] = body) != 1) {
      throw new IllegalArgumentException("no entry " + index);
    }
    return out[0];
  }

  @Override
  public void scrub(long number, ScrubPass pass) {
    pass.run((index, entry) -> {
      check(index);
      long i = index - 1;
      Chunk c = chunks[(int) (i >>> CHUNK_BITS)];
      int o = (int) (i & (CHUNK - 1));
      if (entry.length > c.entries[o].length) {
        throw new IllegalArgumentException("a scrub may not make entry " + index + " longer");
      }
      c.entries[o] = entry; // one reference store: a reader sees the old array or the new one
    });
    scrubbed = number;
  }

  @Override
  public long scrubbedThrough() {
    return scrubbed;
  }

  @Override
  public void flush() {
    // nothing to make durable
  }

  @Override
  public void close() {
    closed = true;
  }

  private void check(long index) {
    if (index < 1 || index > last) {
      throw new IllegalArgumentException("no entry " + index + " (log ends at " + last + ")");
    }
  }
}
