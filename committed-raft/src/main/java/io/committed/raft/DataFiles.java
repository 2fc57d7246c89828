package io.committed.raft;

import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import com.google.protobuf.ByteString;
import io.committed.api.CommittedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Checks, before JRaft starts, the files it and the snapshot store would otherwise read silently or
 * reject with a message naming no file: the raft meta, the newest snapshot (its metadata, and each
 * file it lists against the size and checksum recorded when it was taken) and the segment checksum
 * files. JRaft keeps only its newest snapshot, so that is the one checked.
 *
 * <p>Cost: every file's size, and the checksums of the small or recent files read in full (the
 * state, the snapshot's tail segment); a full segment is read only when a follower installs it
 * ({@link SnapshotStore#load}), since the segments together are as large as the event log.
 */
final class DataFiles {
  private static final String SIZE = "size=";
  private static final String REJOIN = "when the node is one of several voters, let it rejoin empty (on a running node"
      + " remove it from the group, move this data directory aside, start the node with join=true and add it again);"
      + " otherwise restore the data directory from a backup";

  private DataFiles() {}

  /** The file meta a snapshot records for a file: its CRC32C and its size. */
  static LocalFileMeta meta(String checksum, long size) {
    return LocalFileMeta.newBuilder().setChecksum(checksum)
        .setUserMeta(ByteString.copyFrom(SIZE + size, StandardCharsets.US_ASCII)).build();
  }

  /** The size recorded by {@link #meta}, or -1 for a file recorded without one (older snapshots). */
  static long recordedSize(LocalFileMeta meta) {
    String user = meta == null || !meta.hasUserMeta() ? "" : meta.getUserMeta().toString(StandardCharsets.US_ASCII);
    return user.startsWith(SIZE) ? Long.parseLong(user.substring(SIZE.length())) : -1;
  }

  static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return Long.toHexString(crc.getValue());
  }

  /**
   * @throws CommittedException naming the first damaged file found and what to do
   */
  static void verify(Path dataDir) {
    try {
      verifyRaftMeta(dataDir.resolve("raft").resolve("meta").resolve("raft_meta"));
      Map<String, String> segmentChecksums = segmentChecksums(dataDir.resolve("segments"));
      Path snapshot = newestSnapshot(dataDir.resolve("snapshots"));
      if (snapshot != null) {
        verifySnapshot(snapshot, dataDir.resolve("segments"), segmentChecksums);
      }
    } catch (IOException e) {
      throw new CommittedException("cannot read the data directory " + dataDir + ": " + e, e);
    }
  }

  private static void verifyRaftMeta(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    boolean readable;
    try {
      // as JRaft's LocalRaftMetaStorage reads it: the term, and the peer voted for
      StablePBMeta meta = new ProtoBufFile(file.toString()).load();
      readable = meta != null && meta.getTerm() >= 0
          && (meta.getVotedfor().isEmpty() || new PeerId().parse(meta.getVotedfor()));
    } catch (IOException | RuntimeException e) {
      readable = false;
    }
    if (!readable) {
      throw damaged(file, "JRaft cannot read it (the term and vote this node last recorded)", REJOIN);
    }
  }

  private static Map<String, String> segmentChecksums(Path dir) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (EventSegments.Segment s : EventSegments.list(dir)) {
      if (s.checksum() != null) {
        Path crc = s.file().resolveSibling(s.file().getFileName() + ".crc");
        if (!s.checksum().matches("[0-9a-f]{1,16}")) {
          throw damaged(crc, "it does not hold a checksum", CRC_FIX);
        }
        out.put(s.file().getFileName().toString(), s.checksum());
      }
    }
    return out;
  }

  private static Path newestSnapshot(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Path newest = null;
    long index = -1;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && name.matches("snapshot_\\d+")) {
          long i = Long.parseLong(name.substring("snapshot_".length()));
          if (i > index) {
            index = i;
            newest = p;
          }
        }
      }
    }
    return newest;
  }

  private static void verifySnapshot(Path snapshot, Path segments, Map<String, String> segmentChecksums)
      throws IOException {
    Path metaFile = snapshot.resolve("__raft_snapshot_meta");
    String fix = REJOIN;
    LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
    boolean loaded;
    try {
      loaded = Files.exists(metaFile) && table.loadFromFile(metaFile.toString()) && table.hasMeta();
    } catch (IOException | RuntimeException e) {
      loaded = false;
    }
    if (!loaded) {
      throw damaged(metaFile, "JRaft cannot read it (the snapshot's index, term, members and file list)", fix);
    }
    for (String name : table.listFiles()) {
      Path file = snapshot.resolve(name);
      LocalFileMeta meta = table.getFileMeta(name);
      if (!Files.exists(file)) {
        throw damaged(file, "the snapshot lists it but it is missing", fix);
      }
      String segmentChecksum = segmentChecksums.get(name);
      long size = recordedSize(meta);
      String checksum = meta == null || !meta.hasChecksum() ? null : meta.getChecksum();
      Path kept = segments.resolve(name);
      if (segmentChecksum != null && checksum != null && !segmentChecksum.equals(checksum)
          && !Files.isSameFile(file, kept) && DataFiles.crc32c(kept).equals(segmentChecksum)) {
        // segments/<name> was cut again after a scrub rewrote its entries (it matches its own checksum): this
        // older snapshot keeps its own copy, which is checked on its own
        segmentChecksum = null;
      }
      String same = segmentChecksum == null ? "" : " (the same file as " + kept + ")";
      if (size >= 0 && Files.size(file) != size) {
        throw damaged(file, "it has " + Files.size(file) + " bytes, the snapshot recorded " + size + same, fix);
      }
      if (checksum == null) {
        continue;
      }
      if (segmentChecksum != null && size >= 0 && Files.size(kept) != size) {
        // not the snapshot's own file (a copy that did not keep hard links): the next snapshot would link it
        throw damaged(kept, "it has " + Files.size(kept) + " bytes, the snapshot recorded " + size + " for it", fix);
      }
      if (segmentChecksum != null) {
        // a full segment: the same file as segments/<name> (a hard link), read when a follower installs it
        if (!segmentChecksum.equals(checksum)) {
          throw damaged(segments.resolve(name + ".crc"), "it holds " + segmentChecksum + " but the snapshot recorded "
              + checksum + " for " + name, CRC_FIX);
        }
      } else if (!crc32c(file).equals(checksum)) {
        throw damaged(file, "its checksum does not match the one the snapshot recorded", fix);
      }
    }
  }

  private static final String CRC_FIX = "delete that .crc file: the segment is then checked in full at the next start"
      + " and cut again from the event log at the next snapshot";

  private static CommittedException damaged(Path file, String why, String fix) {
    return new CommittedException("the data directory's file " + file + " is damaged: " + why
        + ". The node does not start with part of its data; " + fix);
  }

  /** The full segment checksums recorded for each file of a snapshot, by name (for the installer). */
  static String checksumOf(LocalFileMeta meta) {
    return meta == null || !meta.hasChecksum() ? null : meta.getChecksum();
  }
}
