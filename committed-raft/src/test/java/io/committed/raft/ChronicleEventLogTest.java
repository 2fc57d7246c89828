package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogClosedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleEventLogTest {
  @TempDir
  Path dir;

  private static byte[] body(long i) {
    return ("entry-" + i + "-" + "x".repeat((int) (i % 50))).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void appendsReadsAndSurvivesAReopen() {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isZero();
      assertThat(log.read(1, 10, (i, e, b) -> { })).isZero();
      for (long i = 1; i <= 2000; i++) {
        log.append(i, i * 10, body(i));
      }
      log.flush();
      assertThat(log.lastIndex()).isEqualTo(2000);
      assertThat(log.engineIndexOf(1234)).isEqualTo(12340);
      assertThatThrownBy(() -> log.append(2002, 1, new byte[0])).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("2002 after 2000");
      assertThatThrownBy(() -> log.engineIndexOf(2001)).isInstanceOf(IllegalArgumentException.class);
    }
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(2000);
      List<Long> seen = new ArrayList<>();
      assertThat(log.read(1990, 100, (i, e, b) -> {
        assertThat(e).isEqualTo(i * 10);
        assertThat(b).isEqualTo(body(i));
        seen.add(i);
      })).isEqualTo(11);
      assertThat(seen).startsWith(1990L).endsWith(2000L);
      log.append(2001, 20010, body(2001));
      assertThat(log.engineIndexOf(2001)).isEqualTo(20010);
      log.close();
      log.close();
      assertThatThrownBy(() -> log.read(1, 1, (i, e, b) -> { })).isInstanceOf(LogClosedException.class);
    }
  }

  @Property(tries = 20)
  void anyRangeReadsExactlyTheEntriesAppended(@ForAll @IntRange(min = 1, max = 600) int count,
      @ForAll @IntRange(min = 1, max = 700) int from, @ForAll @IntRange(min = 1, max = 300) int max) throws Exception {
    Path d = Files.createTempDirectory("events");
    try (ChronicleEventLog log = new ChronicleEventLog(d)) {
      for (long i = 1; i <= count; i++) {
        log.append(i, i + 7, body(i));
      }
      List<Long> seen = new ArrayList<>();
      int n = log.read(from, max, (i, e, b) -> {
        assertThat(e).isEqualTo(i + 7);
        assertThat(b).isEqualTo(body(i));
        seen.add(i);
      });
      long expected = Math.max(0, Math.min(count, from + max - 1L) - from + 1);
      assertThat(n).isEqualTo((int) expected);
      for (int k = 0; k < seen.size(); k++) {
        assertThat(seen.get(k)).isEqualTo(from + k);
      }
    } finally {
      RaftResilienceIT.deleteRecursively(d);
    }
  }

  @Test
  void manyConcurrentReadersShareTailers() throws Exception {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 500; i++) {
        log.append(i, i, body(i));
      }
      Random r = new Random(7);
      List<Thread> threads = new ArrayList<>();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        long seed = r.nextLong();
        Thread th = new Thread(() -> {
          Random rr = new Random(seed);
          try {
            for (int k = 0; k < 300; k++) {
              long from = 1 + rr.nextInt(500);
              log.read(from, 20, (i, e, b) -> assertThat(b).isEqualTo(body(i)));
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      assertThat(errors).isEmpty();
    }
  }

  private static boolean anyFileContains(Path root, byte[] needle) throws java.io.IOException {
    return !ScrubRaftIT.filesHolding(root, new String(needle, StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aScrubRewritesEntriesInTheirFilesAndLeavesNoOldByteBehind() throws Exception {
    byte[] secret = "secret-of-entry-700".getBytes(StandardCharsets.UTF_8);
    long[] told = {0};
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 1000; i++) {
        log.append(i, i * 10, i == 700 || i == 900 ? ("{" + "secret-of-entry-700" + "}").getBytes(StandardCharsets.UTF_8)
            : body(i));
      }
      log.flush();
      assertThat(anyFileContains(dir, secret)).isTrue(); // the check below can fail
      log.onScrubbed(from -> told[0] = from);

      log.scrub(1, rewriter -> {
        rewriter.rewrite(700, "{}".getBytes(StandardCharsets.UTF_8));
        rewriter.rewrite(900, new byte[0]);
      });

      assertThat(told[0]).isEqualTo(700);
      assertThat(log.scrubbedThrough()).isEqualTo(1);
      assertThat(anyFileContains(dir, secret)).isFalse();
      List<byte[]> read = new ArrayList<>();
      log.read(699, 3, (i, e, b) -> {
        assertThat(e).isEqualTo(i * 10);
        read.add(b);
      });
      assertThat(read.get(0)).isEqualTo(body(699));
      assertThat(new String(read.get(1), StandardCharsets.UTF_8)).isEqualTo("{}");
      assertThat(read.get(2)).isEqualTo(body(701));
      assertThatThrownBy(() -> log.scrub(2, rewriter -> rewriter.rewrite(5, new byte[500])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer");
      assertThatThrownBy(() -> log.scrub(2, rewriter -> rewriter.rewrite(1001, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no entry 1001");
      log.append(1001, 10010, body(1001));
    }
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.scrubbedThrough()).isEqualTo(1);
      assertThat(log.lastIndex()).isEqualTo(1001);
      List<byte[]> read = new ArrayList<>();
      log.read(899, 3, (i, e, b) -> read.add(b));
      assertThat(read.get(0)).isEqualTo(body(899));
      assertThat(read.get(1)).isEmpty();
      assertThat(read.get(2)).isEqualTo(body(901));
      assertThat(anyFileContains(dir, secret)).isFalse();
    }
  }

  /** Where entry {@code i}'s record starts in the log's file (found by its body, which is unique). */
  static long recordAt(Path dir, long i) throws java.io.IOException {
    Path file = cq4(dir);
    byte[] all = Files.readAllBytes(file);
    byte[] needle = ("entry-" + i + "-").getBytes(StandardCharsets.UTF_8);
    outer:
    for (int p = 0; p + needle.length <= all.length; p++) {
      for (int k = 0; k < needle.length; k++) {
        if (all[p + k] != needle[k]) {
          continue outer;
        }
      }
      return p - 24;
    }
    throw new AssertionError("entry " + i + " is not in " + file);
  }

  static Path cq4(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".cq4")).toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  /** Writes {@code bytes} at {@code position} of the log's file, as a torn write or a bad disk would leave it. */
  static void overwrite(Path dir, long position, byte[] bytes) throws java.io.IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(cq4(dir),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes), position);
    }
  }

  @Test
  void aRecordTornAfterTheLastFlushIsWrittenAgainWhenTheEngineAppendsItsEntryAgain() throws Exception {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 400; i++) {
        log.append(i, i * 10, body(i));
        if (i == 300) {
          log.flush();
        }
      }
    }
    overwrite(dir, recordAt(dir, 350) + 24 + 4, new byte[4]); // zeros inside the body: a page that never made it
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(349);
      assertThat(log.read(340, 100, (i, e, b) -> { })).isEqualTo(10);
      assertThatThrownBy(() -> log.append(350, 3500, body(351))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("entry 350").hasMessageContaining("cannot be written over");
      assertThat(log.lastIndex()).isEqualTo(349);
      for (long i = 350; i <= 400; i++) { // the raft log's replay
        log.append(i, i * 10, body(i));
      }
      assertThatThrownBy(() -> log.append(400, 4000, body(400))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("400 after 400"); // nothing was appended twice
      log.append(401, 4010, body(401));
      assertThat(log.read(1, 1000, (i, e, b) -> {
        assertThat(e).isEqualTo(i * 10);
        assertThat(b).isEqualTo(body(i));
      })).isEqualTo(401);
    }
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(401);
      assertThat(log.read(1, 1000, (i, e, b) -> assertThat(b).isEqualTo(body(i)))).isEqualTo(401);
    }
  }

  @Test
  void aSoundRecordAfterADamagedOneMustBeOfTheEngineEntryAppendedAgain() throws Exception {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 20; i++) {
        log.append(i, i * 10, body(i));
      }
    }
    overwrite(dir, recordAt(dir, 5), new byte[] {9}); // its index
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(4);
      log.append(5, 50, body(5));
      assertThatThrownBy(() -> log.append(6, 61, body(6))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not belong");
      log.append(6, 60, body(6));
    }
  }

  @Test
  void aDamagedRecordTheLastFlushVouchedForFailsReadsNamingItsFile() throws Exception {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 100; i++) {
        log.append(i, i, body(i));
      }
      log.flush();
    }
    overwrite(dir, recordAt(dir, 50) + 30, new byte[] {'#'});
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(100); // start-up checks only what the last flush did not
      assertThat(log.read(1, 49, (i, e, b) -> { })).isEqualTo(49);
      assertThatThrownBy(() -> log.read(45, 10, (i, e, b) -> { })).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("entry 50").hasMessageContaining(cq4(dir).toString())
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void aFlushRefusesToVouchForATornRecord() throws Exception {
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 100; i++) {
        log.append(i, i, body(i));
      }
      log.flush();
      for (long i = 101; i <= 200; i++) {
        log.append(i, i, body(i));
      }
      overwrite(dir, recordAt(dir, 150) + 26, new byte[3]); // the mapped pages see it
      assertThatThrownBy(log::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("entry 150");
      assertThat(Files.readString(dir.resolve("verified")).trim()).isEqualTo("100");
    }
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(149);
    }
  }

  @Test
  void recordsWithoutChecksumsFromEarlierReleasesStillReadAndScrub() throws Exception {
    ChronicleEventLog.writeUnchecked = true;
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      for (long i = 1; i <= 50; i++) {
        log.append(i, i, body(i));
      }
    } finally {
      ChronicleEventLog.writeUnchecked = false;
    }
    assertThat(Files.size(cq4(dir))).isPositive();
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.lastIndex()).isEqualTo(50);
      for (long i = 51; i <= 100; i++) {
        log.append(i, i, body(i));
      }
      log.scrub(1, rewriter -> {
        rewriter.rewrite(20, new byte[0]);
        rewriter.rewrite(70, new byte[0]);
      });
    }
    try (ChronicleEventLog log = new ChronicleEventLog(dir)) {
      assertThat(log.read(1, 200, (i, e, b) -> {
        assertThat(b).isEqualTo(i == 20 || i == 70 ? new byte[0] : body(i));
      })).isEqualTo(100);
    }
  }

  @Property(tries = 25)
  void damageAfterTheLastFlushIsRepairedByAppendingTheSameEntriesAgain(
      @ForAll @IntRange(min = 1, max = 300) int count, @ForAll @IntRange(min = 0, max = 300) int flushedAt,
      @ForAll("damages") List<int[]> damages) throws Exception {
    Path d = Files.createTempDirectory("events");
    int flushed = Math.min(flushedAt, count);
    try {
      try (ChronicleEventLog log = new ChronicleEventLog(d)) {
        for (long i = 1; i <= count; i++) {
          log.append(i, i + 7, body(i));
          if (i == flushed) {
            log.flush();
          }
        }
      }
      long firstDamaged = Long.MAX_VALUE;
      Map<Long, Long> records = new HashMap<>(); // found before any damage (a damage may hit the body searched for)
      for (int[] damage : damages) {
        if (flushed < count) {
          long i = flushed + 1 + damage[0] % (count - flushed);
          records.put(i, recordAt(d, i));
        }
      }
      for (int[] damage : damages) { // {entry after the flush, offset in its record, byte}
        if (flushed == count) {
          break;
        }
        long i = flushed + 1 + damage[0] % (count - flushed);
        int length = 24 + body(i).length;
        long at = records.get(i) + damage[1] % length;
        byte was = Files.readAllBytes(cq4(d))[(int) at];
        if (was != (byte) damage[2]) {
          overwrite(d, at, new byte[] {(byte) damage[2]});
          firstDamaged = Math.min(firstDamaged, i);
        }
      }
      try (ChronicleEventLog log = new ChronicleEventLog(d)) {
        long expectedLast = firstDamaged == Long.MAX_VALUE ? count : firstDamaged - 1;
        assertThat(log.lastIndex()).isEqualTo(expectedLast);
        for (long i = expectedLast + 1; i <= count; i++) {
          log.append(i, i + 7, body(i));
        }
        log.append(count + 1L, count + 8L, body(count + 1L));
        assertThat(log.read(1, count + 1, (i, e, b) -> {
          assertThat(e).isEqualTo(i + 7);
          assertThat(b).isEqualTo(body(i));
        })).isEqualTo(count + 1);
      }
    } finally {
      RaftResilienceIT.deleteRecursively(d);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<List<int[]>> damages() {
    net.jqwik.api.Arbitrary<int[]> one = net.jqwik.api.Combinators.combine(
        net.jqwik.api.Arbitraries.integers().between(0, 10_000), net.jqwik.api.Arbitraries.integers().between(0, 10_000),
        net.jqwik.api.Arbitraries.integers().between(-128, 127)).as((a, b, c) -> new int[] {a, b, c});
    return one.list().ofMaxSize(4);
  }
}
