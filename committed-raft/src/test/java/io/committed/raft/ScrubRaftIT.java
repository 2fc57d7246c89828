package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.Scrub;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scrub on three JRaft nodes: afterwards no file of any node's data directory (event log, raft
 * log, snapshots, segments) holds a byte of the erased data, though every one did before; the
 * other entities of the same entries are intact and every node holds the same log; a node that was
 * down during the scrub and one that starts empty both get the scrubbed log.
 */
class ScrubRaftIT {
  // letters that repeat nothing else written, so that a compressed table file would still hold them as they are
  private static final String SECRET = "zq7Xv-adaLovelace-Kp3Wm9";
  private static final String KEPT = "grace-hopper-1906";

  @TempDir
  Path dir;

  private RaftCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void noNodeKeepsAByteOfTheScrubbedDataAndNodesThatMissedTheScrubGetTheScrubbedLog() throws Exception {
    // first with frequent snapshots and small segments, so that snapshots and segments hold the data too
    cluster = new RaftCluster(dir, 3).customize(b -> b.engineOption("snapshotIntervalSeconds", "1")
        .engineOption("segmentEntries", "40"));
    int leader = cluster.startAll().awaitLeader();
    CommittedLog l = cluster.log(leader);
    l.types().define("person", "[type]\nname = \"person\"\nkeyValue = true");
    l.types().define("order", "[type]\nname = \"order\"");
    long last = 0;
    for (int i = 0; i < 200; i++) {
      List<Entity> entities = new ArrayList<>();
      entities.add(Entity.upsert("order", "o-" + i, "{\"customer\":\"p-1\",\"n\":" + i + "}"));
      if (i % 10 == 3) {
        entities.add(Entity.upsert("person", "p-1", "{\"name\":\"" + SECRET + "\",\"v\":" + i + "}"));
      }
      if (i % 10 == 5) {
        entities.add(Entity.upsert("person", "p-2", "{\"name\":\"" + KEPT + "\",\"v\":" + i + "}"));
      }
      last = l.proposeAndWait(new Proposal(entities));
    }
    cluster.awaitConverged(last);
    for (int id = 1; id <= 3; id++) {
      cluster.awaitSnapshotOfEverything(id);
    }
    for (int id = 1; id <= 3; id++) {
      for (String part : List.of("events", "raft", "snapshots", "segments")) {
        assertThat(filesHolding(cluster.dir(id).resolve(part), SECRET)).as("node %d's %s before the scrub", id, part)
            .isNotEmpty(); // so that the checks after it can fail
      }
    }

    // then as a node runs by default: no snapshot but those the scrub takes
    cluster.close();
    cluster.customize(b -> b.engineOption("segmentEntries", "40"));
    leader = cluster.startAll().awaitLeader();
    int down = leader == 1 ? 2 : 1;
    int other = 6 - leader - down;
    cluster.stop(down); // misses the scrub
    l = cluster.log(leader);

    Scrub scrub = l.scrub("person", List.of("p-1"), "erasure request 7");

    assertThat(scrub.number()).isEqualTo(1);
    long after = l.proposeAndWait(Proposal.of(Entity.upsert("person", "p-1", "{\"name\":\"new\"}")));
    for (int id : List.of(leader, other)) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(filesHolding(cluster.dir(id), SECRET)).as("files of node %d holding the data", id).isEmpty());
    }
    assertThat(filesHolding(cluster.dir(leader), KEPT)).isNotEmpty();

    cluster.start(down); // its event log has the data; it installs the leader's snapshot and scrubs its own entries
    int wiped = other;
    cluster.stop(wiped);
    deleteTree(cluster.dir(wiped));
    cluster.start(wiped); // starts empty: installs the leader's snapshot
    cluster.awaitConverged(after);
    for (int id : List.of(down, wiped)) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(filesHolding(cluster.dir(id), SECRET)).as("files of node %d holding the data", id).isEmpty());
    }

    List<LogEntry> expected = cluster.log(leader).read(1, 100_000);
    for (int id = 1; id <= 3; id++) {
      assertThat(entriesText(cluster.log(id).read(1, 100_000))).as("node %d's log", id)
          .isEqualTo(entriesText(expected));
      assertThat(cluster.log(id).scrubs()).as("node %d's scrubs", id).containsExactly(scrub);
    }
    int upserts = 0;
    int erased = 0;
    for (LogEntry e : expected) {
      for (Entity x : e.entities()) {
        if (x.typeId().equals("order")) {
          upserts++;
        } else if (x.keyAsString().equals("p-1") && e.index() < scrub.index()) {
          assertThat(x.delete()).as("p-1 in entry %d", e.index()).isTrue();
          erased++;
        } else if (x.keyAsString().equals("p-2")) {
          assertThat(x.dataAsString()).contains(KEPT);
        }
      }
    }
    assertThat(upserts).isEqualTo(200);
    assertThat(erased).isEqualTo(20);
    assertThat(expected.get((int) scrub.index() - 1).entities()).containsExactly(Entity.delete("person", "p-1"));
    assertThat(cluster.log(down).kv("person").get("p-1").orElseThrow().dataAsString()).isEqualTo("{\"name\":\"new\"}");
  }

  @Test
  void theRaftLogsWriteAheadLogAndTableFilesDropTheScrubbedCommands() throws Exception {
    cluster = new RaftCluster(dir, 3);
    int leader = cluster.startAll().awaitLeader();
    CommittedLog l = cluster.log(leader);
    l.types().define("person", "[type]\nname = \"person\"");
    long last = 0;
    for (int i = 0; i < 300; i++) {
      last = l.proposeAndWait(Proposal.of(i % 3 == 0 ? Entity.upsert("person", "p-1", "{\"name\":\"" + SECRET + "\"}")
          : Entity.upsert("person", "p-" + i, "{\"name\":\"" + KEPT + "\"}")));
    }
    cluster.awaitConverged(last);
    for (int id = 1; id <= 3; id++) {
      assertThat(filesHolding(cluster.dir(id).resolve("raft"), SECRET)).as("node %d's raft log", id).isNotEmpty();
    }

    l.scrub("person", List.of("p-1"), "");

    for (int id = 1; id <= 3; id++) {
      int node = id;
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(filesHolding(cluster.dir(node), SECRET)).as("files of node %d holding the data", node).isEmpty());
    }
    for (int id = 1; id <= 3; id++) {
      assertThat(filesHolding(cluster.dir(id).resolve("events"), KEPT)).isNotEmpty();
    }
  }

  private static List<String> entriesText(List<LogEntry> entries) {
    List<String> out = new ArrayList<>();
    for (LogEntry e : entries) {
      StringBuilder b = new StringBuilder().append(e.index()).append(' ').append(e.timestamp());
      for (Entity x : e.entities()) {
        b.append(" | ").append(x.typeId()).append('/').append(x.keyAsString()).append(x.delete() ? " deleted" : "=")
            .append(x.dataAsString());
      }
      out.add(b.toString());
    }
    return out;
  }

  /** The files under {@code root} whose bytes contain {@code text}. */
  static List<Path> filesHolding(Path root, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> out = new ArrayList<>();
    if (!Files.exists(root)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // deleted while walking (a snapshot replaced, a table file compacted)
      }
      if (indexOf(bytes, needle) >= 0) {
        out.add(f);
      }
    }
    return out;
  }

  private static int indexOf(byte[] bytes, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
