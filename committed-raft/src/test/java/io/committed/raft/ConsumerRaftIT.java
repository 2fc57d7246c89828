package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.ConsumerReader;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named consumers on three JRaft nodes: the acknowledged position is replicated, so it survives a
 * leader change and a restart from a snapshot, and what was delivered but not acknowledged is
 * delivered again, on whichever node the next reader opens.
 */
class ConsumerRaftIT {
  private static final String TYPE = "t";

  @TempDir
  Path dir;

  private RaftCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<Long> indexes(List<LogEntry> entries) {
    return entries.stream().map(LogEntry::index).toList();
  }

  private static List<LogEntry> drain(ConsumerReader reader) {
    List<LogEntry> out = new ArrayList<>();
    List<LogEntry> got;
    while (!(got = reader.poll(100, Duration.ZERO)).isEmpty()) {
      out.addAll(got);
    }
    return out;
  }

  @Test
  void positionsSurviveALeaderChangeAndARestartAndUnackedEntriesComeBack() throws Exception {
    cluster = new RaftCluster(dir, 3).customize(b -> b.engineOption("snapshotIntervalSeconds", "1"));
    int leader = cluster.startAll().awaitLeader();
    LogFixtures.defineTypes(cluster.log(leader), TYPE, "other");
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      written.add(cluster.log(leader).proposeAndWait(Proposal.of(Entity.upsert(TYPE, "k" + i, "{}"))));
      cluster.log(leader).proposeAndWait(Proposal.of(Entity.upsert("other", "x" + i, "{}")));
    }
    long last = cluster.log(leader).lastIndex();
    cluster.awaitConverged(last);

    // a reader on a follower: processes everything, acknowledges the first six, then is "killed"
    int follower = leader % 3 + 1;
    ConsumerReader first = cluster.log(follower).consumers().open("billing", Set.of(TYPE));
    assertThat(indexes(drain(first))).isEqualTo(written);
    first.ack(written.get(5));
    first.close();
    // at once on the other nodes, without waiting for them to apply the ack: the open goes through the log
    for (int id = 1; id <= 3; id++) {
      if (id != follower) {
        try (ConsumerReader r = cluster.log(id).consumers().open("billing", Set.of(TYPE))) {
          assertThat(r.poll(1, Duration.ZERO)).extracting(LogEntry::index).containsExactly(written.get(6));
        }
      }
    }
    for (CommittedLog l : cluster.running().values()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> l.consumers().status("billing").orElseThrow()
          .acknowledged() == written.get(5));
    }

    cluster.stop(leader);
    int newLeader = cluster.awaitLeader();
    assertThat(newLeader).isNotEqualTo(leader);
    int other = List.of(1, 2, 3).stream().filter(id -> id != leader && id != follower).findFirst().orElseThrow();

    // the next reader, on another node after the leader change, starts after the acknowledged index
    ConsumerReader second = cluster.log(other).consumers().open("billing", Set.of(TYPE));
    assertThat(indexes(drain(second))).isEqualTo(written.subList(6, 10));
    second.ack(written.get(9));
    second.close();

    // the old leader comes back and learns the position; so does a node restarted from its snapshot
    cluster.start(leader);
    cluster.awaitConverged(cluster.log(newLeader).lastIndex());
    cluster.awaitSnapshotOfEverything(follower);
    cluster.stop(follower);
    cluster.start(follower);
    cluster.awaitConverged(cluster.log(newLeader).lastIndex());
    for (CommittedLog l : cluster.running().values()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> l.consumers().status("billing").orElseThrow()
          .acknowledged() == written.get(9));
    }
    try (ConsumerReader third = cluster.log(follower).consumers().open("billing", Set.of(TYPE))) {
      assertThat(third.poll(10, Duration.ZERO)).isEmpty();
      long next = cluster.log(leader).proposeAndWait(Proposal.of(Entity.upsert(TYPE, "late", "{}")));
      assertThat(indexes(third.poll(10, Duration.ofSeconds(30)))).containsExactly(next);
    }
  }
}
