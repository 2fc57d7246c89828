package io.committed.internal.ingest;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The keys of a type whose last entity in the log is an upsert, found by folding the log from entry
 * 1: a full scan, with the live keys held in memory until it ends.
 */
final class LiveKeys {
  /** Entries read per page: bounds the memory of the entries being folded. */
  static final int PAGE = 1000;

  /** Reads committed entries, as {@link io.committed.CommittedLog#read}. */
  interface Source {
    List<LogEntry> read(long fromIndex, int maxEntries);
  }

  private LiveKeys() {}

  /** Calls {@code action} with each live key of {@code typeId} among entries 1 to {@code upTo}. */
  static void forEach(Source source, long upTo, String typeId, Consumer<byte[]> action) {
    for (ByteBuffer key : scan(source, upTo, typeId)) {
      action.accept(key.array());
    }
  }

  /** The live keys of {@code typeId} among entries 1 to {@code upTo}, each wrapping its own array. */
  static Set<ByteBuffer> scan(Source source, long upTo, String typeId) {
    Set<ByteBuffer> live = new LinkedHashSet<>();
    long next = 1;
    while (next <= upTo) {
      List<LogEntry> page = source.read(next, (int) Math.min(PAGE, upTo - next + 1));
      if (page.isEmpty()) {
        break; // the log ends before upTo
      }
      for (LogEntry e : page) {
        if (e.index() > upTo) {
          return live;
        }
        for (Entity x : e.entities()) {
          if (x.typeId().equals(typeId)) {
            ByteBuffer key = ByteBuffer.wrap(x.key()); // a copy: ours to keep
            if (x.delete()) {
              live.remove(key);
            } else {
              live.add(key);
            }
          }
        }
        next = e.index() + 1;
      }
    }
    return live;
  }
}
