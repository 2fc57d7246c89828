package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JRaft takes over SIGUSR2 for its own diagnostics when its node class loads, which is the signal
 * HotSpot suspends threads with to sample them: Java Flight Recorder's method profiling then records
 * nothing, and JRaft writes diagnostic files into the working directory instead. A node started by
 * this engine must leave the JVM's handler in place.
 */
class JfrProfilingTest {

  @Test
  void flightRecorderSamplesMethodsWhileARaftNodeRuns(@TempDir Path dir) throws Exception {
    try (RaftCluster cluster = new RaftCluster(dir, 1).startAll(); Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.start();
      long sink = 0;
      long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < until) {
        for (int i = 0; i < 100_000; i++) { // plain arithmetic: a sample's stack walk succeeds anywhere in it
          sink = sink * 31 + i;
        }
      }
      recording.stop();
      Path file = dir.resolve("recording.jfr");
      recording.dump(file);
      long samples = RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample")).count();
      assertThat(samples).as("execution samples in one busy second (%d)", sink).isGreaterThan(20);
    }
    try (var files = Files.list(Path.of(""))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("JRaft's diagnostic files in the working directory").noneMatch(f -> f.startsWith("node_describe.log"));
    }
  }
}
