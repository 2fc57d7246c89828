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
 * The permanent event log in a Chronicle Queue directory. Each excerpt is one entry, an
 * {@link EventRecord} (index, engine index, length, CRC32C, bytes). Excerpts are appended in index order with no gaps, so entry {@code i} sits at sequence {@code i - first}
 * of the cycle (file) whose first entry is {@code first}; a small map of cycles to first entries
 * finds any entry without scanning, and every read checks the index and the checksum it finds.
 *
 * <p>Appends come from one thread at a time (the engine's apply thread); reads from any thread.
 * Chronicle does not fsync on its own: {@link #flush} checks the records appended since the last
 * flush, forces the files and records in {@code verified} the entry they are good through.
 *
 * <p>A record can be torn although Chronicle committed it: a page of the memory-mapped file that a
 * full disk cannot back (the JVM reports it as an asynchronous {@code InternalError}, possibly after
 * the record was closed), or a power cut that kept the record's header but not its page. Opening
 * the log checks every record after {@code verified}; from the first damaged one on the log reads
 * as ending before it, and the engine's replay of its raft log appends those entries again: each
 * is then written over its old record (a damaged one) or compared with it (a sound one).
 */
final class ChronicleEventLog implements EventLog {
  private final Path dir;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChronicleEventLog.class);
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Held by {@link #flush}: one flush at a time moves {@link #verified}. */
  private final ReentrantLock flushLock = new ReentrantLock();
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
  /** The last entry readers see; below {@link #stored} while damaged records wait for their entries again. */
  private volatile long last;
  /** The last record in the queue's files (written under {@link #writeLock}). */
  private long stored;
  /** Every record through this entry was checked and forced to disk; kept in {@link #verifiedFile}. */
  private long verified;
  private final Path verifiedFile;
  private volatile boolean closed;

  /** Tests in this package write records as releases before checksums did. */
  static volatile boolean writeUnchecked;

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
    this.verifiedFile = dir.resolve("verified");
    try {
      scrubbed = readNumber(scrubbedFile, "the number of the last scrub this event log carried out");
      verified = readNumber(verifiedFile, "the last entry this event log checked and forced to disk");
      loadCycles();
      checkTail();
    } catch (Exception e) {
      queue.close();
      throw e;
    }
  }

  private static long readNumber(Path file, String what) {
    if (!Files.exists(file)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      throw new io.committed.api.CommittedException("cannot read " + file + ", " + what + ": " + e, e);
    }
  }

  /** Writes {@code number} to {@code file} atomically and durably. */
  private void writeNumber(Path file, long number) throws IOException {
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.writeString(tmp, Long.toString(number), java.nio.charset.StandardCharsets.US_ASCII);
    EventSegments.force(tmp);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename
    }
  }

  private static io.committed.api.CommittedException damaged(String what, Exception e) {
    return new io.committed.api.CommittedException("the event log's file " + what + " is damaged (Chronicle Queue: "
        + e + "). " + REJOIN, e);
  }

  /** The file Chronicle keeps cycle {@code cycle} in (named after the cycle's start, in UTC). */
  private String fileOf(int cycle) {
    String name = java.time.format.DateTimeFormatter.ofPattern(rollCycle.format()).withZone(java.time.ZoneOffset.UTC)
        .format(java.time.Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + ".cq4";
    Path file = dir.resolve(name);
    return Files.exists(file) ? file.toString() : "of cycle " + cycle + " in " + dir;
  }

  /** The file holding entry {@code index}, for messages. */
  private String fileOfEntry(long index) {
    writeLock.lock();
    try {
      Map.Entry<Long, Integer> c = cycleByFirstIndex.floorEntry(index);
      return c == null ? "in " + dir : fileOf(c.getValue());
    } finally {
      writeLock.unlock();
    }
  }

  private void loadCycles() {
    int[] current = {queue.firstCycle()};
    try {
      loadCycles(current);
    } catch (io.committed.api.CommittedException e) {
      throw e;
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
      int previous = 0;
      while (true) {
        if (tailer.moveToIndex(rollCycle.toIndex(cycle, 0))) {
          try (DocumentContext dc = tailer.readingDocument()) {
            if (dc.isPresent()) {
              EventRecord r = EventRecord.parse(dc.wire().bytes());
              long first = r.damage() == null ? r.index()
                  : previous == 0 ? 1 // the log starts at entry 1
                  : cycleByFirstIndex.lastKey() + queue.countExcerpts(rollCycle.toIndex(previous, 0),
                      rollCycle.toIndex(cycle, 0)); // a damaged first record: the cycle follows the one before
              cycleByFirstIndex.put(first, cycle);
              previous = cycle;
            }
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
    long end = queue.lastIndex(); // found through Chronicle's index: the last record itself may be torn
    Map.Entry<Long, Integer> lastFirst = cycleByFirstIndex.lastEntry();
    if (end >= 0 || lastFirst != null) {
      if (end < 0 || lastFirst == null || rollCycle.toCycle(end) != lastFirst.getValue()) {
        throw new io.committed.api.CommittedException("the event log's file " + fileOf(lastCycle) + " is damaged:"
            + " its last record (" + Long.toHexString(end) + ") is not in the last file with records. " + REJOIN);
      }
      stored = lastFirst.getKey() + rollCycle.toSequenceNumber(end);
    }
    last = stored;
  }

  /**
   * Checks every record after {@link #verified}. All sound: they are forced to disk and recorded as
   * verified. From the first damaged one on, the log reads as ending before it until the engine
   * appends those entries again ({@link #putBack}).
   */
  private void checkTail() {
    if (verified > stored) {
      throw new io.committed.api.CommittedException("the event log " + dir + " ends at entry " + stored + " but it had"
          + " checked and forced entries up to " + verified + " to disk (" + verifiedFile + "): its files lost"
          + " entries. " + REJOIN);
    }
    if (stored == verified) {
      return;
    }
    long[] sound = {verified};
    try {
      for (long from = verified + 1; from <= stored; from = sound[0] + 1) {
        read(from, 10_000, (i, e, b) -> sound[0] = i, true);
      }
    } catch (DamagedRecord e) {
      last = e.index - 1;
      LOG.warn("the event log {}: {}. It reads as ending at entry {} until the raft log's replay writes entries {}..{}"
          + " again", dir, e.getMessage(), last, e.index, stored);
      return;
    }
    try {
      forceFiles();
      writeNumber(verifiedFile, stored);
      verified = stored;
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("the event log {}: cannot record that its entries up to {} are sound ({}); the next start checks them"
          + " again", dir, stored, e.toString());
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
      if (index <= stored) {
        putBack(index, engineIndex, entry);
      } else {
        write(index, engineIndex, entry);
        stored = index;
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

  private void write(long index, long engineIndex, byte[] entry) {
    if (appenderThread != Thread.currentThread()) {
      if (appender != null) {
        appender.close();
      }
      appender = queue.createAppender();
      appenderThread = Thread.currentThread();
    }
    try (DocumentContext dc = appender.writingDocument()) {
      try {
        EventRecord.write(dc.wire().bytes(), index, engineIndex, entry, !writeUnchecked);
      } catch (Throwable t) {
        // a write that fails half-way must not be committed by closing the context; a full disk faults the
        // memory-mapped file with an InternalError (which may also come later: the checksum catches that)
        dc.rollbackOnClose();
        if (t instanceof InternalError) {
          throw new io.committed.api.CommittedException("cannot write entry " + index + " to the event log " + dir
              + ": the disk is full or failing (" + t.getMessage() + ")", t);
        }
        throw t;
      }
    }
    int cycle = appender.cycle();
    Map.Entry<Long, Integer> lastCycle = cycleByFirstIndex.lastEntry();
    if (lastCycle == null || lastCycle.getValue() != cycle) {
      cycleByFirstIndex.put(index, cycle);
    }
  }

  /**
   * Entry {@code index} again, for a record the log held when it was opened: a damaged record is
   * written over (in its place, same size); a sound one must be of the same engine entry (its bytes
   * may differ: a scrub may have rewritten it).
   */
  private void putBack(long index, long engineIndex, byte[] entry) {
    ExcerptTailer tailer = borrowTailer();
    boolean healthy = false;
    rewriting.writeLock().lock();
    try {
      if (!tailer.moveToIndex(queueIndexOf(index))) {
        throw new IllegalStateException("the event log " + dir + " cannot find the record of entry " + index);
      }
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          throw new IllegalStateException("the event log " + dir + " cannot find the record of entry " + index);
        }
        Bytes<?> b = dc.wire().bytes();
        long at = b.readPosition();
        long size = b.readRemaining();
        EventRecord r = EventRecord.parse(b);
        if (r.damage() == null && !r.rewriting()) {
          if (r.index() != index || r.engineIndex() != engineIndex) {
            throw new IllegalStateException("the event log's file " + fileOfEntry(index) + " holds entry " + r.index()
                + " of engine entry " + r.engineIndex() + " where the engine now writes entry " + index + " of engine"
                + " entry " + engineIndex + ": the event log does not belong to this replicated log. " + REJOIN);
          }
        } else if (EventRecord.writeOver(b, at, size, index, engineIndex, entry)) {
          LOG.info("the event log {}: entry {}, damaged, written again", dir, index);
        } else {
          throw new IllegalStateException("the event log's file " + fileOfEntry(index) + " holds a damaged record of "
              + size + " bytes where entry " + index + " belongs, and the entry its raft log gives is " + entry.length
              + " bytes long: it cannot be written over. " + REJOIN);
        }
      }
      healthy = true;
    } finally {
      rewriting.writeLock().unlock();
      returnTailer(tailer, healthy);
    }
  }

  @Override
  public int read(long fromIndex, int maxEntries, Visitor visitor) {
    return read(fromIndex, maxEntries, visitor, false);
  }

  /**
   * Reads entries; with {@code strict}, a record a rewrite left unfinished (its checksum not yet
   * current) counts as damaged too.
   */
  private int read(long fromIndex, int maxEntries, Visitor visitor, boolean strict) {
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
    long damagedAt = 0;
    String damage = null;
    ExcerptTailer tailer = borrowTailer();
    boolean healthy = false;
    rewriting.readLock().lock();
    try {
      if (!tailer.moveToIndex(start)) {
        damagedAt = fromIndex;
        damage = "cannot be found";
      }
      for (long expected = fromIndex; damage == null && expected <= end; expected++) {
        EventRecord r;
        try (DocumentContext dc = tailer.readingDocument()) {
          r = dc.isPresent() ? EventRecord.parse(dc.wire().bytes()) : null;
        }
        damage = r == null ? "is missing (the files end before it)"
            : r.damage() != null ? r.damage()
            : r.index() != expected ? "holds entry " + r.index()
            : strict && r.rewriting() ? "was being rewritten when the node stopped" : null;
        if (damage != null) {
          damagedAt = expected;
        } else {
          visitor.visit(r.index(), r.engineIndex(), r.entry());
          n++;
        }
      }
      healthy = damage == null;
    } catch (InternalError e) { // a page of the file that cannot be read (or allocated, on a full tmpfs)
      throw new io.committed.api.CommittedException("cannot read the event log " + dir + " from entry " + fromIndex
          + ": " + e.getMessage(), e);
    } finally {
      rewriting.readLock().unlock();
      returnTailer(tailer, healthy);
    }
    if (damage != null) { // named outside the read lock: finding the file takes the write lock
      throw new DamagedRecord(damagedAt, damage, fileOfEntry(damagedAt));
    }
    return n;
  }

  private static final String REJOIN = "The node does not start with part of its event log; when it is one of"
      + " several voters, let it rejoin empty (on a running node remove it from the group, move this data directory"
      + " aside, start the node with join=true and add it again); otherwise restore the data directory from a backup";

  /** A record that is not the entry it should be. */
  private static final class DamagedRecord extends IllegalStateException {
    final long index;

    DamagedRecord(long index, String damage, String file) {
      super("the event log's record of entry " + index + " in its file " + file + " " + damage + ". A record"
          + " appended since the node's last snapshot is written again from its raft log when the node restarts;"
          + " an older one cannot be: then move the data directory aside and let the node catch up from the others");
      this.index = index;
    }
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
      try {
        writeNumber(scrubbedFile, number);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot record in " + scrubbedFile + " that scrub " + number + " is done", e);
      }
      scrubbed = number;
    } finally {
      scrubLock.unlock();
    }
  }

  @Override
  public long scrubbedThrough() {
    return scrubbed;
  }

  /** Overwrites entry {@code index}'s record where it lies in its file ({@link EventRecord#rewriteEntry}). */
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
        EventRecord.rewriteEntry(b, at, index, entry);
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

  /**
   * Checks the records appended since the last flush (a damaged one fails the flush: the snapshot
   * that asked for it is not taken, and the node's restart writes it again), forces the files, and
   * records the entry they are sound through.
   */
  @Override
  public void flush() {
    flushLock.lock();
    try {
      checkOpen();
      long upTo = last;
      for (long from = verified + 1; from <= upTo; from += 10_000) {
        read(from, (int) Math.min(10_000, upTo - from + 1), (i, e, b) -> { }, true);
      }
      writeLock.lock();
      try {
        checkOpen();
        forceFiles();
      } finally {
        writeLock.unlock();
      }
      if (upTo > verified) {
        writeNumber(verifiedFile, upTo);
        verified = upTo;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the event log " + dir + " durable", e);
    } finally {
      flushLock.unlock();
    }
  }

  private void forceFiles() {
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
