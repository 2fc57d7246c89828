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
}
