package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under a node's event log fills up while it takes writes: a tmpfs of 8 MiB mounted on
 * {@code events/} (as root), a one-node log in a child JVM writing 4 KiB entities until its
 * proposals fail (or, with the whole data directory on 24 MiB, until disk admission refuses them). The node stops applying (the memory-mapped event log faults, possibly after a
 * record was closed: a torn record); the child is killed, the file system grown, and the node
 * restarted: every acknowledged write is at its index once with exactly its data, and the node
 * takes new writes.
 */
class EventLogDiskFullIT {
  private static final int PAD = 4096;

  @TempDir
  Path dir;

  @RepeatedTest(2)
  void aFullDiskUnderTheEventLogLosesNothingAcknowledgedAndTheNodeRestartsOnceThereIsSpace() throws Exception {
    // disk admission watches the data directory's file system, not this one: the event log fills up
    fillThenRestart(dir.resolve("data"), dir.resolve("data").resolve("events"), "8m", 100, 2100,
        "the disk is full or failing");
  }

  @org.junit.jupiter.api.Test
  void aDataDirectoryRunningOutOfSpaceRefusesWritesBeforeItIsFull() throws Exception {
    // the whole data directory on 24 MiB: disk admission refuses data writes at 10 % free
    fillThenRestart(dir.resolve("data"), dir.resolve("data"), "24m", 100, 6000,
        "InsufficientStorageException: the disk of " + dir.resolve("data"));
  }

  private void fillThenRestart(Path data, Path mountPoint, String size, int minAcked, int maxAcked, String failure)
      throws Exception {
    Files.createDirectories(mountPoint);
    mount(mountPoint, "size=" + size);
    int port = RaftCluster.freePort();
    Map<String, Long> acked = new HashMap<>();
    List<String> failures = new ArrayList<>();
    Path stderr = Files.createTempFile("disk-full-child", ".err"); // kept when the test fails
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of(RaftEngineFactory.jvmFlags().split(" ")));
      cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
          data.toString(), String.valueOf(port), "w", "0", String.valueOf(PAD)));
      Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
      java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (java.io.IOException e) {
          // the child was killed
        }
      });
      reader.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
          String line = lines.poll(1, TimeUnit.SECONDS);
          if (line == null) {
            continue;
          }
          String[] parts = line.split(" ", 3);
          if (parts[0].equals("ACK")) {
            acked.put(parts[1], Long.parseLong(parts[2]));
          } else if (parts[0].equals("FAIL")) {
            failures.add(parts[2]);
            if (parts[2].contains(failure)) {
              break; // proposals now fail with the cause
            }
          }
        }
      } finally {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
      }
      assertThat(failures).as("the child's proposals failed, one saying '%s' (its stderr: %s)", failure, stderr)
          .anyMatch(f -> f.contains(failure));
      // 8 MiB hold at most about 2,000 records of 4 KiB (fewer when Chronicle's index and mappings take their share)
      assertThat(acked).as("acknowledged before the disk was full").hasSizeGreaterThan(minAcked);
      assertThat(acked.size()).isLessThan(maxAcked);

      mount(mountPoint, "remount,size=512m");
      try (CommittedLog log = Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(data).start()) {
        List<LogEntry> all = readAll(log);
        Map<String, LogEntry> byKey = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
          LogEntry e = all.get(i);
          assertThat(e.index()).isEqualTo(i + 1L);
          if (e.entities().isEmpty() || !e.entities().get(0).typeId().equals("t")) {
            continue; // the type's definition
          }
          String key = new String(e.entities().get(0).key(), StandardCharsets.UTF_8);
          assertThat(byKey.put(key, e)).as("%s appears twice", key).isNull();
          assertThat(new String(e.entities().get(0).data(), StandardCharsets.UTF_8)) // acknowledged or not: whole
              .as("the data of %s at %d", key, e.index()).isEqualTo(CrashChild.data(Integer.parseInt(key.substring(2)), PAD));
        }
        acked.forEach((key, index) -> {
          LogEntry e = byKey.get(key);
          assertThat(e).as("acknowledged %s", key).isNotNull();
          assertThat(e.index()).isEqualTo(index);
        });
        long next = log.propose(Proposal.of(Entity.upsert("t", "after", "{\"n\":-1}"))).get(30, TimeUnit.SECONDS);
        assertThat(next).isEqualTo(all.size() + 1L);
        System.out.printf("disk full after %d acknowledged writes (proposals failed with: %s); after the restart %d entries, every"
            + " acknowledged one intact, and a new write at %d%n", acked.size(), failures, all.size(), next);
      }
      Files.delete(stderr);
    } finally {
      new ProcessBuilder("umount", "--lazy", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static List<LogEntry> readAll(CommittedLog log) {
    List<LogEntry> all = new ArrayList<>();
    for (long from = 1; ; ) {
      List<LogEntry> batch = log.read(from, 10_000);
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
      from = batch.get(batch.size() - 1).index() + 1;
    }
  }

  /** Mounts (or remounts) a tmpfs on {@code at}: needs root; elsewhere set COMMITTED_TEST_NO_MOUNT=true to skip. */
  static void mount(Path at, String options) throws Exception {
    if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
      Assumptions.assumeTrue("true".equals(System.getenv("COMMITTED_TEST_NO_MOUNT")) == false,
          "COMMITTED_TEST_NO_MOUNT=true: the test that mounts a small file system is skipped");
      throw new AssertionError("this test mounts a small tmpfs to fill it up and needs root (scripts/test.sh runs as"
          + " root on CI); run it as root, or set COMMITTED_TEST_NO_MOUNT=true to skip it");
    }
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("mount -o %s on %s: %s", options, at, out).isZero();
  }
}
