package io.committed.raft;

import io.committed.api.LogClosedException;
import io.committed.engine.EventLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The permanent event log in a Chronicle Queue directory. Each excerpt is one entry:
 * {@code long index, long engineIndex, int length, byte[length] entry}. Excerpts are appended in
 * index order with no gaps, so entry {@code i} sits at sequence {@code i - first} of the cycle
 * (file) whose first entry is {@code first}; a small map of cycles to first entries finds any
 * entry without scanning, and every read checks the index it finds.
 *
 * <p>Appends come from one thread at a time (the engine's apply thread); reads from any thread.
 * Chronicle does not fsync on its own: {@link #flush} forces its files.
 */
final class ChronicleEventLog implements EventLog {
  private final Path dir;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private final ReentrantLock writeLock = new ReentrantLock();
  /** First entry index of each cycle, by cycle; written under {@link #writeLock}, read under it too. */
  private final TreeMap<Long, Integer> cycleByFirstIndex = new TreeMap<>();
  /**
   * Tailers reused across reads: creating one maps the file's index anew and is slow (Chronicle's
   * thread-local cleanup made it quadratic). A tailer is used by one thread at a time.
   */
  private final java.util.concurrent.ConcurrentLinkedDeque<ExcerptTailer> tailers =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private static final int MAX_IDLE_TAILERS = 16;
  /** Fault injection for crash tests in this package: runs after each append, on the appending thread. */
  static volatile java.util.function.LongConsumer afterAppend;
  /**
   * Held by a read while it reads records, and exclusively while a scrub rewrites one: a reader
   * never sees a record half rewritten.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock rewriting =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** Held for a whole scrub; whoever copies the log's entries elsewhere (snapshot segments) holds it too. */
  private final ReentrantLock scrubLock = new ReentrantLock();
  /** Told, under {@link #scrubLock}, the first entry a scrub rewrote, before the scrub is recorded as done. */
  private volatile java.util.function.LongConsumer scrubbedFrom = from -> {};
  private final Path scrubbedFile;
  private volatile long scrubbed;
  private ExcerptAppender appender;
  private Thread appenderThread;
  private volatile long last;
  private volatile boolean closed;

  ChronicleEventLog(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the event log directory " + dir, e);
    }
    try {
      this.queue = SingleChronicleQueueBuilder.binary(dir).build();
    } catch (Exception e) { // Chronicle throws checked exceptions unchecked (StreamCorruptedException)
      throw damaged(dir.resolve("metadata.cq4t") + " or another file of " + dir, e);
    }
    this.rollCycle = queue.rollCycle();
    this.scrubbedFile = dir.resolve("scrubbed");
    try {
      scrubbed = readScrubbed();
      loadCycles();
    } catch (Exception e) {
      queue.close();
      throw e;
    }
  }

  private long readScrubbed() {
    if (!Files.exists(scrubbedFile)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(scrubbedFile, java.nio.charset.StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      throw new io.committed.api.CommittedException("cannot read " + scrubbedFile + ", the number of the last scrub"
          + " this event log carried out: " + e, e);
    }
  }

  private static io.committed.api.CommittedException damaged(String what, Exception e) {
    return new io.committed.api.CommittedException("the event log's file " + what + " is damaged (Chronicle Queue: "
        + e + "). The node does not start with part of its event log; when it is one of several voters, let it"
        + " rejoin empty (on a running node remove it from the group, move this data directory aside, start the node"
        + " with join=true and add it again); otherwise restore the data directory from a backup", e);
  }

  /** The file Chronicle keeps cycle {@code cycle} in (named after the cycle's start, in UTC). */
  private String fileOf(int cycle) {
    String name = java.time.format.DateTimeFormatter.ofPattern(rollCycle.format()).withZone(java.time.ZoneOffset.UTC)
        .format(java.time.Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + ".cq4";
    Path file = dir.resolve(name);
    return Files.exists(file) ? file.toString() : "of cycle " + cycle + " in " + dir;
  }

  private void loadCycles() {
    int[] current = {queue.firstCycle()};
    try {
      loadCycles(current);
    } catch (Exception e) { // Chronicle throws checked exceptions unchecked
      throw damaged(fileOf(current[0]), e);
    }
  }

  private void loadCycles(int[] current) {
    int cycle = current[0];
    int lastCycle = queue.lastCycle();
    if (cycle == Integer.MAX_VALUE || lastCycle == Integer.MIN_VALUE) {
      return; // empty
    }
    try (ExcerptTailer tailer = queue.createTailer()) {
      while (true) {
        if (tailer.moveToIndex(rollCycle.toIndex(cycle, 0))) {
          long[] first = new long[1];
          try (DocumentContext dc = tailer.readingDocument()) {
            if (dc.isPresent()) {
              first[0] = dc.wire().bytes().readLong();
            }
          }
          if (first[0] > 0) {
            cycleByFirstIndex.put(first[0], cycle);
          }
        }
        if (cycle >= lastCycle) {
          break;
        }
        int next = queue.nextCycle(cycle, TailerDirection.FORWARD);
        if (next <= cycle) {
          break;
        }
        cycle = next;
        current[0] = cycle;
      }
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("the event log in " + dir + " has a file with an unreadable name", e);
    }
    current[0] = lastCycle;
    try (ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        DocumentContext dc = tailer.readingDocument()) {
      if (dc.isPresent()) {
        last = dc.wire().bytes().readLong();
      }
    }
  }

  @Override
  public long lastIndex() {
    return last;
  }

  @Override
  public long engineIndexOf(long index) {
    long[] out = new long[1];
    if (read(index, 1, (i, e, body) -> out[0] = e) != 1 || index < 1) {
      throw new IllegalArgumentException("no entry " + index + " (the event log ends at " + last + ")");
    }
    return out[0];
  }

  @Override
  public void append(long index, long engineIndex, byte[] entry) {
    writeLock.lock();
    try {
      checkOpen();
      if (index != last + 1) {
        throw new IllegalStateException("append of entry " + index + " after " + last + " in the event log " + dir);
      }
      if (appenderThread != Thread.currentThread()) {
        if (appender != null) {
          appender.close();
        }
        appender = queue.createAppender();
        appenderThread = Thread.currentThread();
      }
      try (DocumentContext dc = appender.writingDocument()) {
        try {
          Bytes<?> b = dc.wire().bytes();
          b.writeLong(index);
          b.writeLong(engineIndex);
          b.writeInt(entry.length);
          b.write(entry);
        } catch (Throwable t) {
          // a write that fails half-way (a full disk faults the memory-mapped file with an InternalError) must not
          // leave a torn record behind: closing the context would otherwise commit what was written
          dc.rollbackOnClose();
          throw t;
        }
      }
      int cycle = appender.cycle();
      Map.Entry<Long, Integer> lastCycle = cycleByFirstIndex.lastEntry();
      if (lastCycle == null || lastCycle.getValue() != cycle) {
        cycleByFirstIndex.put(index, cycle);
      }
      last = index;
    } finally {
      writeLock.unlock();
    }
    java.util.function.LongConsumer hook = afterAppend;
    if (hook != null) {
      hook.accept(index);
    }
  }

  @Override
  public int read(long fromIndex, int maxEntries, Visitor visitor) {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex must be >= 1, was " + fromIndex);
    }
    long end = Math.min(last, fromIndex + maxEntries - 1);
    if (end < fromIndex) {
      return 0;
    }
    checkOpen();
    long start = queueIndexOf(fromIndex);
    int n = 0;
    ExcerptTailer tailer = borrowTailer();
    boolean healthy = false;
    rewriting.readLock().lock();
    try {
      if (!tailer.moveToIndex(start)) {
        throw new IllegalStateException("the event log " + dir + " cannot find entry " + fromIndex);
      }
      for (long expected = fromIndex; expected <= end; expected++) {
        long index;
        long engineIndex;
        byte[] entry;
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            throw new IllegalStateException("the event log " + dir + " ends before entry " + expected);
          }
          Bytes<?> b = dc.wire().bytes();
          index = b.readLong();
          engineIndex = b.readLong();
          int length = b.readInt();
          if (length < 0 || length > b.readRemaining()) {
            throw new IllegalStateException("the event log " + dir + " holds a damaged record where entry " + expected
                + " belongs (it declares " + length + " bytes, " + b.readRemaining() + " follow): its files are"
                + " damaged. Stop this node, move its data directory aside and let it catch up.");
          }
          entry = new byte[length];
          b.read(entry);
        }
        if (index != expected) {
          throw new IllegalStateException("the event log " + dir + " holds entry " + index + " where entry " + expected
              + " belongs: its files are damaged. Stop this node, move its data directory aside and let it catch up.");
        }
        visitor.visit(index, engineIndex, entry);
        n++;
      }
      healthy = true;
    } finally {
      rewriting.readLock().unlock();
      returnTailer(tailer, healthy);
    }
    return n;
  }

  /** Sets what a scrub tells about the first entry it rewrote (see {@link #scrubLock()}). */
  void onScrubbed(java.util.function.LongConsumer from) {
    this.scrubbedFrom = from;
  }

  /** The lock a scrub holds throughout; holding it keeps entries from being rewritten meanwhile. */
  ReentrantLock scrubLock() {
    return scrubLock;
  }

  @Override
  public void scrub(long number, ScrubPass pass) {
    checkOpen();
    scrubLock.lock();
    try {
      long[] first = {Long.MAX_VALUE};
      pass.run((index, entry) -> {
        rewrite(index, entry);
        first[0] = Math.min(first[0], index);
      });
      if (first[0] != Long.MAX_VALUE) {
        flush();
        scrubbedFrom.accept(first[0]);
      }
      writeScrubbed(number);
    } finally {
      scrubLock.unlock();
    }
  }

  @Override
  public long scrubbedThrough() {
    return scrubbed;
  }

  private void writeScrubbed(long number) {
    Path tmp = dir.resolve("scrubbed.tmp");
    try {
      Files.writeString(tmp, Long.toString(number), java.nio.charset.StandardCharsets.US_ASCII);
      EventSegments.force(tmp);
      Files.move(tmp, scrubbedFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record in " + scrubbedFile + " that scrub " + number + " is done", e);
    }
    scrubbed = number;
  }

  /**
   * Overwrites entry {@code index}'s record where it lies in its file: the new length and bytes,
   * then zeros over what is left of the old bytes. The record keeps its size in the queue.
   */
  private void rewrite(long index, byte[] entry) {
    if (index < 1 || index > last) {
      throw new IllegalArgumentException("no entry " + index + " to scrub (the event log ends at " + last + ")");
    }
    long start = queueIndexOf(index);
    ExcerptTailer tailer = borrowTailer();
    boolean healthy = false;
    rewriting.writeLock().lock();
    try {
      if (!tailer.moveToIndex(start)) {
        throw new IllegalStateException("the event log " + dir + " cannot find entry " + index);
      }
      try (DocumentContext dc = tailer.readingDocument()) {
        Bytes<?> b = dc.wire().bytes();
        long at = b.readPosition();
        if (!dc.isPresent() || b.readLong(at) != index) {
          throw new IllegalStateException("the event log " + dir + " does not hold entry " + index + " where it"
              + " belongs: its files are damaged");
        }
        int old = b.readInt(at + 16);
        if (entry.length > old) {
          throw new IllegalArgumentException("a scrub may not make entry " + index + " longer (" + old + " to "
              + entry.length + " bytes)");
        }
        long body = at + 20;
        b.write(body, entry, 0, entry.length);
        for (long p = body + entry.length; p < body + old; p++) {
          b.writeByte(p, (byte) 0);
        }
        b.writeInt(at + 16, entry.length);
      }
      healthy = true;
    } finally {
      rewriting.writeLock().unlock();
      returnTailer(tailer, healthy);
    }
  }

  /** Chronicle's index of entry {@code index}: its cycle's, and its place in it. */
  private long queueIndexOf(long index) {
    writeLock.lock();
    try {
      Map.Entry<Long, Integer> c = cycleByFirstIndex.floorEntry(index);
      if (c == null) {
        throw new IllegalStateException("the event log " + dir + " has no file holding entry " + index);
      }
      return rollCycle.toIndex(c.getValue(), index - c.getKey());
    } finally {
      writeLock.unlock();
    }
  }

  private ExcerptTailer borrowTailer() {
    ExcerptTailer t = tailers.pollFirst();
    if (t == null) {
      t = queue.createTailer();
      t.singleThreadedCheckDisabled(true); // handed from thread to thread, one at a time
    }
    return t;
  }

  private void returnTailer(ExcerptTailer t, boolean healthy) {
    if (healthy && !closed && tailers.size() < MAX_IDLE_TAILERS) {
      tailers.addFirst(t);
      if (closed && tailers.remove(t)) {
        t.close();
      }
    } else {
      t.close();
    }
  }

  @Override
  public void flush() {
    writeLock.lock();
    try {
      checkOpen();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          // fsync of a file whose pages are clean costs next to nothing, so every file is forced
          if (name.endsWith(".cq4t") || name.endsWith(".cq4")) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
              ch.force(true); // fsync also writes the pages Chronicle dirtied through its mapping
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make the event log " + dir + " durable", e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      ExcerptTailer t;
      while ((t = tailers.pollFirst()) != null) {
        t.close();
      }
      if (appender != null) {
        appender.close();
      }
      queue.close();
    } finally {
      writeLock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new LogClosedException("the event log " + dir + " is closed");
    }
  }
}
