package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.LogEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node's JVM killed with SIGKILL during a write stream, or halted between the event-log append
 * and the end of apply, then restarted on the same files: every acknowledged proposal is at its
 * index exactly once, and the event log has no gap and no duplicate.
 */
class RaftCrashIT {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void killedAndHaltedNodesRestartWithEveryAcknowledgedWriteOnce(long seed) throws Exception {
    Random random = new Random(seed);
    int port = RaftCluster.freePort();
    Map<String, Long> acked = new HashMap<>();
    // run 1: SIGKILL after some acknowledgements; run 2: halt right after an event append; run 3: SIGKILL again
    long[] lastSeen = {0};
    for (int run = 1; run <= 3; run++) {
      long haltAfter = run == 2 ? lastSeen[0] + 200 + random.nextInt(800) : 0;
      Process p = new ProcessBuilder(javaCommand(dir, port, "r" + run, haltAfter)).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      int killAfter = 300 + random.nextInt(2000);
      int acks = 0;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          String[] parts = line.split(" ");
          if (parts[0].equals("ACK")) {
            acked.put(parts[1], Long.parseLong(parts[2]));
            lastSeen[0] = Math.max(lastSeen[0], Long.parseLong(parts[2]));
            if (haltAfter == 0 && ++acks >= killAfter) {
              p.destroyForcibly(); // SIGKILL
              break;
            }
          }
        }
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (run == 2) {
        assertThat(p.exitValue()).as("the halt hook fired").isEqualTo(137);
      }
    }
    try (CommittedLog log = Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(dir).start()) {
      List<LogEntry> all = new ArrayList<>();
      for (long from = 1; ; ) {
        List<LogEntry> batch = log.read(from, 10_000);
        if (batch.isEmpty()) {
          break;
        }
        all.addAll(batch);
        from = batch.get(batch.size() - 1).index() + 1;
      }
      Map<String, Long> indexOf = new HashMap<>();
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < all.size(); i++) {
        LogEntry e = all.get(i);
        assertThat(e.index()).isEqualTo(i + 1L);
        String key = new String(e.entities().get(0).key(), StandardCharsets.UTF_8);
        assertThat(keys.add(key)).as("%s appears twice", key).isTrue();
        indexOf.put(key, e.index());
      }
      assertThat(acked).hasSizeGreaterThan(500);
      acked.forEach((key, index) -> assertThat(indexOf.get(key)).as("acknowledged %s", key).isEqualTo(index));
      System.out.printf("seed %d: %d acknowledged, %d entries after three crashes%n", seed, acked.size(), all.size());
    }
  }

  @org.junit.jupiter.api.Test
  void withoutTheJvmFlagsStartFailsWithAMessageListingThem() throws Exception {
    List<String> cmd = javaCommand(dir, RaftCluster.freePort(), "x", 0);
    cmd.removeIf(a -> a.startsWith("--add-"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    assertThat(out).contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
        .contains("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED").doesNotContain("READY");
  }

  private static List<String> javaCommand(Path dir, int port, String prefix, long haltAfter) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(RaftEngineFactory.jvmFlags().split(" ")));
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CrashChild.class.getName());
    cmd.add(dir.toString());
    cmd.add(String.valueOf(port));
    cmd.add(prefix);
    cmd.add(String.valueOf(haltAfter));
    return cmd;
  }
}
