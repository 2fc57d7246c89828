package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogClosedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
