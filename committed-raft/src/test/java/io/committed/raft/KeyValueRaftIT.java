package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.CommittedLog;
import io.committed.KeyValue;
import io.committed.KeyValues;
import io.committed.ReadConsistency;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value view on three JRaft nodes: a write acknowledged on the leader is visible at once
 * through a follower's default (linearizable) read; the view is rebuilt from the event log when a
 * node restarts, and built on a node that joins from a snapshot.
 */
class KeyValueRaftIT {
  private static final String TYPE = "order";

  @TempDir
  Path dir;

  private RaftCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static int follower(int leader) {
    return leader == 1 ? 2 : 1;
  }

  @Test
  void aWriteAcknowledgedOnTheLeaderIsReadAtOnceThroughAFollower() {
    cluster = new RaftCluster(dir, 3);
    int leader = cluster.startAll().awaitLeader();
    CommittedLog l = cluster.log(leader);
    l.types().define(TYPE, "[type]\nname = \"order\"\nkeyValue = true");
    KeyValues onFollower = cluster.log(follower(leader)).kv(TYPE);
    int staleBehind = 0;
    for (int i = 0; i < 200; i++) {
      String value = "{\"n\":" + i + "}";
      long index = l.proposeAndWait(Proposal.of(Entity.upsert(TYPE, "k" + (i % 5), value)));
      // a stale read may or may not have it yet; a linearizable one must
      staleBehind += onFollower.get(("k" + (i % 5)).getBytes(), ReadConsistency.STALE)
          .map(v -> v.index() < index ? 1 : 0).orElse(1);
      KeyValue read = onFollower.get("k" + (i % 5)).orElseThrow();
      assertThat(read.index()).as("write %d (entry %d) read through the follower", i, index).isEqualTo(index);
      assertThat(read.dataAsString()).isEqualTo(value);
    }
    System.out.println("KeyValueRaftIT: " + staleBehind + " of 200 stale follower reads were behind the leader");
  }

  @Test
  void theViewIsRebuiltOnRestartAndBuiltOnANodeThatCatchesUpFromASnapshot() throws Exception {
    cluster = new RaftCluster(dir, 3).customize(b -> b.engineOption("snapshotIntervalSeconds", "1"));
    int leader = cluster.startAll().awaitLeader();
    CommittedLog l = cluster.log(leader);
    l.types().define(TYPE, "[type]\nname = \"order\"\nkeyValue = true");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      l.propose(Proposal.of(Entity.upsert(TYPE, "k" + (i % 30), "{\"n\":" + i + "}")));
    }
    long last = l.proposeAndWait(Proposal.of(Entity.delete(TYPE, "k0")));
    for (int k = 1; k < 30; k++) {
      expected.add("{\"n\":" + (270 + k) + "}");
    }
    int restarted = follower(leader);
    cluster.stop(restarted);
    cluster.start(restarted);
    cluster.awaitConverged(last);
    assertThat(values(cluster.log(restarted).kv(TYPE))).as("rebuilt after a restart").isEqualTo(expected);

    // a wiped node comes back from the leader's snapshot (its raft log trimmed) and builds the view
    cluster.awaitSnapshotOfEverything(cluster.awaitLeader());
    int wiped = 6 - leader - restarted;
    cluster.stop(wiped);
    try (var files = java.nio.file.Files.walk(cluster.dir(wiped))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    cluster.start(wiped);
    cluster.awaitConverged(last);
    assertThat(values(cluster.log(wiped).kv(TYPE))).as("built on a node that caught up from scratch")
        .isEqualTo(expected);
    assertThat(cluster.log(wiped).kv(TYPE).get("k0")).isEmpty();
  }

  private static List<String> values(KeyValues kv) {
    return kv.scan("k", 100).stream().sorted(java.util.Comparator.comparingInt(v -> Integer.parseInt(
        v.keyAsString().substring(1)))).map(KeyValue::dataAsString).toList();
  }
}
