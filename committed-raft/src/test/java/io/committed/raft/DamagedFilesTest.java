package io.committed.raft;

import io.committed.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.CommittedException;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of file in a node's data directory, truncated or with bytes changed: the node refuses
 * to start with an error that names the file, never starting with part of its data. Each test
 * damages a fresh copy of one directory holding a snapshot (with full segments and a tail), raft
 * entries after it, and the event log.
 */
class DamagedFilesTest {
  @TempDir
  static Path root;
  static Path template;
  static long entries;

  @TempDir
  Path dir;

  @BeforeAll
  static void writeTemplate() {
    template = root.resolve("template");
    int port = RaftCluster.freePort();
    try (CommittedLog log = builder(template, port).engineOption("snapshotIntervalSeconds", "1").start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> log.status().role() == NodeRole.LEADER);
      LogFixtures.defineTypes(log, "t");
      for (int i = 0; i < 100; i++) {
        log.proposeAndWait(Proposal.of(Entity.upsert("t", "k" + i, "{\"i\":" + i + "}")));
      }
      long covered = log.status().engineCommittedIndex();
      await().atMost(Duration.ofSeconds(60)).until(() -> snapshotIndex(template) >= covered);
      for (int i = 0; i < 20; i++) {
        entries = log.proposeAndWait(Proposal.of(Entity.upsert("t", "after-" + i, "{}")));
      }
    }
  }

  static long snapshotIndex(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d.resolve("snapshots"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snapshot_"))
          .mapToLong(n -> Long.parseLong(n.substring("snapshot_".length()))).max().orElse(0);
    }
  }

  static io.committed.CommittedBuilder builder(Path d, int port) {
    return Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(d)
        .engineOption("electionTimeoutMs", "300").engineOption("leaderWaitMs", "3000")
        .engineOption("segmentEntries", "16");
  }

  /** A copy of the template that keeps its hard links (a snapshot's full segments are links to segments/). */
  private Path copy() throws IOException {
    Path d = dir.resolve("node");
    try {
      Process cp = new ProcessBuilder("cp", "-a", template.toString(), d.toString()).inheritIO().start();
      assertThat(cp.waitFor()).isZero();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return d;
  }

  private static Path snapshotDir(Path d) throws IOException {
    return d.resolve("snapshots").resolve("snapshot_" + snapshotIndex(d));
  }

  private static Path one(Path d, String glob) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      List<Path> found = s.filter(p -> d.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
          .sorted(Comparator.naturalOrder()).toList();
      assertThat(found).as("%s in %s", glob, d).isNotEmpty();
      return found.get(found.size() - 1);
    }
  }

  private static void truncate(Path file, long keep) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(keep);
    }
  }

  private static void flip(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
    }
  }

  private void assertRefusedNaming(Path d, Path file) {
    assertThatThrownBy(() -> builder(d, RaftCluster.freePort()).start().close())
        .isInstanceOf(CommittedException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void theUndamagedCopyStartsWithEveryEntry() throws IOException {
    Path d = copy();
    try (CommittedLog log = builder(d, RaftCluster.freePort()).start()) {
      assertThat(log.lastIndex()).isEqualTo(entries);
    }
  }

  @Test
  void aLostEventLogIsRebuiltFromTheSnapshotAndTheRaftLog() throws IOException {
    Path d = copy();
    try (Stream<Path> files = Files.list(d.resolve("events"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    try (CommittedLog log = builder(d, RaftCluster.freePort()).start()) {
      assertThat(log.lastIndex()).isEqualTo(entries);
      assertThat(log.read(1, 10_000)).hasSize((int) entries);
    }
  }

  @Test
  void raftMetaTruncated() throws IOException {
    Path d = copy();
    Path meta = d.resolve("raft/meta/raft_meta");
    truncate(meta, Files.size(meta) / 2);
    assertRefusedNaming(d, meta);
  }

  @Test
  void raftMetaChanged() throws IOException {
    Path d = copy();
    Path meta = d.resolve("raft/meta/raft_meta");
    flip(meta, Files.size(meta) - 3);
    assertRefusedNaming(d, meta);
  }

  @Test
  void snapshotMetaTruncated() throws IOException {
    Path d = copy();
    Path meta = snapshotDir(d).resolve("__raft_snapshot_meta");
    truncate(meta, Files.size(meta) / 2);
    assertRefusedNaming(d, meta);
  }

  @Test
  void snapshotStateChanged() throws IOException {
    Path d = copy();
    Path state = snapshotDir(d).resolve("state.bin");
    flip(state, Files.size(state) / 2);
    assertRefusedNaming(d, state);
  }

  @Test
  void snapshotStateTruncated() throws IOException {
    Path d = copy();
    Path state = snapshotDir(d).resolve("state.bin");
    truncate(state, Files.size(state) / 2);
    assertRefusedNaming(d, state);
  }

  @Test
  void snapshotTailSegmentTruncated() throws IOException {
    Path d = copy();
    Path tail = one(snapshotDir(d), "events-*.seg");
    truncate(tail, Files.size(tail) - 7);
    assertRefusedNaming(d, tail);
  }

  @Test
  void fullSegmentTruncated() throws IOException {
    Path d = copy();
    Path seg = one(d.resolve("segments"), "events-*.seg");
    truncate(seg, Files.size(seg) - 7);
    assertRefusedNaming(d, seg);
  }

  @Test
  void fullSegmentTruncatedInACopyThatLostItsHardLinks() throws IOException {
    Path d = copy();
    Path seg = one(d.resolve("segments"), "events-*.seg");
    byte[] bytes = Files.readAllBytes(seg);
    Files.delete(seg);
    Files.write(seg, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    assertRefusedNaming(d, seg);
  }

  /**
   * Replaces {@code seg} (a hard link the newest snapshot shares) by a new file of other bytes with
   * a matching {@code .crc}, as the snapshot after a scrub cuts it; the snapshot keeps the old file.
   */
  private static Path cutAgain(Path seg) throws IOException {
    byte[] bytes = Files.readAllBytes(seg);
    bytes[bytes.length - 3] ^= 0x5a;
    Files.delete(seg);
    Files.write(seg, java.util.Arrays.copyOf(bytes, bytes.length - 2));
    Files.writeString(seg.resolveSibling(seg.getFileName() + ".crc"), DataFiles.crc32c(seg));
    return seg;
  }

  @Test
  void aFullSegmentCutAgainAfterAScrubDoesNotMakeTheOlderSnapshotLookDamaged() throws IOException {
    Path d = copy();
    // a scrub rewrote entries and the next snapshot cut the segment again, but the node stopped before that
    // snapshot was complete: segments/ holds the new segment, the newest snapshot still its own older copy
    cutAgain(one(d.resolve("segments"), "events-*.seg"));
    try (CommittedLog log = builder(d, RaftCluster.freePort()).start()) {
      assertThat(log.lastIndex()).isEqualTo(entries);
    }
  }

  @Test
  void anOlderSnapshotsOwnCopyOfASegmentCutAgainIsStillChecked() throws IOException {
    Path d = copy();
    Path seg = cutAgain(one(d.resolve("segments"), "events-*.seg"));
    Path own = snapshotDir(d).resolve(seg.getFileName());
    flip(own, Files.size(own) - 3);
    assertRefusedNaming(d, own);
  }

  @Test
  void fullSegmentChecksumFileChanged() throws IOException {
    Path d = copy();
    Path crc = one(d.resolve("segments"), "events-*.seg.crc");
    Files.writeString(crc, "0");
    assertRefusedNaming(d, crc);
  }

  @Test
  void eventLogFileTruncated() throws IOException {
    Path d = copy();
    Path cq4 = one(d.resolve("events"), "*.cq4");
    truncate(cq4, 4096);
    assertRefusedNaming(d, cq4);
  }

  @Test
  void eventLogFileChanged() throws IOException {
    Path d = copy();
    Path cq4 = one(d.resolve("events"), "*.cq4");
    for (long at = 0; at < 256; at += 8) {
      flip(cq4, at);
    }
    assertRefusedNaming(d, cq4);
  }
}
