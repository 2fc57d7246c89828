package io.committed.raft;

import io.committed.engine.EventLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
    // one pass over the entries not in a full segment yet: cut full segments as they fill up, the
    // rest becomes this snapshot's tail
    SegmentWriter open = null;
    while (next <= lastIndex) {
      List<byte[]> bodies = new ArrayList<>();
      long[] engineIndexes = new long[1024];
      int n = events.read(next, (int) Math.min(1024, lastIndex - next + 1), (i, e, body) -> {
        engineIndexes[bodies.size()] = e;
        bodies.add(body);
      });
      if (n == 0) {
        throw new IllegalStateException("the event log ends at " + events.lastIndex() + ", before entry " + next);
      }
      for (int k = 0; k < n; k++) {
        if (open == null) {
          open = new SegmentWriter(dir.resolve("cutting.tmp"), next + k);
        }
        open.write(next + k, engineIndexes[k], bodies.get(k));
        if (open.count >= maxEntries || open.bytes >= maxBytes) {
          full.add(open.finish(dir, true));
          open = null;
        }
      }
      next += n;
    }
    List<Segment> out = new ArrayList<>();
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
    if (open != null) {
      out.add(open.finish(target, false));
    }
    return out;
  }

  /**
   * Deletes the full segments holding entry {@code index} or later (a scrub rewrote it): the next
   * snapshot cuts them again from the event log. Snapshots that link them keep their copies until
   * JRaft deletes those snapshots.
   */
  void dropFrom(long index) throws IOException {
    for (Segment s : list(dir)) {
      if (s.last() >= index) {
        Files.deleteIfExists(dir.resolve(s.file().getFileName() + ".crc")); // first: a segment without it is cut again
        Files.delete(s.file());
      }
    }
  }

  /** Writes one segment's records to a temporary file, checksumming them. */
  private static final class SegmentWriter {
    private final Path tmp;
    private final long first;
    private final CRC32C crc = new CRC32C();
    private final DataOutputStream out;
    private long last;
    private int count;
    private long bytes;

    SegmentWriter(Path tmp, long first) throws IOException {
      this.tmp = tmp;
      this.first = first;
      this.out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(Files.newOutputStream(tmp), crc),
          1 << 16));
    }

    void write(long index, long engineIndex, byte[] body) throws IOException {
      out.writeLong(index);
      out.writeLong(engineIndex);
      out.writeInt(body.length);
      out.write(body);
      last = index;
      count++;
      bytes += 20 + body.length;
    }

    /** Closes, forces and renames the file into {@code directory}; a full segment also gets its {@code .crc}. */
    Segment finish(Path directory, boolean full) throws IOException {
      out.close();
      force(tmp);
      String checksum = Long.toHexString(crc.getValue());
      Path file = directory.resolve(name(first, last));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (full) {
        Path crcFile = directory.resolve(name(first, last) + ".crc");
        Files.writeString(crcFile, checksum);
        force(crcFile);
      }
      return new Segment(file, first, last, checksum);
    }
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
