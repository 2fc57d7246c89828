package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.testplugins.RecordingSyncableFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scrubs through the Java API on the in-memory engine: what readers, a syncable and the key-value
 * view see afterwards, what is refused.
 */
class ScrubTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.inMemory();
    log.types().define("person", "[type]\nname = \"person\"\nkeyValue = true");
    log.types().define("order", "[type]\nname = \"order\"");
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void readersSyncablesAndTheKeyValueViewSeeTheKeyGoneAndEverythingElseUnchanged() {
    log.proposeAndWait(new Proposal(List.of(Entity.upsert("person", "p-1", "{\"email\":\"ada@example.org\"}"),
        Entity.upsert("order", "o-1", "{\"by\":\"p-1\"}"))));
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "p-2", "{\"email\":\"grace@example.org\"}")));
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "p-1", "{\"email\":\"ada@lovelace.org\"}")));
    log.syncables().define("people", "[syncable]\ntype = \"recording\"\n[recording]\ntopic = \"person\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> log.sync().status("people").checkpointIndex() == 3);

    Scrub scrub = log.scrub("person", List.of("p-1", "p-1", "p-9"), "erasure request 7");

    assertThat(scrub.number()).isEqualTo(1);
    assertThat(scrub.keys()).containsExactly("p-1", "p-9");
    assertThat(scrub.index()).isEqualTo(4);
    assertThat(scrub.reason()).isEqualTo("erasure request 7");
    assertThat(log.scrubs()).containsExactly(scrub);
    List<LogEntry> entries = log.read(1, 10);
    assertThat(entries.get(0).entities()).containsExactly(Entity.delete("person", "p-1"),
        Entity.upsert("order", "o-1", "{\"by\":\"p-1\"}"));
    assertThat(entries.get(1).entities()).containsExactly(
        Entity.upsert("person", "p-2", "{\"email\":\"grace@example.org\"}"));
    assertThat(entries.get(2).entities()).containsExactly(Entity.delete("person", "p-1"));
    assertThat(entries.get(3).entities()).containsExactly(Entity.delete("person", "p-1"),
        Entity.delete("person", "p-9"));
    assertThat(log.kv("person").get("p-1")).isEmpty();
    assertThat(log.kv("person").get("p-2")).isPresent();
    // the syncable synced the upserts before; it is told the delete
    await().atMost(Duration.ofSeconds(10)).until(() -> log.sync().status("people").checkpointIndex() == 4);
    List<LogEntry> received = RecordingSyncableFactory.RECEIVED.get("people");
    assertThat(received.get(received.size() - 1).entities()).contains(Entity.delete("person", "p-1"));

    // a syncable defined afterwards reads the scrubbed entries from the start
    log.syncables().define("late", "[syncable]\ntype = \"recording\"\n[recording]\ntopic = \"person\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> log.sync().status("late").checkpointIndex() == 4);
    List<String> seen = new ArrayList<>();
    RecordingSyncableFactory.RECEIVED.get("late").forEach(e -> e.entities().forEach(x ->
        seen.add(x.keyAsString() + (x.delete() ? " deleted" : "=" + x.dataAsString()))));
    assertThat(seen).containsExactly("p-1 deleted", "p-2={\"email\":\"grace@example.org\"}", "p-1 deleted",
        "p-1 deleted", "p-9 deleted");

    Scrub second = log.scrub("order", List.of("o-1"), "");
    assertThat(second.number()).isEqualTo(2);
    assertThat(log.read(1, 1).get(0).entities()).containsExactly(Entity.delete("person", "p-1"),
        Entity.delete("order", "o-1"));
    assertThat(log.scrubs()).containsExactly(scrub, second);
  }

  @Test
  void badScrubsAreRefusedAndChangeNothing() {
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "p-1", "{}")));

    assertThatThrownBy(() -> log.scrub("nobody", List.of("1"), ""))
        .isInstanceOfSatisfying(ProposalRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalRejectedException.Reason.TYPE_NOT_FOUND));
    assertThatThrownBy(() -> log.scrub("_internal", List.of("1"), ""))
        .isInstanceOfSatisfying(ProposalRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(ProposalRejectedException.Reason.TYPE_RESERVED));
    assertThatThrownBy(() -> log.scrub("person", List.of(), ""))
        .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("1 to 1000 keys, not 0");
    assertThatThrownBy(() -> log.scrub("person", Collections.nCopies(1, (String) null), ""))
        .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("null");
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= 1000; i++) {
      many.add("k" + i);
    }
    assertThatThrownBy(() -> log.scrub("person", many, "")).hasMessageContaining("not 1001");
    assertThatThrownBy(() -> log.scrub("person", List.of("p-1"), null)).isInstanceOf(IllegalArgumentException.class);

    assertThat(log.lastIndex()).isEqualTo(1);
    assertThat(log.read(1, 1).get(0).entities().get(0).delete()).isFalse();
    assertThat(log.scrubs()).isEmpty();
  }
}
