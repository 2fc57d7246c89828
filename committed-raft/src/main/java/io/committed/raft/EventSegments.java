package io.committed.raft;

import io.committed.engine.EventLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The event log cut into segment files that a snapshot carries, so that a follower that missed
 * entries the leader no longer keeps in its raft log rebuilds its event log from the snapshot.
 *
 * <p>Segments are cut at points that depend only on the log's contents (a segment ends when it
 * holds {@code maxEntries} entries or {@code maxBytes} bytes), so every node cuts the same
 * segments with the same bytes and the same checksum: JRaft's snapshot copier then skips the
 * segments a follower already has. Full segments are immutable and kept once in
 * {@code dataDir/segments}; each snapshot hard-links them and adds the unfinished tail.
 *
 * <p>A segment file is a sequence of records {@code long index, long engineIndex, int length,
 * byte[length] entry}; its name is {@code events-<first>-<last>.seg} (20-digit indexes).
 */
final class EventSegments {
  static final Pattern NAME = Pattern.compile("events-(\\d{20})-(\\d{20})\\.seg");

  /** A segment file and the entries it holds. */
  record Segment(Path file, long first, long last, String checksum) {}

  private final Path dir;
  private final int maxEntries;
  private final long maxBytes;

  EventSegments(Path dir, int maxEntries, long maxBytes) {
    this.dir = dir;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  static String name(long first, long last) {
    return String.format("events-%020d-%020d.seg", first, last);
  }

  /**
   * Writes what a snapshot covering entries 1..{@code lastIndex} needs into {@code target}: links
   * to the full segments (cutting new ones from {@code events} first) and a fresh tail segment.
   * Every file written is forced to disk.
   *
   * @return the segments in {@code target}, in index order
   */
  List<Segment> export(EventLog events, long lastIndex, Path target) throws IOException {
    Files.createDirectories(dir);
    List<Segment> full = fullSegments();
    long next = full.isEmpty() ? 1 : full.get(full.size() - 1).last() + 1;
    List<Segment> out = new ArrayList<>();
    while (next <= lastIndex) {
      Segment s = write(events, next, lastIndex, dir);
      if (s == null) {
        break; // the rest is a tail
      }
      full.add(s);
      next = s.last() + 1;
    }
    for (Segment s : full) {
      Path link = target.resolve(s.file().getFileName());
      Files.deleteIfExists(link);
      try {
        Files.createLink(link, s.file());
      } catch (UnsupportedOperationException | IOException e) {
        Files.copy(s.file(), link, StandardCopyOption.REPLACE_EXISTING);
      }
      out.add(new Segment(link, s.first(), s.last(), s.checksum()));
    }
    if (next <= lastIndex) {
      out.add(writeTail(events, next, lastIndex, target));
    }
    return out;
  }

  /** The full segments kept in this node's segment directory, in index order. */
  List<Segment> fullSegments() throws IOException {
    List<Segment> segments = list(dir);
    // a crash while cutting leaves a temporary file; a segment without its checksum is rewritten
    segments.removeIf(s -> s.checksum() == null);
    return segments;
  }

  /** The segments in a directory, in index order, with checksums where a {@code .crc} file has one. */
  static List<Segment> list(Path directory) throws IOException {
    List<Segment> out = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return out;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          Path crc = f.resolveSibling(f.getFileName() + ".crc");
          String checksum = Files.exists(crc) ? Files.readString(crc).trim() : null;
          out.add(new Segment(f, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), checksum));
        }
      }
    }
    out.sort(java.util.Comparator.comparingLong(Segment::first));
    return out;
  }

  /** Cuts the full segment that starts at {@code first}, or returns null when it would end after {@code lastIndex}. */
  private Segment write(EventLog events, long first, long lastIndex, Path target) throws IOException {
    long[] end = {first - 1};
    long[] bytes = {0};
    // find where the segment ends without holding it in memory
    boolean[] complete = {false};
    long from = first;
    while (!complete[0] && from <= lastIndex) {
      int n = events.read(from, 1024, (i, e, body) -> {
        if (complete[0] || i > lastIndex) {
          return;
        }
        end[0] = i;
        bytes[0] += 20 + body.length;
        if (end[0] - first + 1 >= maxEntries || bytes[0] >= maxBytes) {
          complete[0] = true;
        }
      });
      if (n == 0) {
        break;
      }
      from += n;
    }
    if (!complete[0]) {
      return null;
    }
    Path tmp = target.resolve(name(first, end[0]) + ".tmp");
    String checksum = writeRecords(events, first, end[0], tmp);
    Path file = target.resolve(name(first, end[0]));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path crc = target.resolve(name(first, end[0]) + ".crc");
    Files.writeString(crc, checksum);
    force(crc);
    return new Segment(file, first, end[0], checksum);
  }

  private Segment writeTail(EventLog events, long first, long last, Path target) throws IOException {
    Path file = target.resolve(name(first, last));
    String checksum = writeRecords(events, first, last, file);
    return new Segment(file, first, last, checksum);
  }

  private static String writeRecords(EventLog events, long first, long last, Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16))) {
      long from = first;
      IOException[] failure = new IOException[1];
      while (from <= last) {
        int n = events.read(from, (int) Math.min(1024, last - from + 1), (i, e, body) -> {
          try {
            out.writeLong(i);
            out.writeLong(e);
            out.writeInt(body.length);
            out.write(body);
          } catch (IOException x) {
            failure[0] = x;
          }
        });
        if (failure[0] != null) {
          throw failure[0];
        }
        if (n == 0) {
          throw new IllegalStateException("the event log ends at " + events.lastIndex() + ", before entry " + from);
        }
        from += n;
      }
    }
    force(file);
    return Long.toHexString(crc.getValue());
  }

  static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Receives the records of a segment. */
  @FunctionalInterface
  interface RecordVisitor {
    void visit(long index, long engineIndex, byte[] entry) throws IOException;
  }

  /** Reads a segment file's records in order. */
  static void read(Path file, RecordVisitor visitor) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      while (true) {
        long index;
        try {
          index = in.readLong();
        } catch (EOFException end) {
          return;
        }
        long engineIndex = in.readLong();
        byte[] entry = new byte[in.readInt()];
        in.readFully(entry);
        visitor.visit(index, engineIndex, entry);
      }
    }
  }
}
